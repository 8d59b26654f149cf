package commands

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"

	"github.com/sirupsen/logrus"
)

// runEnv is what one Run gives its commands: the channel the first Ctrl-C
// closes (stop starting work) and the one logger, which each command sets
// to its flags' level and format.
type runEnv struct {
	stop <-chan struct{}
	log  *logrus.Logger
	errw io.Writer
}

// Run runs the command line args (args[0] is the program name) and returns
// the process exit code. It owns the signals: the first Ctrl-C (or SIGTERM)
// stops starting new work and lets copies in flight finish; the second aborts
// them (it cancels the context the commands run with). Either way the report
// is written, and no tag is left half written.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	abort, cancelAbort := context.WithCancel(ctx)
	defer cancelAbort()
	stop := make(chan struct{})
	closeStop := sync.OnceFunc(func() { close(stop) })
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
		closeStop()
		select {
		case <-sigs:
		case <-abort.Done():
			return
		}
		fmt.Fprintln(stderr, "\naborting the copies in flight (no tag is left half written)")
		cancelAbort()
	}()
	log, restore := newLogger(stderr)
	defer restore()
	app := newApp(displayName(args[0]), stdout, stderr, &runEnv{stop: stop, log: log, errw: stderr})
	return exitCode(app.RunContext(abort, interspersed(app, args)), stderr)
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
