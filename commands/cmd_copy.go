package commands

import (
	"github.com/urfave/cli/v2"

	"github.com/crane-migrate/crane-migrate/migrate"
)

func newCopyCommand(run *runEnv) *cli.Command {
	return &cli.Command{
		Name:      "copy",
		Aliases:   []string{"cp"},
		Usage:     "copy one tag or digest to a tag",
		ArgsUsage: "SRC_REF DST_REF",
		Description: "SRC_REF is oldorg/myapp:1.2.3 or oldorg/myapp@sha256:…; DST_REF is a tag " +
			"(without one it takes the source's tag). Nothing is fetched when the destination already has the same digest.",
		Flags: copyFlags(),
		Action: func(c *cli.Context) error {
			cfg, err := migrateArgs(c, "SRC_REF", "DST_REF")
			if err != nil {
				return err
			}
			// Both act on a whole repository once all its tags are in:
			// one tag is not a repository's migration.
			for _, f := range []string{"deprecate-source", "copy-immutable-rules"} {
				if c.Bool(f) {
					return usagef("--%s works with repo and org, which migrate a whole repository; copy moves one tag", f)
				}
			}
			// Dates and counts choose among a repository's listed tags.
			for _, f := range []string{"pushed-since", "pulled-since", "min-age", "keep-latest"} {
				if c.IsSet(f) {
					return usagef("--%s works with repo and org, which choose among a repository's tags; copy moves the one named", f)
				}
			}
			src, err := parseSource(c.Args().Get(0), cfg.tls.NameOptions(c.Args().Get(0))...)
			if err != nil {
				return err
			}
			dst, err := parseDestination(c.Args().Get(1), src, cfg.tls.NameOptions(c.Args().Get(1))...)
			if err != nil {
				return err
			}
			if err := sameNames("reference", src.Name(), dst.Name()); err != nil {
				return err
			}
			cfg.srcProbe, cfg.dstProbe = src.Context().RepositoryStr(), dst.Context().RepositoryStr()
			return runMigration(c, run, cfg, migrate.Reference(src, dst), src.Context().Registry, dst.Context().Registry)
		},
	}
}
