package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"runtime/pprof"
	"slices"
	"time"

	"github.com/crane-migrate/crane-migrate/e2e/harness"
)

// sample is one tool's run of one case.
type sample struct {
	wall, registryCPU         time.Duration // registryCPU: -1 where it cannot be read
	busy                      []int         // the machine's busy %, per busyStep of the run
	selfCPU                   time.Duration // this process: the in-process tool and the proxies; -1 unread
	manifestGets, heads       int
	blobGets, uploads, mounts int
	requests                  int
	bytes                     int64
}

// measure runs t once with both proxies' counters reset; for the
// same-registry case src and dst are the same proxy.
func measure(ctx context.Context, c config, t tool, scenario string, src, dst *harness.Proxy, ns string, regs ...*harness.Registry) (sample, error) {
	src.Reset()
	dst.Reset()
	cpu0, cpuOK := registriesCPU(regs...)
	self0, selfOK := processCPU(os.Getpid())
	start := time.Now()
	stop := make(chan struct{})
	busy := watchBusy(stop)
	var err error
	// Labelled, so that a -cpuprofile tells the tool's own CPU (the
	// goroutines it starts carry the label) from the proxies'.
	pprof.Do(ctx, pprof.Labels("tool", t.name, "case", scenario), func(ctx context.Context) {
		err = t.run(ctx, c, src.Host(), dst.Host(), ns)
	})
	close(stop)
	if err != nil {
		return sample{}, err
	}
	s := sample{wall: time.Since(start), registryCPU: -1, selfCPU: -1, busy: <-busy}
	if cpu1, ok := registriesCPU(regs...); ok && cpuOK {
		s.registryCPU = cpu1 - cpu0
	}
	if self1, ok := processCPU(os.Getpid()); ok && selfOK {
		s.selfCPU = self1 - self0
	}
	proxies := []*harness.Proxy{src}
	if dst != src {
		proxies = append(proxies, dst)
	}
	if c.trace != "" {
		if err := writeTrace(c.trace, scenario+"-"+ns, t.name, start, proxies...); err != nil {
			return sample{}, err
		}
	}
	for _, p := range proxies {
		n := p.Counts()
		s.heads += n[harness.ManifestHead] + n[harness.BlobHead]
		// A POST that offers a mount and is answered 202 starts an upload.
		for _, r := range p.Filter(func(r harness.Request) bool { return r.Method == http.MethodPost }) {
			switch {
			case r.Kind == harness.BlobMount && r.Status == http.StatusCreated:
				s.mounts++
			case r.Kind == harness.BlobMount || r.Kind == harness.BlobUploadStart:
				s.uploads++
			}
		}
		s.requests += len(p.Requests())
	}
	s.manifestGets = src.Counts()[harness.ManifestGet]
	s.blobGets = src.Counts()[harness.BlobGet]
	s.bytes = src.BytesOut() + dst.BytesIn() // read from the source, written to the destination
	if dst == src {
		s.bytes = src.BytesOut() + src.BytesIn()
	}
	return s, nil
}

// row is a case's result for one tool: median wall time and registry CPU
// over the runs, and the counts of the first run (they do not vary).
type row struct {
	scenario, tool string
	first          sample
	walls, cpus    []time.Duration
}

func (r *row) add(s sample) {
	if len(r.walls) == 0 {
		r.first = s
	}
	r.walls = append(r.walls, s.wall)
	r.cpus = append(r.cpus, s.registryCPU)
}

func (r *row) median() time.Duration { return median(r.walls) }

// cpu is the registries' median CPU time, "-" where it could not be read.
func (r *row) cpu() string {
	if slices.Contains(r.cpus, -1) {
		return "-"
	}
	return median(r.cpus).Round(10 * time.Millisecond).String()
}

func median(ds []time.Duration) time.Duration {
	w := slices.Clone(ds)
	slices.Sort(w)
	return w[len(w)/2]
}

func print(rows []*row, tags, manifests int, c config) {
	fmt.Printf("scenario: %d repositories × %d tags (%d tags, %d unique manifests), %.0f%% multi-arch, %.0f%% sharing a digest, "+
		"%s, %.0f%% with an SBOM and its signature attached, crane-migrate --referrers=%v, %d jobs, "+
		"%v added per request, registry storage on %s, median of %d runs\n\n",
		c.repos, c.tags, tags, manifests, c.multiArch*100, c.shared*100, layersText(c), c.attached*100, c.referrers, c.jobs, c.delay, c.storage, c.runs)
	fmt.Printf("%-22s %-22s %9s %9s %6s %8s %8s %7s %9s %10s %9s\n",
		"case", "tool", "wall", "manif.GET", "HEADs", "blob GET", "uploads", "mounts", "requests", "bytes", "reg. CPU")
	for _, r := range rows {
		s := r.first
		fmt.Printf("%-22s %-22s %9s %9d %6d %8d %8d %7d %9d %10d %9s\n", r.scenario, r.tool,
			r.median().Round(time.Millisecond), s.manifestGets, s.heads, s.blobGets, s.uploads, s.mounts, s.requests, s.bytes, r.cpu())
	}
	fmt.Println()
	for i := 0; i+1 < len(rows); i += 2 {
		ours, base := rows[i], rows[i+1]
		fmt.Printf("%-22s wall %.2f×   source manifest GETs %d vs %d   requests %.2f×   bytes %.2f×\n", ours.scenario,
			float64(ours.median())/float64(base.median()), ours.first.manifestGets, base.first.manifestGets,
			ratio(ours.first.requests, base.first.requests), ratio64(ours.first.bytes, base.first.bytes))
	}
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func ratio64(a, b int64) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func logf(format string, args ...any) { fmt.Fprintf(os.Stderr, format+"\n", args...) }
