package commands

import (
	"github.com/urfave/cli/v2"

	"github.com/crane-migrate/crane-migrate/migrate"
)

func newRepoCommand(run *runEnv) *cli.Command {
	return &cli.Command{
		Name:      "repo",
		Usage:     "copy every tag of a repository",
		ArgsUsage: "SRC_REPO DST_REPO",
		Flags:     copyFlags(),
		Action: func(c *cli.Context) error {
			cfg, err := migrateArgs(c, "SRC_REPO", "DST_REPO")
			if err != nil {
				return err
			}
			src, err := parseRepository("source repository", c.Args().Get(0), cfg.tls.NameOptions(c.Args().Get(0))...)
			if err != nil {
				return err
			}
			dst, err := parseRepository("destination repository", c.Args().Get(1), cfg.tls.NameOptions(c.Args().Get(1))...)
			if err != nil {
				return err
			}
			if err := sameNames("repository", src.Name(), dst.Name()); err != nil {
				return err
			}
			cfg.srcProbe, cfg.dstProbe = src.RepositoryStr(), dst.RepositoryStr()
			return runMigration(c, run, cfg, migrate.Repository(src, dst), src.Registry, dst.Registry)
		},
	}
}
