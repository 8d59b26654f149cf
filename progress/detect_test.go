package progress

import (
	"bytes"
	"io"
	"os"
	"runtime"
	"testing"

	"github.com/creack/pty"
)

func TestIsTerminal(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("needs a Unix pseudo-terminal")
	}
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatalf("opening a pseudo-terminal: %v", err)
	}
	// Cleanup, not defer: the parallel subtests run after this function returns.
	t.Cleanup(func() { ptmx.Close(); tty.Close() })
	if err := pty.Setsize(ptmx, &pty.Winsize{Rows: 24, Cols: 80}); err != nil {
		t.Fatal(err)
	}
	// A terminal that reports no size: a pty nobody sized is 0×0.
	uptmx, unsized, err := pty.Open()
	if err != nil {
		t.Fatalf("opening a pseudo-terminal: %v", err)
	}
	t.Cleanup(func() { uptmx.Close(); unsized.Close() })
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close(); w.Close() })
	term := func(v string) func(string) string { return func(string) string { return v } }
	tests := []struct {
		name   string
		w      io.Writer
		getenv func(string) string
		want   bool
	}{
		{"a terminal", tty, term("xterm-256color"), true},
		{"a terminal, TERM unset", tty, term(""), true},
		{"a dumb terminal", tty, term("dumb"), false},
		{"a terminal that reports no size", unsized, term("xterm"), false},
		{"a pipe", w, term("xterm"), false},
		{"a buffer", &bytes.Buffer{}, term("xterm"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := isTerminal(tt.w, tt.getenv); got != tt.want {
				t.Errorf("isTerminal = %v, want %v", got, tt.want)
			}
		})
	}
}
