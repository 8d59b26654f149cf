package commands

import (
	"errors"
	"fmt"
	"io"

	"github.com/crane-migrate/crane-migrate/migrate"
	"github.com/crane-migrate/crane-migrate/pulls"
)

// Exit codes, mapped in this one place.
const (
	exitOK          = 0
	exitFailures    = 1   // some tag failed or did not verify
	exitUsage       = 2   // bad arguments: nothing was attempted
	exitPullLimit   = 3   // the source's pull limit stopped the run; re-run later
	exitInterrupted = 130 // Ctrl-C: in-flight copies finished, the rest not started
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
	case errors.Is(err, migrate.ErrFailures):
		return exitFailures // the summary said which, and why
	case errors.Is(err, pulls.ErrLimit):
		fmt.Fprintf(stderr, "error: %v\n", err)
		return exitPullLimit
	case errors.Is(err, migrate.ErrInterrupted):
		fmt.Fprintf(stderr, "error: %v\n", err)
		return exitInterrupted
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "error: %v%s\n", err, hint(err))
		return exitUsage
	default:
		fmt.Fprintf(stderr, "error: %v\n", err)
		return exitFailures
	}
}
