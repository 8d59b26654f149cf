package commands

import (
	"errors"
	"fmt"
	"io"
)

// Exit codes, mapped in this one place.
const (
	exitOK          = 0
	exitFailures    = 1   // some tag failed or did not verify
	exitUsage       = 2   // bad arguments: nothing was attempted
	exitPullLimit   = 3   // the source's pull limit stopped the run; re-run later
	exitInterrupted = 130 // Ctrl-C: in-flight copies finished, the rest not started
)

// Errors that end a run after its summary was printed; exitCode maps them.
var (
	errFailures    = errors.New("some tags failed")
	errPullLimit   = errors.New("pull rate limit reached")
	errInterrupted = errors.New("interrupted")
)

// usageError is bad input from the user: exit 2 with a one-line reason.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error {
	return &usageError{fmt.Errorf(format, args...)}
}

// asUsage marks err as the user's to fix.
func asUsage(err error) error {
	if err == nil {
		return nil
	}
	return &usageError{err}
}

// exitCode prints err once (handle or return, never both: commands return,
// this prints) and picks the exit code.
func exitCode(err error, stderr io.Writer) int {
	var ue *usageError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errFailures):
		return exitFailures
	case errors.Is(err, errPullLimit):
		fmt.Fprintf(stderr, "error: %v\n", err)
		return exitPullLimit
	case errors.Is(err, errInterrupted):
		fmt.Fprintf(stderr, "error: %v\n", err)
		return exitInterrupted
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "error: %v\n", err)
		return exitUsage
	default:
		fmt.Fprintf(stderr, "error: %v\n", err)
		return exitFailures
	}
}

// errNoRepositories: an empty namespace is almost always a typo or missing
// credentials, so it fails rather than "succeeds" at nothing.
func errNoRepositories(ns fmt.Stringer) error {
	return fmt.Errorf("no repositories found in %s (check the name, and that the credentials can see it)", ns)
}
