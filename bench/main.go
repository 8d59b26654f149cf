// Command bench measures crane-migrate against go-containerregistry's
// crane.CopyRepository on the same work, in the same run, alternating: two
// real distribution registries (and one, for the same-registry case) behind
// proxies that add a delay per request and count requests by kind and bytes.
// Wall time wobbles; request counts do not, and they are what a registry
// charges for. Run: go run ./bench [-repos 3 -tags 20 -runs 3 -delay 20ms].
// With -scale it measures a --dry-run of one large org instead (scale.go);
// -case realistic runs the default case on images of 8 layers (realistic.go),
// -case bigorg a large org through a rate-limited fake Hub API (bigorg.go).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime/pprof"
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
	realistic               bool    // -case realistic: 8-layer images (realistic.go)
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
	kase := flag.String("case", "", "what to measure: \"\" (the default case), realistic (8-layer images) or bigorg (a large org behind a rate-limited Hub API)")
	scale := addScaleFlags(flag.CommandLine)
	big := addBigorgFlags(flag.CommandLine)
	cpuprofile := flag.String("cpuprofile", "", "write this process's CPU profile (the in-process tool and the proxies) to this file")
	flag.Parse()
	if *cpuprofile != "" {
		stop, err := profileCPU(*cpuprofile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		defer stop()
	}
	do := run
	switch {
	case scale.on:
		do = func(ctx context.Context, c config) error { return runScale(ctx, *scale, c) }
	case *kase == "realistic":
		c.realistic, c.multiArch = true, 0 // realistic images are single-platform: see realistic.go
	case *kase == "bigorg":
		do = func(ctx context.Context, c config) error { return runBigorg(ctx, *big, c) }
	case *kase != "":
		fmt.Fprintf(os.Stderr, "bench: -case %q: want realistic or bigorg\n", *kase)
		os.Exit(2)
	}
	if err := do(context.Background(), c); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1) //nolint:gocritic // the profile of a failed run is not wanted
	}
}

// profileCPU starts a CPU profile written to path; stop ends it.
func profileCPU(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}
