package commands

import (
	"context"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/urfave/cli/v2"

	"github.com/crane-migrate/crane-migrate/copy"
)

func newVerifyCommand() *cli.Command {
	return &cli.Command{
		Name:      "verify",
		Usage:     "check that the destination holds what the source holds",
		ArgsUsage: "SRC DST",
		Description: "SRC and DST are references (one tag), repositories (every source tag), or with --org " +
			"namespaces. Digests must be equal and, for an index, every platform present at the destination.",
		Flags: append(migrateFlags(),
			&cli.BoolFlag{Name: "org", EnvVars: env("VERIFY_ORG"), Usage: "SRC and DST are namespaces"},
			&cli.StringFlag{Name: "repos-file", EnvVars: env("REPOS_FILE"),
				Usage: "with --org, verify only the repositories listed in `FILE`"}),
		Action: func(c *cli.Context) error {
			if err := wantArgs(c, "SRC", "DST"); err != nil {
				return err
			}
			cfg := completeMigrate(c)
			if err := cfg.validate(); err != nil {
				return err
			}
			produce, srcReg, dstReg, err := verifyProducer(c, cfg.tls)
			if err != nil {
				return err
			}
			return execute(c.Context, abortContext(c.App.Metadata, c.Context), cfg, srcReg, dstReg, true, produce, c.App.Writer, c.App.ErrWriter)
		},
	}
}

// verifyProducer picks what to compare from the shape of the arguments.
func verifyProducer(c *cli.Context, tls tlsPolicy) (producer, name.Registry, name.Registry, error) {
	a, b := c.Args().Get(0), c.Args().Get(1)
	switch {
	case c.Bool("org"):
		src, dst, repos, err := parseNamespaces(c, tls)
		if err != nil {
			return nil, name.Registry{}, name.Registry{}, err
		}
		return func(ctx context.Context, r *run, tasks chan<- copy.Task) { r.orgTasks(ctx, src, dst, repos, tasks) },
			src.Registry, dst.Registry, nil
	case strings.Contains(a, "@") || hasTag(a):
		src, err := parseSource(a, tls.nameOptions(a)...)
		if err != nil {
			return nil, name.Registry{}, name.Registry{}, err
		}
		dst, err := parseDestination(b, src, tls.nameOptions(b)...)
		if err != nil {
			return nil, name.Registry{}, name.Registry{}, err
		}
		return func(ctx context.Context, r *run, tasks chan<- copy.Task) {
			r.queue(ctx, tasks, copy.Task{Source: src, Destination: dst})
		}, src.Context().Registry, dst.Context().Registry, nil
	default:
		src, err := parseRepository("source repository", a, tls.nameOptions(a)...)
		if err != nil {
			return nil, name.Registry{}, name.Registry{}, err
		}
		dst, err := parseRepository("destination repository", b, tls.nameOptions(b)...)
		if err != nil {
			return nil, name.Registry{}, name.Registry{}, err
		}
		return func(ctx context.Context, r *run, tasks chan<- copy.Task) { r.repoTasks(ctx, src, dst, tasks) },
			src.Registry, dst.Registry, nil
	}
}
