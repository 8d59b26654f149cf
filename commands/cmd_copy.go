package commands

import (
	"context"

	"github.com/urfave/cli/v2"

	"github.com/crane-migrate/crane-migrate/copy"
)

func newCopyCommand() *cli.Command {
	return &cli.Command{
		Name:      "copy",
		Aliases:   []string{"cp"},
		Usage:     "copy one tag or digest to a tag",
		ArgsUsage: "SRC_REF DST_REF",
		Description: "SRC_REF is oldorg/myapp:1.2.3 or oldorg/myapp@sha256:…; DST_REF is a tag " +
			"(without one it takes the source's tag). Nothing is fetched when the destination already has the same digest.",
		Flags: migrateFlags(),
		Action: func(c *cli.Context) error {
			if err := wantArgs(c, "SRC_REF", "DST_REF"); err != nil {
				return err
			}
			cfg := completeMigrate(c)
			if err := cfg.validate(); err != nil {
				return err
			}
			src, err := parseSource(c.Args().Get(0), cfg.tls.nameOptions(c.Args().Get(0))...)
			if err != nil {
				return err
			}
			dst, err := parseDestination(c.Args().Get(1), src, cfg.tls.nameOptions(c.Args().Get(1))...)
			if err != nil {
				return err
			}
			one := func(ctx context.Context, r *run, tasks chan<- copy.Task) {
				if r.dst.hub != nil { // a missing Docker Hub repository is created with the source's visibility first
					if _, ok := r.prepareDestination(ctx, src.Context(), dst.Context(), false); !ok {
						return
					}
				}
				r.queue(ctx, tasks, copy.Task{Source: src, Destination: dst})
			}
			return execute(c.Context, abortContext(c.App.Metadata, c.Context), cfg, src.Context().Registry, dst.Context().Registry, false, one, c.App.Writer, c.App.ErrWriter)
		},
	}
}
