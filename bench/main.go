// Command bench measures crane-migrate against go-containerregistry's
// crane.CopyRepository on the same work, in the same run, alternating: two
// real distribution registries (and one, for the same-registry case) behind
// proxies that add a delay per request and count requests by kind and bytes.
// Wall time wobbles; request counts do not, and they are what a registry
// charges for. Run: go run ./bench [-repos 3 -tags 20 -runs 3 -delay 20ms].
// With -scale it measures a --dry-run of one large org instead (scale.go).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"
)

type config struct {
	repos, tags, jobs, runs int
	multiArch, shared       float64
	delay                   time.Duration
	layer                   int64
	trace                   string
	storage                 string
	referrers               bool    // crane-migrate's --referrers
	attached                float64 // share of images with an SBOM and its signature attached by subject
}

func main() {
	var c config
	flag.IntVar(&c.repos, "repos", 3, "repositories in the source namespace")
	flag.IntVar(&c.tags, "tags", 20, "tags per repository")
	flag.Float64Var(&c.multiArch, "multiarch", 0.3, "share of tags that are multi-arch indexes")
	flag.Float64Var(&c.shared, "shared", 0.2, "share of tags that share a digest with another tag")
	flag.IntVar(&c.jobs, "jobs", 8, "parallel copies, for both tools")
	flag.IntVar(&c.runs, "runs", 3, "runs of each tool, alternating; wall time is the median")
	flag.DurationVar(&c.delay, "delay", 20*time.Millisecond, "added to every registry request")
	flag.Int64Var(&c.layer, "layer", 16<<10, "bytes of each image's own layer (all share one base layer too)")
	flag.StringVar(&c.trace, "trace", "", "directory to write each case's request timeline to (one file per case and tool)")
	flag.StringVar(&c.storage, "storage", "memory", "where the registries keep their files: memory (/dev/shm) or disk (see storage.go)")
	flag.BoolVar(&c.referrers, "referrers", true, "crane-migrate moves attached artifacts (--referrers); false measures the copy alone")
	flag.Float64Var(&c.attached, "attached", 0, "share of images with an SBOM, and a signature of the SBOM, attached by subject (OCI 1.1)")
	scale := addScaleFlags(flag.CommandLine)
	flag.Parse()
	do := run
	if scale.on {
		do = func(ctx context.Context, c config) error { return runScale(ctx, *scale, c) }
	}
	if err := do(context.Background(), c); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}
