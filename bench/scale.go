package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/crane-migrate/crane-migrate/e2e/hubfake"
	"github.com/crane-migrate/crane-migrate/report"
)

// peakTarget is issue 5's performance target 4: a dry run of a large org
// stays under this much resident memory.
const peakTarget = 150 << 20

// scaleConfig selects the scale mode: a --dry-run of one large org read
// through the (fake) Docker Hub API, run as a separate process so that its
// peak memory is its own and not the benchmark's.
type scaleConfig struct {
	on          bool
	repos, tags int
}

// addScaleFlags registers the scale mode's flags on fs.
func addScaleFlags(fs *flag.FlagSet) *scaleConfig {
	c := &scaleConfig{}
	fs.BoolVar(&c.on, "scale", false, "measure a --dry-run of one large org through the Hub API instead (issue 5, target 4)")
	fs.IntVar(&c.repos, "scale-repos", 1000, "with -scale: repositories of one tag each")
	fs.IntVar(&c.tags, "scale-tags", 10000, "with -scale: tags of the one big repository")
	return c
}

// runScale seeds, runs crane-migrate once and prints what it measured.
// Seeding is timed but is not part of the measurement.
func runScale(ctx context.Context, c scaleConfig, bc config) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt) // Ctrl-C still closes the registries
	defer stop()
	jobs := bc.jobs
	src, err := startRegistry(ctx, bc.storage)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := startRegistry(ctx, bc.storage)
	if err != nil {
		return err
	}
	defer dst.Close()
	logf("seeding %s: %d repositories × 1 tag, %s with %d tags…", scaleNS, c.repos, manyRepo, c.tags)
	start := time.Now()
	if err := seedScale(ctx, src.Host(), c.repos, c.tags); err != nil {
		return fmt.Errorf("seeding: %w", err)
	}
	seeded := time.Since(start)
	logf("seeded in %v", seeded.Round(time.Millisecond))

	srcFake := hubfake.New(src.URL(), hubfake.WithAccount("alice", "alice-pat"))
	srcHub := httptest.NewServer(srcFake)
	defer srcHub.Close()
	dstHub := httptest.NewServer(hubfake.New(dst.URL(), hubfake.WithAccount("bob", "bob-pat")))
	defer dstHub.Close()

	dir, bin, cleanup, err := builtIn(ctx, "bench-scale-")
	if err != nil {
		return err
	}
	defer cleanup()
	rep := filepath.Join(dir, "report.json")
	args := []string{"org", src.Host() + "/" + scaleNS, dst.Host() + "/neworg", "--dry-run",
		"--src-hub-api", srcHub.URL, "--dst-hub-api", dstHub.URL, "--jobs", strconv.Itoa(jobs),
		"--report", rep, "--log-format", "json", "-v", "--docker-config", dir}
	logf("running crane-migrate %s", strings.Join(args, " "))
	r, err := dryRun(ctx, bin, args, scaleEnv(dir), "/neworg/"+manyRepo+":")
	if err != nil {
		return err
	}
	res, err := readReport(rep)
	if err != nil && r.exit == 0 {
		return err
	}
	printScale(c, jobs, seeded, r, res, srcFake.Requests())
	return nil
}

// builtIn makes a temporary directory and builds crane-migrate into it;
// cleanup removes both.
func builtIn(ctx context.Context, prefix string) (dir, bin string, cleanup func(), err error) {
	if dir, err = os.MkdirTemp("", prefix); err != nil {
		return "", "", nil, err
	}
	cleanup = func() { os.RemoveAll(dir) }
	if bin, err = buildBinary(ctx, dir); err != nil {
		cleanup()
		return "", "", nil, err
	}
	return dir, bin, cleanup, nil
}

// buildBinary builds crane-migrate from the module root into dir once, so
// the measured process is the real command and nothing else.
func buildBinary(ctx context.Context, dir string) (string, error) {
	gomod, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("finding the module root: %w", err)
	}
	bin := filepath.Join(dir, "crane-migrate")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
	cmd.Dir, cmd.Stdout, cmd.Stderr = filepath.Dir(strings.TrimSpace(string(gomod))), os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("building crane-migrate: %w", err)
	}
	return bin, nil
}

