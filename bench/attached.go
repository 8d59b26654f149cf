package main

import (
	"context"
	"fmt"

	"github.com/crane-migrate/crane-migrate/e2e/harness"
)

// perTag is crane-migrate's registry requests per tag in one case, moving
// attached artifacts (--referrers) and leaving them.
type perTag struct {
	scenario        string
	with, without   float64
	withN, withoutN int
}

// attachedCost measures what attached artifacts cost per tag: crane-migrate
// once more with --referrers=false, a first migration into a fresh
// destination and its re-run, next to the first run's counts with them.
func attachedCost(ctx context.Context, c config, src *harness.Registry, srcProxy *harness.Proxy, tags int, rows func(string, string) *row) ([]perTag, error) {
	dst, dstProxy, stop, err := startProxied(ctx, c.storage, c.delay)
	if err != nil {
		return nil, err
	}
	defer stop()
	without := c
	without.referrers = false
	var out []perTag
	for _, sc := range []string{"first migration", "re-run, nothing to do"} {
		s, err := measure(ctx, without, tools[0], sc+" --referrers=false", srcProxy, dstProxy, "plain", src, dst)
		if err != nil {
			return nil, fmt.Errorf("%s with --referrers=false: %w", sc, err)
		}
		with := rows(sc, tools[0].name).first.requests
		out = append(out, perTag{scenario: sc, with: ratio(with, tags), without: ratio(s.requests, tags), withN: with, withoutN: s.requests})
	}
	return out, nil
}

// attachedTags is how many of the seeded tags carry an SBOM and its signature.
func attachedTags(c config) int {
	n := 0
	for i := range c.tags {
		if frac(i, c.attached, 2) {
			n++
		}
	}
	return n * c.repos
}

func printAttached(c config, tags int, costs []perTag) {
	n := attachedTags(c)
	for _, p := range costs {
		fmt.Printf("crane-migrate %-22s requests per tag: %.2f moving attached artifacts (%d requests), %.2f with --referrers=false (%d); "+
			"%d of %d tags have an SBOM and its signature attached: %.1f more requests for each of them\n",
			p.scenario, p.with, p.withN, p.without, p.withoutN, n, tags, ratio(p.withN-p.withoutN, n))
	}
}
