package commands

import (
	"strings"

	"github.com/crane-migrate/crane-migrate/migrate"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/urfave/cli/v2"
)

func newVerifyCommand(run *runEnv) *cli.Command {
	return &cli.Command{
		Name:      "verify",
		Usage:     "check that the destination holds what the source holds",
		ArgsUsage: "SRC DST",
		Description: "SRC and DST are references (one tag), repositories (every source tag), or with --org " +
			"namespaces. Digests must be equal and, for an index, every platform present at the destination.",
		Flags: append(append(sharedFlags(), shardFlags()...),
			&cli.BoolFlag{Name: "org", EnvVars: env("VERIFY_ORG"), Usage: "SRC and DST are namespaces"},
			&cli.StringFlag{Name: "repos-file", EnvVars: env("REPOS_FILE"),
				Usage: "with --org, verify only the repositories listed in `FILE`"}),
		Action: func(c *cli.Context) error {
			cfg, err := migrateArgs(c, "SRC", "DST")
			if err != nil {
				return err
			}
			cfg.check = true
			if err := cfg.completeShard(c); err != nil {
				return err
			}
			if cfg.shard.Sharded() && !c.Bool("org") {
				return usagef("--shard and --shards split a namespace: they go with verify --org")
			}
			target, srcReg, dstReg, err := verifyTarget(c, &cfg)
			if err != nil {
				return err
			}
			return runMigration(c, run, cfg, target, srcReg, dstReg)
		},
	}
}

// verifyTarget picks what to compare from the shape of the arguments.
// It sets cfg's preflight probes.
func verifyTarget(c *cli.Context, cfg *migrateConfig) (migrate.Target, name.Registry, name.Registry, error) {
	tls := cfg.tls
	a, b := c.Args().Get(0), c.Args().Get(1)
	switch {
	case c.Bool("org"):
		src, dst, repos, err := parseNamespaces(c, tls)
		if err != nil {
			return nil, name.Registry{}, name.Registry{}, err
		}
		cfg.srcProbe, cfg.dstProbe = namespaceProbes(src, dst, repos)
		return migrate.Namespace(src, dst, repos), src.Registry, dst.Registry, nil
	case strings.Contains(a, "@") || hasTag(a):
		src, err := parseSource(a, tls.NameOptions(a)...)
		if err != nil {
			return nil, name.Registry{}, name.Registry{}, err
		}
		dst, err := parseDestination(b, src, tls.NameOptions(b)...)
		if err != nil {
			return nil, name.Registry{}, name.Registry{}, err
		}
		cfg.srcProbe, cfg.dstProbe = src.Context().RepositoryStr(), dst.Context().RepositoryStr()
		return migrate.Reference(src, dst), src.Context().Registry, dst.Context().Registry, nil
	default:
		src, err := parseRepository("source repository", a, tls.NameOptions(a)...)
		if err != nil {
			return nil, name.Registry{}, name.Registry{}, err
		}
		dst, err := parseRepository("destination repository", b, tls.NameOptions(b)...)
		if err != nil {
			return nil, name.Registry{}, name.Registry{}, err
		}
		cfg.srcProbe, cfg.dstProbe = src.RepositoryStr(), dst.RepositoryStr()
		return migrate.Repository(src, dst), src.Registry, dst.Registry, nil
	}
}
