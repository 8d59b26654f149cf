// Command crane is go-containerregistry's crane with one command added:
// `crane migrate`, which is crane-migrate.
//
// It exists because crane has no plugin lookup of its own: unlike kubectl, it
// never runs a crane-<name> found on PATH. The only way to a real
// `crane migrate` is to build crane's command tree ourselves, as gcrane does,
// and add the command to it. Everything migrate does lives in package
// commands; this file only wires it in.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/crane-migrate/crane-migrate/commands"
	"github.com/google/go-containerregistry/cmd/crane/cmd"
	"github.com/google/go-containerregistry/pkg/logs"
	"github.com/spf13/cobra"
)

func main() {
	// As crane's own main does, so crane's commands still warn and report progress.
	logs.Warn.SetOutput(os.Stderr)
	logs.Progress.SetOutput(os.Stderr)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done() // only a signal gets here: the normal way out is os.Exit
		fmt.Fprintln(os.Stderr, "\ninterrupted: stopping (Ctrl-C again to abort)")
		stop() // the default handling is back, so a second signal kills the process
	}()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// run runs crane's command tree with migrate added and returns the exit code:
// migrate's own (0, 1, 2, …), or 1 when a crane command fails, as crane exits.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	code := 0
	root := cmd.New("crane", "Crane is a tool for managing container images", nil)
	migrate := newMigrateCommand(&code)
	// `crane help migrate` and `crane migrate --help` print crane-migrate's
	// own help, not cobra's empty usage of a command that parses nothing.
	migrate.SetHelpFunc(func(c *cobra.Command, _ []string) {
		code = commands.Run(ctx, []string{"crane migrate", "--help"}, c.OutOrStdout(), c.ErrOrStderr())
	})
	root.AddCommand(migrate)
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	if err := root.ExecuteContext(ctx); err != nil {
		return 1 // cobra has printed the error
	}
	return code
}

// newMigrateCommand returns `crane migrate`, which hands its arguments
// unparsed to crane-migrate and stores the exit code it picks in code.
func newMigrateCommand(code *int) *cobra.Command {
	return &cobra.Command{
		Use:   "migrate",
		Short: "Migrate images between registries and Docker Hub namespaces (crane-migrate)",
		// crane-migrate parses its own flags, --help and --version included.
		DisableFlagParsing: true,
		// crane's PersistentPreRun sets up transports for crane's commands;
		// crane-migrate sets up its own.
		PersistentPreRun: func(*cobra.Command, []string) {},
		RunE: func(c *cobra.Command, args []string) error {
			*code = commands.Run(c.Context(), append([]string{"crane migrate"}, args...), c.OutOrStdout(), c.ErrOrStderr())
			return nil
		},
	}
}