// scaleEnv is a clean environment: no user credentials or configuration
// leak in, only the two fake Hub accounts.
func scaleEnv(home string) []string {
	return []string{"HOME=" + home, "PATH=" + os.Getenv("PATH"),
		"CRANE_MIGRATE_SRC_USERNAME=alice", "CRANE_MIGRATE_SRC_PASSWORD=alice-pat",
		"CRANE_MIGRATE_DST_USERNAME=bob", "CRANE_MIGRATE_DST_PASSWORD=bob-pat"}
}

// scaleRun is what one crane-migrate run showed from the outside.
type scaleRun struct {
	start, firstPlanned, firstMany time.Time // firstMany: first planned tag of the big repository
	wall                           time.Duration
	exit                           int
	peakRSS                        int64 // bytes
	planned                        int   // "planned" log lines
	problems                       []string
}

// maxProblems bounds the warning and error lines kept to explain a failure.
const maxProblems = 5

// dryRun runs bin and reads its JSON log as it streams; many marks the big
// repository's destination tags.
func dryRun(ctx context.Context, bin string, args, env []string, many string) (scaleRun, error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env, cmd.Stdout = env, io.Discard // the plan table; the report has the same figures
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return scaleRun{}, err
	}
	r := scaleRun{start: time.Now()}
	if err := cmd.Start(); err != nil {
		return r, fmt.Errorf("starting crane-migrate: %w", err)
	}
	r.scan(stderr, many)
	err = cmd.Wait() // after the last read, as exec asks
	r.wall = time.Since(r.start)
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		return r, fmt.Errorf("running crane-migrate: %w", err)
	}
	r.exit = cmd.ProcessState.ExitCode()
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.peakRSS = int64(ru.Maxrss) << 10 // KiB on Linux
	}
	return r, nil
}

// logLine is the part of a logrus JSON line the measurement needs.
type logLine struct {
	Time        string `json:"time"`
	Level       string `json:"level"`
	Msg         string `json:"msg"`
	Destination string `json:"destination"`
}

// scan keeps only first times and counts: a run logs a line per tag, and
// buffering them would put the benchmark's memory in the way.
func (r *scaleRun) scan(rd io.Reader, many string) {
	sc := bufio.NewScanner(rd)
	sc.Buffer(make([]byte, 64<<10), 8<<20)
	for sc.Scan() {
		var l logLine
		if json.Unmarshal(sc.Bytes(), &l) != nil {
			continue // progress lines are not JSON
		}
		if (l.Level == "warning" || l.Level == "error") && len(r.problems) < maxProblems {
			r.problems = append(r.problems, l.Level+": "+l.Msg)
		}
		if l.Msg != "planned" {
			continue
		}
		r.planned++
		at, err := time.Parse(time.RFC3339Nano, l.Time)
		if err != nil {
			continue
		}
		if r.firstPlanned.IsZero() {
			r.firstPlanned = at
		}
		if r.firstMany.IsZero() && strings.Contains(l.Destination, many) {
			r.firstMany = at
		}
	}
	_, _ = io.Copy(io.Discard, rd) // after a scanner error, never leave the child blocked on a full pipe
}

func readReport(path string) (report.Report, error) {
	var rep report.Report
	data, err := os.ReadFile(path)
	if err != nil {
		return rep, fmt.Errorf("reading the report: %w", err)
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		return rep, fmt.Errorf("reading the report %s: %w", path, err)
	}
	return rep, nil
}

// Source Hub API request kinds, told apart by route.
const (
	kindRepoList = "repository list pages"
	kindTagList  = "tag list pages"
	kindRepoGet  = "single-repository GETs"
	kindOther    = "logins and other"
)

