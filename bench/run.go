package main

import (
	"context"
	"fmt"

	"github.com/crane-migrate/crane-migrate/e2e/harness"
)

// run seeds the scenario once, then for each run and each tool (alternating
// which goes first): a first migration into a fresh destination registry, a
// re-run on that finished destination, and a same-registry migration.
func run(ctx context.Context, c config) error {
	src, err := startRegistry(ctx, c.storage)
	if err != nil {
		return err
	}
	defer src.Close()
	logf("seeding %d repositories × %d tags…", c.repos, c.tags)
	tags, manifests, err := seed(ctx, src.Host(), c)
	if err != nil {
		return fmt.Errorf("seeding: %w", err)
	}
	srcProxy, err := harness.NewProxy(src.URL(), harness.WithDelay(c.delay))
	if err != nil {
		return err
	}
	defer srcProxy.Close()

	rows := map[string]*row{}
	get := func(scenario, tool string) *row {
		k := scenario + "/" + tool
		if rows[k] == nil {
			rows[k] = &row{scenario: scenario, tool: tool}
		}
		return rows[k]
	}
	for i := range c.runs {
		order := tools
		if i%2 == 1 {
			order = []tool{tools[1], tools[0]}
		}
		for _, t := range order {
			logf("run %d: %s", i+1, t.name)
			if err := once(ctx, c, t, src, srcProxy, i, get); err != nil {
				return err
			}
		}
	}
	var out []*row
	for _, sc := range []string{"first migration", "re-run, nothing to do", "same registry"} {
		for _, t := range tools {
			out = append(out, get(sc, t.name))
		}
	}
	print(out, tags, manifests, c)
	if c.realistic {
		printCPU(out)
	}
	if c.attached > 0 && c.referrers {
		logf("attached artifacts: crane-migrate with --referrers=false")
		costs, err := attachedCost(ctx, c, src, srcProxy, tags, get)
		if err != nil {
			return err
		}
		fmt.Println()
		printAttached(c, tags, costs)
	}
	return nil
}

func once(ctx context.Context, c config, t tool, src *harness.Registry, srcProxy *harness.Proxy, i int, get func(string, string) *row) error {
	dst, err := startRegistry(ctx, c.storage)
	if err != nil {
		return err
	}
	defer dst.Close()
	dstProxy, err := harness.NewProxy(dst.URL(), harness.WithDelay(c.delay))
	if err != nil {
		return err
	}
	defer dstProxy.Close()
	for _, sc := range []struct {
		name string
		dst  *harness.Proxy
		ns   string
	}{
		{"first migration", dstProxy, "neworg"},
		{"re-run, nothing to do", dstProxy, "neworg"},
		{"same registry", srcProxy, fmt.Sprintf("moved%d-%d", i, len(t.name))},
	} {
		s, err := measure(ctx, c, t, sc.name, srcProxy, sc.dst, sc.ns, src, dst)
		if err != nil {
			return fmt.Errorf("%s, %s: %w", sc.name, t.name, err)
		}
		get(sc.name, t.name).add(s)
	}
	return nil
}
