package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/crane-migrate/crane-migrate/e2e/harness"
	"github.com/crane-migrate/crane-migrate/e2e/hubfake"
)

// Issue 16's big organization: many repositories read through the Docker
// Hub API, every request (registries and Hub API) 50 ms away, the Hub API
// limited per minute with its real headers. The built binary runs a first
// migration and a re-run with nothing to do, into a plain registry and into
// Docker Hub (a second fake Hub on the destination registry).
type bigorgConfig struct {
	repos, tags int
	limit       int // Hub API requests per minute, per fake Hub
	delay       time.Duration
	dst         string // registry, hub or both
	shards      int    // >1: also the first migration as that many shard processes
}

// bigorgNS is the seeded source namespace.
const bigorgNS = "bigorg"

func addBigorgFlags(fs *flag.FlagSet) *bigorgConfig {
	c := &bigorgConfig{}
	fs.IntVar(&c.repos, "bigorg-repos", 100, "with -case bigorg: repositories (issue 16's full case is 1000)")
	fs.IntVar(&c.tags, "bigorg-tags", 5, "with -case bigorg: tags per repository, each its own manifest over shared blobs")
	fs.IntVar(&c.limit, "hub-limit", 180, "with -case bigorg: each fake Hub API's requests per minute (X-RateLimit-Limit; the real Hub's observed limit is about 180)")
	fs.DurationVar(&c.delay, "bigorg-delay", 50*time.Millisecond, "with -case bigorg: added to every registry and Hub API request")
	fs.StringVar(&c.dst, "bigorg-dst", "both", "with -case bigorg: destination registry, hub or both")
	fs.IntVar(&c.shards, "bigorg-shards", 0, "with -case bigorg: also run the first migration into a registry as 1 and as this many concurrent shards (issue 17), instead of the destination cases")
	return c
}

func (c bigorgConfig) validate() error {
	switch {
	case c.repos < 1 || c.tags < 1:
		return fmt.Errorf("-bigorg-repos %d -bigorg-tags %d: want at least 1 each", c.repos, c.tags)
	case c.limit < 1:
		return fmt.Errorf("-hub-limit %d: want at least 1", c.limit)
	case c.dst != "registry" && c.dst != "hub" && c.dst != "both":
		return fmt.Errorf("-bigorg-dst %q: want registry, hub or both", c.dst)
	}
	return nil
}

// destinations are the -bigorg-dst cases: true is Docker Hub.
func (c bigorgConfig) destinations() []bool {
	return map[string][]bool{"registry": {false}, "hub": {true}, "both": {false, true}}[c.dst]
}

// runBigorg seeds once, builds the binary once, then measures each
// destination on a fresh destination registry and fresh fake Hubs.
func runBigorg(ctx context.Context, c bigorgConfig, bc config) error {
	if err := c.validate(); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt) // Ctrl-C still closes the registries
	defer stop()
	src, err := startRegistry(ctx, bc.storage)
	if err != nil {
		return err
	}
	defer src.Close()
	logf("seeding %s: %d repositories × %d tags…", bigorgNS, c.repos, c.tags)
	start := time.Now()
	if err := seedBigorg(ctx, src.Host(), c.repos, c.tags); err != nil {
		return fmt.Errorf("seeding: %w", err)
	}
	seeded := time.Since(start)
	logf("seeded in %v", seeded.Round(time.Millisecond))
	dir, bin, cleanup, err := builtIn(ctx, "bench-bigorg-")
	if err != nil {
		return err
	}
	defer cleanup()
	srcProxy, err := harness.NewProxy(src.URL(), harness.WithDelay(c.delay))
	if err != nil {
		return err
	}
	defer srcProxy.Close()
	env := bigorgEnv{bin: bin, dir: dir, src: src, srcProxy: srcProxy}
	if c.shards > 1 {
		rows, err := bigorgShards(ctx, c, bc, env, c.shards)
		if len(rows) > 0 {
			printShards(c, rows)
		}
		return err
	}
	var results []bigorgResult
	for _, toHub := range c.destinations() {
		rs, err := bigorgDestination(ctx, c, bc, bigorgEnv{bin: bin, dir: dir, src: src, srcProxy: srcProxy}, toHub)
		results = append(results, rs...)
		if err != nil {
			printBigorg(c, bc, seeded, results)
			return err
		}
	}
	printBigorg(c, bc, seeded, results)
	return nil
}