// hubKind names a Hub API request by the fake's route.
func hubKind(r hubfake.Request) string {
	switch r.Route {
	case hubfake.RouteRepositories:
		return kindRepoList
	case hubfake.RouteTags:
		return kindTagList
	case hubfake.RouteRepository:
		return kindRepoGet
	}
	return kindOther
}

// listingEnd is when the last answer to a listing request that keep selects
// was finished: enumeration is over once it is.
func listingEnd(reqs []hubfake.Request, keep func(hubfake.Request) bool) time.Time {
	var end time.Time
	for _, q := range reqs {
		k := hubKind(q)
		if (k == kindRepoList || k == kindTagList) && keep(q) && q.Start.Add(q.Duration).After(end) {
			end = q.Start.Add(q.Duration)
		}
	}
	return end
}

func printScale(c scaleConfig, jobs int, seeded time.Duration, r scaleRun, rep report.Report, reqs []hubfake.Request) {
	wantTags, wantRepos := c.repos+c.tags, c.repos+min(c.tags, 1)
	fmt.Printf("scale: %s with %d repositories × 1 tag + %s/%s with %d tags; crane-migrate org --dry-run --jobs %d through the fake Hub API\n",
		scaleNS, c.repos, scaleNS, manyRepo, c.tags, jobs)
	fmt.Printf("seeding: %d repositories, %d tags in %v (not measured)\n\n", wantRepos, wantTags, seeded.Round(time.Millisecond))
	row := func(what, got, target string, ok bool) {
		verdict := ""
		if target != "" {
			verdict = map[bool]string{true: "met", false: "MISSED"}[ok]
		}
		fmt.Printf("%-44s %-22s %-12s %s\n", what, got, target, verdict)
	}
	since := func(t time.Time) string {
		if t.IsZero() {
			return "never"
		}
		return "+" + t.Sub(r.start).Round(time.Millisecond).String()
	}
	fmt.Printf("%-44s %-22s %s\n", "", "measured", "target")
	row("peak RSS of crane-migrate", fmt.Sprintf("%.1f MiB", float64(r.peakRSS)/(1<<20)), "< 150 MiB", r.peakRSS < peakTarget)
	row("wall time of the dry run", r.wall.Round(time.Millisecond).String(), "", false)
	row("exit code", strconv.Itoa(r.exit), "0", r.exit == 0)
	row("tags planned (summary / results / logs)", fmt.Sprintf("%d / %d / %d", rep.Summary.Planned, len(rep.Results), r.planned),
		strconv.Itoa(wantTags), rep.Summary.Planned == wantTags && len(rep.Results) == wantTags)
	row("repositories (report summary)", strconv.Itoa(rep.Summary.Repositories), strconv.Itoa(wantRepos), rep.Summary.Repositories == wantRepos)
	counts := map[string]int{}
	for _, q := range reqs {
		counts[hubKind(q)]++
	}
	row("source Hub API requests", strconv.Itoa(len(reqs)), "", false)
	for _, k := range []string{kindRepoList, kindTagList, kindRepoGet, kindOther} {
		row("  "+k, strconv.Itoa(counts[k]), "", false)
	}
	all := listingEnd(reqs, func(hubfake.Request) bool { return true })
	many := listingEnd(reqs, func(q hubfake.Request) bool { return strings.HasSuffix(q.Path, "/"+manyRepo+"/tags") })
	row(`first "planned" log line`, since(r.firstPlanned), "", false)
	row("enumeration finished (last listing answered)", since(all), "", false)
	row(fmt.Sprintf("  %s/%s: first planned tag", scaleNS, manyRepo), since(r.firstMany), "", false)
	row(fmt.Sprintf("  %s/%s: last tag page answered", scaleNS, manyRepo), since(many), "", false)
	streams := !r.firstPlanned.IsZero() && r.firstPlanned.Before(all)
	row("starts before enumeration finished", map[bool]string{true: "yes", false: "no"}[streams], "yes", streams)
	for _, p := range r.problems {
		fmt.Println("crane-migrate logged", p)
	}
}
