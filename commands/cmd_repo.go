package commands

import (
	"context"

	"github.com/urfave/cli/v2"

	"github.com/crane-migrate/crane-migrate/copy"
)

func newRepoCommand() *cli.Command {
	return &cli.Command{
		Name:      "repo",
		Usage:     "copy every tag of a repository",
		ArgsUsage: "SRC_REPO DST_REPO",
		Flags:     migrateFlags(),
		Action: func(c *cli.Context) error {
			if err := wantArgs(c, "SRC_REPO", "DST_REPO"); err != nil {
				return err
			}
			cfg := completeMigrate(c)
			if err := cfg.validate(); err != nil {
				return err
			}
			src, err := parseRepository("source repository", c.Args().Get(0), cfg.tls.nameOptions(c.Args().Get(0))...)
			if err != nil {
				return err
			}
			dst, err := parseRepository("destination repository", c.Args().Get(1), cfg.tls.nameOptions(c.Args().Get(1))...)
			if err != nil {
				return err
			}
			produce := func(ctx context.Context, r *run, tasks chan<- copy.Task) { r.repoTasks(ctx, src, dst, tasks) }
			return execute(c.Context, abortContext(c.App.Metadata, c.Context), cfg, src.Registry, dst.Registry, false, produce, c.App.Writer, c.App.ErrWriter)
		},
	}
}
