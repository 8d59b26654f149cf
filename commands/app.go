package commands

import (
	"io"

	"github.com/urfave/cli/v2"
)

func newApp(name string, stdout, stderr io.Writer, run *runEnv) *cli.App {
	app := &cli.App{
		Name:     name,
		HelpName: name,
		Usage:    "migrate container images between registries and Docker Hub namespaces",
		Version:  versionString(),
		// -v is --verbose, as in every command and in crane: urfave's own
		// --version flag (-v) is replaced by a long --version and a version
		// command, so `crane-migrate -v org …` is a verbose run, not a
		// version printed with exit 0 and nothing migrated.
		HideVersion: true,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "version", Usage: "print the version"},
			&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, EnvVars: env("VERBOSE"),
				Usage: "debug logging (before or after the command)"},
		},
		EnableBashCompletion: true,
		Writer:               stdout,
		ErrWriter:            stderr,
		Commands: []*cli.Command{
			newCopyCommand(run),
			newRepoCommand(run),
			newOrgCommand(run),
			newVerifyCommand(run),
			newDemoCommand(run),
			newExportCommand(run),
			newJobCommand(run),
			newReportCommand(run),
			newRewriteCommand(),
			newCompletionCommand(),
			newVersionCommand(),
		},
		// Exit codes are ours to pick (exit.go); urfave must not os.Exit.
		ExitErrHandler: func(*cli.Context, error) {},
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return asUsage(err)
		},
	}
	app.Action = func(c *cli.Context) error {
		if c.Bool("version") {
			cli.ShowVersion(c)
			return nil
		}
		if c.NArg() > 0 {
			return usagef("unknown command %q (see %s --help)", c.Args().First(), name)
		}
		return cli.ShowAppHelp(c)
	}
	for _, c := range app.Commands {
		c.OnUsageError = app.OnUsageError
	}
	return app
}
