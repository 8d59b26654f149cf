package commands

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/sirupsen/logrus"

	"github.com/crane-migrate/crane-migrate/copy"
	"github.com/crane-migrate/crane-migrate/enumerate"
	"github.com/crane-migrate/crane-migrate/hub"
	"github.com/crane-migrate/crane-migrate/progress"
	"github.com/crane-migrate/crane-migrate/report"
	"github.com/crane-migrate/crane-migrate/retry"
)

// producer sends the run's tasks; failures to enumerate a repository are
// reported through fail and do not stop the other repositories.
type producer func(ctx context.Context, r *run, tasks chan<- copy.Task)

// run is one migration (or verification) in progress.
type run struct {
	cfg      migrateConfig
	log      logrus.FieldLogger
	src, dst *side
	srcList  *enumerate.Lister
	dstList  *enumerate.Lister
	engine   *copy.Engine
	results  report.Collector
	check    bool

	mu       sync.Mutex
	excluded map[string]int // destination repository → tags left out by filters
	sync     hubSync
	display  *progress.Display
	shown    int64 // blob bytes uploaded as of the last result handed to the display
}

// newlyUploaded is the blob bytes uploaded since the last call, for the
// display's byte rate: the engine counts bytes per run, not per tag.
func (r *run) newlyUploaded() int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	up, _ := r.engine.Traffic()
	n := up - r.shown
	r.shown = up
	return n
}

// execute wires sides, engine and producer together, then reports.
func execute(ctx, abort context.Context, cfg migrateConfig, srcReg, dstReg name.Registry, check bool, produce producer, stdout, stderr io.Writer) error {
	log, restore := newLogger(stderr, cfg.logFormat, cfg.verbose, cfg.quiet)
	defer restore()
	var quota retry.Quota
	started := time.Now()
	src, err := newSide(ctx, sideSpec{label: "source", envName: "SRC", registry: srcReg, hubAPI: cfg.srcHubAPI, username: cfg.srcUser}, cfg, log, &quota)
	if err != nil {
		return err
	}
	dst, err := newSide(ctx, sideSpec{label: "destination", envName: "DST", registry: dstReg, hubAPI: cfg.dstHubAPI, username: cfg.dstUser,
		write: !cfg.dryRun && !check}, cfg, log, &quota)
	if err != nil {
		return err
	}
	if err := preflight(ctx, cfg.tls, src, dst); err != nil {
		return err
	}
	display := progress.New(stderr, progress.WithQuiet(cfg.quiet), progress.WithLogger(log))
	defer display.Close()
	log.Out = display.Writer() // log lines print above the bars, not through them
	r := &run{cfg: cfg, log: log, src: src, dst: dst, check: check, display: display}
	var wait copy.Option = copy.WithPullLimitWait(nil)
	if cfg.onRateLimit == "wait" {
		wait = copy.WithPullLimitWait(func(ctx context.Context) error { return waitForPulls(ctx, log, &quota, srcReg) })
	}
	r.engine, err = copy.New(
		wait,
		copy.WithAbort(abort),
		copy.WithJobs(cfg.jobs),
		copy.WithLogger(log),
		copy.WithSource(src.remote...),
		copy.WithDestination(dst.remote...),
		copy.WithDestinationTransport(dst.auth),
		copy.WithDryRun(cfg.dryRun),
		copy.WithNoClobber(cfg.noClobber),
		copy.WithVerify(cfg.verify),
		copy.WithCheckOnly(check),
		copy.WithResults(func(res report.Result) {
			r.results.Add(res)
			r.display.Done(repoOf(res.Destination), res, r.newlyUploaded())
			r.finished(abort, res)
		}),
		copy.WithStarted(func(t copy.Task) { r.display.Start(t.Destination.Context().String()) }),
		copy.WithCredentialHints(
			func() string { return src.keychain.Describe(srcReg.RegistryStr()) },
			func() string { return dst.keychain.Describe(dstReg.RegistryStr()) }),
	)
	if err != nil {
		return err
	}
	r.srcList = enumerate.NewLister(r.engine.Source(), src.hub)
	r.dstList = enumerate.NewLister(r.engine.Destination(), dst.hub)

	tasks := make(chan copy.Task, cfg.jobs*2)
	go func() {
		defer close(tasks)
		defer r.display.EnumerationDone()
		produce(ctx, r, tasks)
	}()
	r.engine.Run(ctx, tasks)
	r.display.Close()
	log.Out = stderr

	rep := r.results.Report()
	rep.Summary.Repositories = r.repositories(rep)
	rep.Summary.BytesUploaded, rep.Summary.Mounts = r.engine.Traffic()
	rep.Summary.Seconds = time.Since(started).Round(100 * time.Millisecond).Seconds()
	switch {
	case cfg.output == "json":
		if err := rep.WriteJSON(stdout); err != nil {
			return err
		}
	case cfg.dryRun:
		r.printPlan(stdout, rep)
		r.learnQuota(ctx, &quota, rep)
		printPullPlan(stdout, r.engine, &quota, srcReg)
		rep.PrintSummary(stdout)
	default:
		rep.PrintSummary(stdout)
	}
	if cfg.reportFile != "" {
		if err := rep.WriteFile(cfg.reportFile); err != nil {
			return err
		}
	}
	switch {
	case r.engine.PullLimited() && rep.Summary.Pending > 0:
		when := "once the limit window resets (Docker Hub: within 6 hours, or sooner with a paid plan)"
		if d, ok := quota.Wait(srcReg.RegistryStr()); ok {
			when = "after " + time.Now().Add(d).Format(time.RFC1123)
		}
		return fmt.Errorf("%w at %s: %d tags not started. Run the same command again %s; tags already copied "+
			"are skipped at no pull cost (or use --on-rate-limit wait)", errPullLimit, srcReg, rep.Summary.Pending, when)
	case ctx.Err() != nil:
		return fmt.Errorf("%w: copies in flight finished, %d tags not started (and more not listed yet). "+
			"Run the same command again to finish", errInterrupted, rep.Summary.Pending)
	case !rep.OK():
		return errFailures
	}
	return nil
}

