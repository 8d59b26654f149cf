package commands

import (
	"github.com/urfave/cli/v2"

	"github.com/crane-migrate/crane-migrate/migrate"
	"github.com/crane-migrate/crane-migrate/side"
)

func newOrgCommand(run *runEnv) *cli.Command {
	return &cli.Command{
		Name:      "org",
		Usage:     "copy every repository of a namespace (or those a repos file lists)",
		ArgsUsage: "SRC_NS DST_NS",
		Description: "SRC_NS and DST_NS are Docker Hub namespaces (oldorg) or registry namespaces " +
			"(registry.example.com/team). Repositories come from the Docker Hub API or the registry's _catalog.",
		Flags: append(append(copyFlags(), shardFlags()...),
			&cli.StringFlag{Name: "repos-file", EnvVars: env("REPOS_FILE"),
				Usage: "migrate only the repositories listed in `FILE`, one per line (# comments allowed)"}),
		Action: func(c *cli.Context) error {
			cfg, err := migrateArgs(c, "SRC_NS", "DST_NS")
			if err != nil {
				return err
			}
			if err := cfg.completeShard(c); err != nil {
				return err
			}
			src, dst, repos, err := parseNamespaces(c, cfg.tls)
			if err != nil {
				return err
			}
			cfg.srcProbe, cfg.dstProbe = namespaceProbes(src, dst, repos)
			return runMigration(c, run, cfg, migrate.Namespace(src, dst, repos), src.Registry, dst.Registry)
		},
	}
}

// parseNamespaces reads SRC_NS, DST_NS and the optional repos file.
func parseNamespaces(c *cli.Context, tls side.TLSPolicy) (src, dst migrate.NamespaceName, repos []string, err error) {
	a, b := c.Args().Get(0), c.Args().Get(1)
	if err := noScheme("source namespace", a); err != nil {
		return src, dst, nil, err
	}
	if err := noScheme("destination namespace", b); err != nil {
		return src, dst, nil, err
	}
	if src, err = migrate.ParseNamespace(a, tls.NameOptions(a)...); err != nil {
		return src, dst, nil, asUsage(err)
	}
	if dst, err = migrate.ParseNamespace(b, tls.NameOptions(b)...); err != nil {
		return src, dst, nil, asUsage(err)
	}
	if err := sameNames("namespace", src.String(), dst.String()); err != nil {
		return src, dst, nil, err
	}
	if f := c.String("repos-file"); f != "" {
		if repos, err = migrate.ReadReposFile(f, src); err != nil {
			return src, dst, nil, asUsage(err)
		}
	}
	return src, dst, repos, nil
}

// namespaceProbes are the repositories a namespace run's preflight asks
// about: the repos file's first, else the namespace path itself (a name
// the registry can answer for, whether or not it exists).
func namespaceProbes(src, dst migrate.NamespaceName, repos []string) (string, string) {
	if len(repos) > 0 {
		return src.Path + "/" + repos[0], dst.Path + "/" + repos[0]
	}
	return src.Path, dst.Path
}