// bigorgEnv is what every destination shares.
type bigorgEnv struct {
	bin, dir string
	src      *harness.Registry
	srcProxy *harness.Proxy
}

// bigorgResult is one run of the built binary.
type bigorgResult struct {
	dest, run      string
	r              scaleRun
	summary        summary
	summaryErr     error
	srcHub, dstHub []hubfake.Request
	srcReg, dstReg []harness.Request
}

// summary is the part of the JSON report the table shows, read without
// the report package so that the bench survives its changes.
type summary struct {
	Total, Copied, Skipped, Failed, Pending, Verified int
}

// bigorgDestination runs the first migration and the re-run into one
// destination. Each run starts on a fresh rate-limit window (a re-run an
// hour later, not straight after), with the request logs cleared.
func bigorgDestination(ctx context.Context, c bigorgConfig, bc config, e bigorgEnv, toHub bool) ([]bigorgResult, error) {
	dst, dstProxy, stop, err := startProxied(ctx, bc.storage, c.delay)
	if err != nil {
		return nil, err
	}
	defer stop()
	// The fake Hubs read their registries directly: a Hub API answer costs
	// one delay, like the real one, not one per registry read behind it.
	srcFake := hubfake.New(e.src.URL(), hubfake.WithAccount("alice", "alice-pat"), hubfake.WithRateLimit(c.limit))
	srcHub := httptest.NewServer(delayed(srcFake, c.delay))
	defer srcHub.Close()
	fakes := []*hubfake.Server{srcFake}
	dest, extra := "registry", []string{}
	if toHub {
		dstFake := hubfake.New(dst.URL(), hubfake.WithAccount("bob", "bob-pat"), hubfake.WithRateLimit(c.limit))
		dstHub := httptest.NewServer(delayed(dstFake, c.delay))
		defer dstHub.Close()
		fakes = append(fakes, dstFake)
		dest, extra = "Docker Hub", []string{"--dst-hub-api", dstHub.URL}
	}
	var out []bigorgResult
	for _, run := range []string{"first migration", "re-run, nothing to do"} {
		e.srcProxy.Reset()
		dstProxy.Reset()
		for _, f := range fakes {
			f.Reset()
			f.ResetRateLimit()
		}
		rep := filepath.Join(e.dir, "report.json")
		_ = os.Remove(rep)
		args := append([]string{"org", e.srcProxy.Host() + "/" + bigorgNS, dstProxy.Host() + "/neworg",
			"--src-hub-api", srcHub.URL, "--jobs", strconv.Itoa(bc.jobs), "--report", rep,
			"--log-format", "json", "--docker-config", e.dir}, extra...)
		logf("%s into %s: crane-migrate %s", run, dest, strings.Join(args, " "))
		r, err := dryRun(ctx, e.bin, args, scaleEnv(e.dir), "/neworg/")
		if err != nil {
			return out, err
		}
		res := bigorgResult{dest: dest, run: run, r: r, srcHub: srcFake.Requests(),
			srcReg: e.srcProxy.Requests(), dstReg: dstProxy.Requests()}
		if toHub {
			res.dstHub = fakes[1].Requests()
		}
		res.summary, res.summaryErr = readSummary(rep)
		logf("  %v, exit %d", r.wall.Round(time.Millisecond), r.exit)
		out = append(out, res)
		if bc.trace != "" {
			if err := writeBigorgTrace(bc.trace, res, e.srcProxy, dstProxy); err != nil {
				return out, err
			}
		}
	}
	return out, nil
}

// delayed holds every request for d before h answers it, as a distant
// Docker Hub would.
func delayed(h http.Handler, d time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
			h.ServeHTTP(w, r)
		case <-r.Context().Done():
		}
	})
}

func readSummary(path string) (summary, error) {
	var rep struct{ Summary summary }
	data, err := os.ReadFile(path)
	if err != nil {
		return summary{}, fmt.Errorf("reading the report: %w", err)
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		return summary{}, fmt.Errorf("reading the report %s: %w", path, err)
	}
	if rep.Summary == (summary{}) {
		return summary{}, errors.New("the report has no summary")
	}
	return rep.Summary, nil
}