// waitForPulls sleeps until the source's pull limit should allow another
// pull: what its 429 said (Retry-After), else the time one pull takes to come
// back in its window (6h/100 on Docker Hub's anonymous plan), else a minute.
func waitForPulls(ctx context.Context, log logrus.FieldLogger, quota *retry.Quota, src name.Registry) error {
	d := time.Minute
	if w, ok := quota.Wait(src.RegistryStr()); ok {
		d = w
	} else if l, ok := quota.For(src.RegistryStr()); ok && l.Limit > 0 && l.Window > 0 {
		d = l.Window / time.Duration(l.Limit)
	}
	log.WithFields(logrus.Fields{"registry": src.String(), "wait": d}).Warn("source pull limit reached; waiting (--on-rate-limit wait)")
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// learnQuota HEADs one planned source tag when the plan was made from
// listings alone: a HEAD is not a pull, and it carries the registry's
// ratelimit headers, so the plan can state the quota it runs against.
func (r *run) learnQuota(ctx context.Context, quota *retry.Quota, rep report.Report) {
	if _, known := quota.For(r.src.registry.RegistryStr()); known {
		return
	}
	for _, res := range rep.Results {
		if res.Status != report.StatusPlanned {
			continue
		}
		if ref, err := name.ParseReference(res.Source); err == nil {
			_, _ = r.engine.Source().Head(ctx, ref)
		}
		return
	}
}

// printPullPlan states the manifest GETs the run needs against the source's
// pull quota, so a migration that cannot fit in one window is known before it starts.
func printPullPlan(w io.Writer, e *copy.Engine, quota *retry.Quota, src name.Registry) {
	n, unknown := e.PlannedPulls()
	fmt.Fprintf(w, "source manifest pulls needed: %d", n)
	if unknown > 0 {
		fmt.Fprintf(w, " plus the platform manifests of %d indexes", unknown)
	}
	if l, ok := quota.For(src.RegistryStr()); ok {
		fmt.Fprintf(w, "; %s reports %d of %d pulls left per %s", src, l.Remaining, l.Limit, l.Window)
		if n > l.Remaining {
			fmt.Fprint(w, ": the run will stop at the limit (exit 3) and a re-run after the window finishes it")
		}
	}
	fmt.Fprintln(w)
}

// fail records a failure that has no single tag: a repository that could
// not be listed, say. One cut short by Ctrl-C is pending, not failed.
func (r *run) fail(ctx context.Context, source, destination string, err error) {
	res := report.Result{Source: source, Destination: destination, Status: report.StatusFailed, Error: err.Error()}
	if ctx.Err() != nil && errors.Is(err, context.Canceled) {
		res.Status, res.Error = report.StatusPending, "not listed: interrupted"
	}
	r.results.Add(res)
}

// prepareDestination lists what dstRepo holds, on Docker Hub creates it with
// the source's visibility before anything is pushed, then checks visibility
// and copies the descriptions (texts false: visibility only, for a single
// tag). false means the repository's copy must not start (the failure is
// recorded). After the pull limit stopped the run, nothing is created: the
// tags are only counted.
func (r *run) prepareDestination(ctx context.Context, srcRepo, dstRepo name.Repository, texts bool) (have enumerate.Snapshot, ok bool) {
	have, err := r.dstList.Snapshot(ctx, dstRepo)
	if err != nil {
		r.fail(ctx, srcRepo.String(), dstRepo.String(), err)
		return have, false
	}
	created := false
	var source *hub.Repository
	// only Docker Hub needs (and allows) creating a repository before a push
	if !have.Exists && r.dst.hub != nil && !r.engine.PullLimited() {
		if source, err = r.createDestination(ctx, srcRepo, dstRepo); err != nil {
			r.fail(ctx, srcRepo.String(), dstRepo.String(), err)
			r.results.Repository(srcRepo.String(), dstRepo.String(), func(p *report.Repository) { p.Error = err.Error() })
			return have, false
		}
		created = !r.cfg.dryRun
	}
	if err := r.syncMetadata(ctx, srcRepo, dstRepo, created, texts, source); err != nil {
		r.fail(ctx, srcRepo.String(), dstRepo.String(), err)
		return have, false
	}
	return have, true
}

func (r *run) exclude(repo name.Repository) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.excluded == nil {
		r.excluded = map[string]int{}
	}
	r.excluded[repo.String()]++
}

