package commands

import (
	"context"

	"github.com/urfave/cli/v2"

	"github.com/crane-migrate/crane-migrate/copy"
	"github.com/crane-migrate/crane-migrate/enumerate"
)

func newOrgCommand() *cli.Command {
	return &cli.Command{
		Name:      "org",
		Usage:     "copy every repository of a namespace (or those a repos file lists)",
		ArgsUsage: "SRC_NS DST_NS",
		Description: "SRC_NS and DST_NS are Docker Hub namespaces (oldorg) or registry namespaces " +
			"(registry.example.com/team). Repositories come from the Docker Hub API or the registry's _catalog.",
		Flags: append(migrateFlags(),
			&cli.StringFlag{Name: "repos-file", EnvVars: env("REPOS_FILE"),
				Usage: "migrate only the repositories listed in `FILE`, one per line (# comments allowed)"}),
		Action: func(c *cli.Context) error {
			if err := wantArgs(c, "SRC_NS", "DST_NS"); err != nil {
				return err
			}
			cfg := completeMigrate(c)
			if err := cfg.validate(); err != nil {
				return err
			}
			src, dst, repos, err := parseNamespaces(c, cfg.tls)
			if err != nil {
				return err
			}
			produce := func(ctx context.Context, r *run, tasks chan<- copy.Task) { r.orgTasks(ctx, src, dst, repos, tasks) }
			return execute(c.Context, abortContext(c.App.Metadata, c.Context), cfg, src.Registry, dst.Registry, false, produce, c.App.Writer, c.App.ErrWriter)
		},
	}
}

// parseNamespaces reads SRC_NS, DST_NS and the optional repos file.
func parseNamespaces(c *cli.Context, tls tlsPolicy) (src, dst enumerate.Namespace, repos []string, err error) {
	a, b := c.Args().Get(0), c.Args().Get(1)
	if src, err = enumerate.ParseNamespace(a, tls.nameOptions(a)...); err != nil {
		return src, dst, nil, asUsage(err)
	}
	if dst, err = enumerate.ParseNamespace(b, tls.nameOptions(b)...); err != nil {
		return src, dst, nil, asUsage(err)
	}
	if f := c.String("repos-file"); f != "" {
		if repos, err = enumerate.ReadReposFile(f, src); err != nil {
			return src, dst, nil, asUsage(err)
		}
	}
	return src, dst, repos, nil
}

// orgTasks streams every repository's tags into the pool: repositories from
// the repos file when given, else from the source's listing.
func (r *run) orgTasks(ctx context.Context, src, dst enumerate.Namespace, repos []string, tasks chan<- copy.Task) {
	each := func(rel string) {
		srcRepo, err := src.Repository(rel)
		if err != nil {
			r.fail(ctx, src.String()+"/"+rel, dst.String()+"/"+rel, err)
			return
		}
		dstRepo, err := dst.Repository(rel)
		if err != nil {
			r.fail(ctx, srcRepo.String(), dst.String()+"/"+rel, err)
			return
		}
		r.repoTasks(ctx, srcRepo, dstRepo, tasks)
	}
	if repos != nil {
		for _, rel := range repos {
			each(rel)
		}
		return
	}
	found, private := 0, 0
	for repo, err := range r.srcList.Repositories(ctx, src) {
		if err != nil {
			r.fail(ctx, src.String(), dst.String(), err)
			return
		}
		found++
		if repo.Private {
			private++
		}
		each(repo.Name)
	}
	if found == 0 {
		r.fail(ctx, src.String(), dst.String(), errNoRepositories(src))
	}
	if r.srcList.HasHub() && private == 0 {
		r.log.Warnf("the Docker Hub listing of %s shows no private repositories: if it has some, these credentials "+
			"cannot see them (an organization access token needs scope-repository-list) and they were not migrated", src.Path)
	}
}
