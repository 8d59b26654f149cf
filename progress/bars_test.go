package progress

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/crane-migrate/crane-migrate/report"
)

// helperEnv makes the test binary, started again by a test, play one of
// helperScenarios on its stderr instead of running the tests.
const helperEnv = "PROGRESS_TEST_SCENARIO"

func TestMain(m *testing.M) {
	if name := os.Getenv(helperEnv); name != "" {
		play, ok := helperScenarios[name]
		if !ok {
			fmt.Fprintf(os.Stdout, "unknown scenario %q\n", name)
			os.Exit(2)
		}
		play(waitForParent)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// waitForParent blocks until the test says it has seen what it waited for;
// the signal comes on file descriptor 3 (exec.Cmd.ExtraFiles) so that
// nothing is typed into the terminal.
func waitForParent() {
	f := os.NewFile(3, "signal")
	defer f.Close()
	_, _ = f.Read(make([]byte, 1))
}

const alpha, beta = "registry.example/team/alpha", "registry.example/team/beta"

func res(s report.Status) report.Result { return report.Result{Status: s} }

// helperScenarios are runs driven as the lead drives them, with the
// terminal left to detection. Each waits for the parent once, with a task
// of alpha in flight.
var helperScenarios = map[string]func(wait func()){
	"complete": func(wait func()) {
		d := New(os.Stderr)
		d.Add(alpha, 2)
		d.Add(beta, 1)
		d.Start(alpha)
		wait()
		fmt.Fprintln(d.Writer(), `level=error msg="a log line above the bars"`)
		d.Done(alpha, res(report.StatusCopied), 3<<20)
		d.Start(alpha)
		d.Done(alpha, res(report.StatusSkipped), 0)
		d.EnumerationDone()
		d.Start(beta)
		d.Done(beta, res(report.StatusFailed), 0)
		d.Close()
	},
	"interrupted": func(wait func()) {
		d := New(os.Stderr)
		d.Add(alpha, 3)
		d.Start(alpha)
		wait()
		d.Done(alpha, res(report.StatusCopied), 0)
		d.Close()
	},
	"quiet": func(wait func()) {
		d := New(os.Stderr, WithQuiet(true))
		d.Add(alpha, 1)
		d.Start(alpha)
		wait()
		d.Done(alpha, res(report.StatusCopied), 0)
		d.EnumerationDone()
		d.Close()
	},
}

// lastFrame is what the terminal shows at the end: mpb moves the cursor up
// and clears the screen below (ESC [ n A, ESC [ J) before each new frame.
func lastFrame(out string) string {
	if i := strings.LastIndex(out, "\x1b[J"); i >= 0 {
		return out[i+len("\x1b[J"):]
	}
	return out
}

var fullBar = regexp.MustCompile(`\[=+\]`)

func TestBarsInATerminal(t *testing.T) {
	t.Parallel()
	tests := []struct {
		scenario string
		// during: shown while alpha's first task is in flight
		during []string
		// final: in the last frame; notFinal: not in it
		final, notFinal []string
		full            bool // the overall bar ends full
		empty           bool // nothing at all is written
	}{
		{
			scenario: "complete",
			during:   []string{"tags 0/3 (counting…)", "registry.example/team/alpha", "0/2 tags · 1 running"},
			final:    []string{"tags 3/3 [", "] 100% · done in", "1 copied, 1 skipped, 1 failed"},
			notFinal: []string{"counting", "team/alpha", "team/beta"},
			full:     true,
		},
		{
			scenario: "interrupted",
			during:   []string{"tags 0/3 (counting…)", "registry.example/team/alpha", "0/3 tags · 1 running"},
			final:    []string{"tags 1/3 (partial count) [", "]  33% · stopped after", "1 copied, 0 skipped, 0 failed"},
			notFinal: []string{"100%", "team/alpha", "counting…"},
		},
		{scenario: "quiet", empty: true},
	}
	for _, tt := range tests {
		t.Run(tt.scenario, func(t *testing.T) {
			t.Parallel()
			out := runInTerminal(t, tt.scenario, tt.during)
			if tt.empty {
				if out != "" {
					t.Fatalf("quiet display wrote %q", out)
				}
				return
			}
			if tt.scenario == "complete" && !strings.Contains(out, "a log line above the bars") {
				t.Errorf("the line written to Writer is missing:\n%q", out)
			}
			final := lastFrame(out)
			for _, s := range tt.final {
				if !strings.Contains(final, s) {
					t.Errorf("last frame lacks %q:\n%q", s, final)
				}
			}
			for _, s := range tt.notFinal {
				if strings.Contains(final, s) {
					t.Errorf("last frame still has %q:\n%q", s, final)
				}
			}
			if got := fullBar.MatchString(final); got != tt.full {
				t.Errorf("overall bar full = %v, want %v:\n%q", got, tt.full, final)
			}
		})
	}
}

// runInTerminal plays a scenario in a child process whose stdin, stdout and
// stderr are a pseudo-terminal, waits until the terminal shows each of
// during, lets the child finish and returns everything it showed.
func runInTerminal(t *testing.T, scenario string, during []string) string {
	t.Helper()
	skipWithoutPTY(t)
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), helperEnv+"="+scenario, "TERM=xterm")
	signalR, signalW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer signalW.Close()
	cmd.ExtraFiles = []*os.File{signalR}
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 40, Cols: 160})
	signalR.Close()
	if err != nil {
		t.Fatalf("starting %s in a pseudo-terminal: %v", scenario, err)
	}
	defer tty.Close()
	var out lockedBuffer
	read := make(chan struct{})
	go func() {
		defer close(read)
		_, _ = io.Copy(&out, tty) // ends with EIO once the child is gone
	}()

	deadline := time.Now().Add(10 * time.Second)
	for _, want := range during {
		for !strings.Contains(out.String(), want) {
			if time.Now().After(deadline) {
				signalW.Close()
				_ = cmd.Wait()
				t.Fatalf("the terminal never showed %q while a task was in flight:\n%q", want, out.String())
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	if _, err := signalW.Write([]byte{1}); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("scenario %s: %v\n%q", scenario, err, out.String())
	}
	select {
	case <-read:
	case <-time.After(10 * time.Second):
		t.Fatal("the terminal did not close")
	}
	return out.String()
}

// TestNoBarsInAPipe: stderr is a pipe, so the same run draws nothing (its
// progress lines would go to a logger, which this one has not).
func TestNoBarsInAPipe(t *testing.T) {
	t.Parallel()
	skipWithoutPTY(t)
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), helperEnv+"=complete", "TERM=xterm")
	signalR, signalW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.ExtraFiles = []*os.File{signalR}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	signalR.Close()
	signalW.Write([]byte{1})
	signalW.Close()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("%v: %s", err, stderr.String())
	}
	// Only the line the scenario writes to Writer, which is stderr itself.
	if got, want := stderr.String(), "level=error msg=\"a log line above the bars\"\n"; got != want {
		t.Errorf("stderr = %q, want %q", got, want)
	}
}

// skipWithoutPTY: creack/pty and ExtraFiles are Unix only, as are the
// release platforms in plugin.yaml.
func skipWithoutPTY(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("needs a Unix pseudo-terminal")
	}
}
