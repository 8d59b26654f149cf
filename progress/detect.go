package progress

import (
	"io"

	"golang.org/x/term"
)

// isTerminal reports whether w can show bars: it is a file on a terminal
// (term.IsTerminal on its descriptor) and TERM does not say the terminal
// cannot move the cursor. Wrappers with an Fd method count, as *os.File does.
func isTerminal(w io.Writer, getenv func(string) string) bool {
	f, ok := w.(interface{ Fd() uintptr })
	if !ok {
		return false
	}
	return term.IsTerminal(int(f.Fd())) && getenv("TERM") != "dumb"
}
