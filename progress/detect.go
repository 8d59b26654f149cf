package progress

import (
	"io"

	"golang.org/x/term"
)

// isTerminal reports whether w can show bars: it is a file on a terminal
// (term.IsTerminal on its descriptor) that reports a width, and TERM does
// not say the terminal cannot move the cursor. Wrappers with an Fd method
// count, as *os.File does. A terminal that reports no size (a serial
// console, a pty nobody sized) gets lines: mpb draws nothing there.
func isTerminal(w io.Writer, getenv func(string) string) bool {
	f, ok := w.(interface{ Fd() uintptr })
	if !ok {
		return false
	}
	fd := int(f.Fd())
	if !term.IsTerminal(fd) || getenv("TERM") == "dumb" {
		return false
	}
	width, _, err := term.GetSize(fd)
	return err == nil && width > 0
}
