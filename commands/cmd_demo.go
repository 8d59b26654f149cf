package commands

import (
	"fmt"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/crane-migrate/crane-migrate/demo"
	"github.com/crane-migrate/crane-migrate/migrate"
)

func newDemoCommand(run *runEnv) *cli.Command {
	return &cli.Command{
		Name:  "demo",
		Usage: "run a whole org migration between two throwaway in-memory registries",
		Description: "Starts two registries on 127.0.0.1, seeds oldorg with images (one multi-arch, two tags " +
			"sharing a digest), migrates it to neworg, runs it again (everything is skipped) and verifies.",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, EnvVars: env("VERBOSE"), Usage: "debug logging"},
		},
		Action: func(c *cli.Context) error { return runDemo(c, run) },
	}
}

func runDemo(c *cli.Context, run *runEnv) error {
	out := c.App.Writer
	env, err := demo.Start(c.Context)
	if err != nil {
		return err
	}
	defer env.Close()
	dir, err := os.MkdirTemp("", "crane-migrate-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	src, err := migrate.ParseNamespace(env.Source)
	if err != nil {
		return err
	}
	dst, err := migrate.ParseNamespace(env.Destination)
	if err != nil {
		return err
	}
	// An empty Docker config: the demo must not depend on the user's credentials.
	cfg := migrateConfig{jobs: migrate.DefaultJobs, verify: true, logFormat: "text", verbose: c.Bool("verbose"), dockerConfig: dir}
	if err := cfg.validate(); err != nil {
		return err
	}
	org := func(check bool) error {
		cfg.check = check
		return runMigration(c, run, cfg, migrate.Namespace(src, dst, nil), src.Registry, dst.Registry)
	}

	fmt.Fprintf(out, "== crane-migrate demo: %s -> %s (in-memory registries on this machine)\n\n", env.Source, env.Destination)
	fmt.Fprintf(out, "== 1. %s org %s %s --dry-run\n", c.App.Name, env.Source, env.Destination)
	cfg.dryRun = true
	if err := org(false); err != nil {
		return err
	}
	cfg.dryRun = false
	fmt.Fprintf(out, "\n== 2. %s org %s %s\n", c.App.Name, env.Source, env.Destination)
	if err := org(false); err != nil {
		return err
	}
	fmt.Fprintf(out, "\n== 3. the same command again: everything is already there, so nothing is fetched\n")
	if err := org(false); err != nil {
		return err
	}
	fmt.Fprintf(out, "\n== 4. %s verify --org %s %s\n", c.App.Name, env.Source, env.Destination)
	if err := org(true); err != nil {
		return err
	}
	fmt.Fprintf(out, "\nDone. Try it on your own registries: %s org SRC_NS DST_NS --dry-run\n", c.App.Name)
	return nil
}
