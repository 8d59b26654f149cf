package commands

import (
	"context"
	"io"
	"path/filepath"
	"strings"
)

// Run runs the command line args (args[0] is the program name) and returns
// the process exit code.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	app := newApp(displayName(args[0]), stdout, stderr)
	return exitCode(app.RunContext(ctx, interspersed(app, args)), stderr)
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