// send hands a task to the pool unless the run was interrupted.
func send(ctx context.Context, tasks chan<- copy.Task, t copy.Task) bool {
	select {
	case tasks <- t:
		return true
	case <-ctx.Done():
		return false
	}
}

// digestsOf HEADs tags (not a pull) to learn their digests when the listing
// did not give them: only needed to match signatures to filtered images.
func (r *run) digestsOf(ctx context.Context, repo name.Repository, tags []string) map[string]bool {
	out := map[string]bool{}
	for _, t := range tags {
		if d, err := r.engine.Source().Head(ctx, repo.Tag(t)); err == nil {
			out[d.Digest.String()] = true
		}
	}
	return out
}

// repositories counts the destination repositories the run touched.
func (r *run) repositories(rep report.Report) int {
	seen := map[string]bool{}
	for _, res := range rep.Results {
		seen[repoOf(res.Destination)] = true
	}
	return len(seen)
}

// queue counts a task for the progress display, then sends it.
func (r *run) queue(ctx context.Context, tasks chan<- copy.Task, t copy.Task) bool {
	r.display.Add(t.Destination.Context().String(), 1)
	return send(ctx, tasks, t)
}

// repoOf is the repository of a destination reference string.
func repoOf(ref string) string {
	if t, err := name.NewTag(ref); err == nil {
		return t.Context().String()
	}
	return ref
}

// repoTasks sends one task per tag of srcRepo that passes the filter.
func (r *run) repoTasks(ctx context.Context, srcRepo, dstRepo name.Repository, tasks chan<- copy.Task) {
	// The destination is prepared (listed, created, described) while the
	// source is listed: two round trips apart, not one after the other. No
	// task is sent before it is ready.
	var have enumerate.Snapshot
	ready := func() bool { return true }
	if !r.check {
		prepared := make(chan bool, 1)
		go func() {
			h, ok := r.prepareDestination(ctx, srcRepo, dstRepo, true)
			have = h
			prepared <- ok
		}()
		ready = sync.OnceValue(func() bool { return <-prepared })
		defer ready() // wait for it even when the listing fails
	}
	clean := false
	defer func() { r.listed(ctx, dstRepo, clean) }()
	task := func(t enumerate.Tag) copy.Task {
		task := copy.Task{Source: srcRepo.Tag(t.Name), Destination: dstRepo.Tag(t.Name),
			SourceDigest: t.Digest, Platforms: t.Platforms, Children: t.Children, Signature: isSignature(t.Name)}
		if d, present := have.Tags[t.Name]; have.Known && (!present || d.Digest != "") {
			task.DestinationKnown, task.DestinationDigest = true, d.Digest
		}
		task.DestinationNew = have.Known && !have.Exists
		return task
	}
	var signatures []enumerate.Tag
	selected := map[string]bool{} // digests of the tags being migrated, when the listing gave them
	var selectedTags []string
	filtered := false
	for t, err := range r.srcList.Tags(ctx, srcRepo) {
		if err != nil {
			r.fail(ctx, srcRepo.String(), dstRepo.String(), err)
			return
		}
		if !ready() {
			return
		}
		switch {
		case isSignature(t.Name):
			if r.cfg.skipSigs {
				r.exclude(dstRepo)
				continue
			}
			signatures = append(signatures, t) // they follow their image: sent after it
			continue
		case !r.cfg.filter.Match(t.Name):
			r.exclude(dstRepo)
			filtered = true
			continue
		}
		selected[t.Digest] = true
		selectedTags = append(selectedTags, t.Name)
		r.sent(srcRepo, dstRepo)
		if !r.queue(ctx, tasks, task(t)) {
			return
		}
	}
	if len(signatures) > 0 && filtered && !r.srcList.HasHub() {
		selected = r.digestsOf(ctx, srcRepo, selectedTags)
	}
	for _, t := range signatures {
		// A signature follows its image: one whose image was filtered out
		// stays behind too. Without filters every image goes, so every
		// signature does.
		if filtered && !selected[signedDigest(t.Name)] {
			r.exclude(dstRepo)
			continue
		}
		r.sent(srcRepo, dstRepo)
		if !r.queue(ctx, tasks, task(t)) {
			return
		}
	}
	clean = true
}
