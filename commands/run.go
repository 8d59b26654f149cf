package commands

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
)

// abortKey names the abort context in the app's Metadata.
const abortKey = "crane-migrate/abort"

// Run runs the command line args (args[0] is the program name) and returns
// the process exit code. It owns the signals: the first Ctrl-C (or SIGTERM)
// stops starting new work and lets copies in flight finish; the second aborts
// them. Either way the report is written, and no tag is left half written.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	abort, cancelAbort := context.WithCancel(ctx)
	defer cancelAbort()
	stop, cancelStop := context.WithCancel(abort)
	defer cancelStop()
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	go func() {
		select {
		case <-sigs:
		case <-abort.Done():
			return
		}
		fmt.Fprintln(stderr, "\ninterrupted: finishing the copies in flight, starting no more (Ctrl-C again to abort them)")
		cancelStop()
		select {
		case <-sigs:
		case <-abort.Done():
			return
		}
		fmt.Fprintln(stderr, "\naborting the copies in flight (no tag is left half written)")
		cancelAbort()
	}()

	app := newApp(displayName(args[0]), stdout, stderr)
	app.Metadata = map[string]any{abortKey: abort}
	return exitCode(app.RunContext(stop, interspersed(app, args)), stderr)
}

// abortContext is the context that only the second interrupt cancels.
func abortContext(md map[string]any, fallback context.Context) context.Context {
	if ctx, ok := md[abortKey].(context.Context); ok {
		return ctx
	}
	return context.WithoutCancel(fallback)
}

// displayName is how help text names the program: kubectl runs the plugin as
// kubectl-crane_migrate but users type `kubectl crane-migrate`.
func displayName(argv0 string) string {
	base := filepath.Base(argv0)
	if strings.HasPrefix(base, "kubectl-") {
		return "kubectl " + strings.ReplaceAll(strings.TrimPrefix(base, "kubectl-"), "_", "-")
	}
	if strings.Contains(argv0, " ") { // "crane migrate", as the crane extension passes it
		return argv0
	}
	return base
}
