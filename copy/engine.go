package copy

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"

	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/sirupsen/logrus"

	"github.com/crane-migrate/crane-migrate/flight"
	"github.com/crane-migrate/crane-migrate/pulls"
	"github.com/crane-migrate/crane-migrate/report"
	"github.com/crane-migrate/crane-migrate/side"
)

// Engine copies tasks on one worker pool shared by every repository, with
// one side per registry (package side), so token exchanges and connections
// are reused across the whole run.
type Engine struct {
	o       options
	srcSide *side.Side
	dstSide *side.Side
	src     *remote.Puller
	dstRead *remote.Puller
	dst     *remote.Pusher
	fetched flight.Group[*remote.Descriptor]
	written flight.Group[struct{}] // destination repository @ digest, once written
	blobs   *http.Client           // the destination's, for blob writes
	reads   *http.Client           // the source's, for blob reads
	homes   blobHomes
	// uploaded and mounts are what the run moved, for its summary: blob
	// bytes sent in uploads, and blobs mounted from another repository.
	uploaded atomic.Int64
	mounts   atomic.Int64
	limited  atomic.Bool
	pulls    pulls.Plan
	att      *attached // nil unless WithReferrers
}

// New builds an engine that copies from src to dst. dst must have been
// built with side.WithWrite unless the engine only plans or checks.
func New(src, dst *side.Side, opts ...Option) (*Engine, error) {
	o := defaults()
	for _, opt := range opts {
		if err := opt(&o); err != nil {
			return nil, fmt.Errorf("copy: %w", err)
		}
	}
	if dst.Pusher == nil && !o.dryRun && !o.check {
		return nil, errors.New("copy: the destination side was not built to write (side.WithWrite)")
	}
	e := &Engine{o: o, srcSide: src, dstSide: dst, src: src.Puller, dstRead: dst.Puller, dst: dst.Pusher,
		blobs: &http.Client{Transport: dst.Auth}, reads: &http.Client{Transport: src.Auth}}
	if o.referrers {
		if err := e.newAttached(); err != nil {
			return nil, fmt.Errorf("copy: %w", err)
		}
	}
	return e, nil
}

// Run copies every task received until tasks is closed, sends each task's
// outcome to results (which the caller owns and drains), then returns; a
// failing task never stops the others.
//
// A task goes through four stages: look (both sides' digests: HEADs or
// listings), pull (the source manifests to copy), transfer (the writes)
// and confirm (verify). A worker that waited on the slowest of those round
// trips would leave the registries idle; pipelined, planning runs ahead of
// the copies and verification behind them. Each stage has planWidth (or
// transferWidth) times --jobs workers: a re-run with nothing to copy is
// nothing but looking, which --jobs workers would make as slow as --jobs
// round trips at a time (issue 16's re-run of 5,000 tags took a minute on
// it). Pulls from a source that counts them stay --jobs at a time
// (pullSlot); when copies wait, the stages before them just wait on their
// queues.
//
// Once ctx is done (the user pressed Ctrl-C) or the source's pull limit is
// spent, no new task starts: the rest are reported pending. Copies already in
// flight finish — they run on work, which ctx's cancellation does not
// reach — because a finished tag is worth more than a fast exit; cancelling
// work aborts them (pending), and killing the process still leaves no
// half-written tag, since manifests are pushed last.
func (e *Engine) Run(ctx, work context.Context, tasks <-chan Task, results chan<- report.Result) {
	p := &pipeline{e: e, results: results, looked: make(chan *job, e.o.jobs), planned: make(chan *job, e.o.jobs),
		copied: make(chan *job, e.o.jobs), slots: make(chan struct{}, e.o.jobs)}
	closeAfter(stage(e.o.jobs*planWidth, func() { p.look(ctx, work, tasks) }), p.looked)
	closeAfter(stage(e.o.jobs*planWidth, func() { p.pull(ctx, work) }), p.planned)
	closeAfter(stage(e.o.jobs*transferWidth, func() { p.transfer(ctx, work) }), p.copied)
	stage(e.o.jobs*planWidth, func() { p.confirm(ctx, work) }).Wait()
}

// pipeline is one Run's stages and the queues between them.
type pipeline struct {
	e                       *Engine
	results                 chan<- report.Result
	looked, planned, copied chan *job
	slots                   chan struct{} // pullSlot's
}

// after sends a job on once a stage is done with it. What is attached to
// a skipped image is looked for behind the planners, not by them: copied
// is closed only after the stages before it are done.
func (p *pipeline) after(ctx, work context.Context, j *job, done bool, next chan<- *job) {
	switch {
	case !done:
		next <- j
	case p.e.att != nil && followed(j.res.Status):
		j.verified = true
		p.copied <- j
	default:
		p.e.finish(ctx, work, j, p.results)
	}
}

func (p *pipeline) look(ctx, work context.Context, tasks <-chan Task) {
	for t := range tasks {
		if why, kind := p.e.stopped(ctx); why != "" {
			p.results <- pending(t, why, kind)
			continue
		}
		p.e.begin(t)
		if p.e.o.check {
			p.results <- p.e.check(work, t)
			continue
		}
		j, done := p.e.plan(work, t)
		p.after(ctx, work, j, done, p.looked)
	}
}

func (p *pipeline) pull(ctx, work context.Context) {
	for j := range p.looked {
		if j.pull == nil {
			p.planned <- j
			continue
		}
		release := p.e.pullSlot(j, p.slots)
		// The limit may have been met since this job was looked at.
		if why, kind := p.e.stopped(ctx); why != "" {
			release()
			p.results <- pending(j.t, why, kind)
			continue
		}
		p.after(ctx, work, j, j.pull(work), p.planned) // a wait for the window included
		release()
	}
}

func (p *pipeline) transfer(ctx, work context.Context) {
	for j := range p.planned {
		// A planned job holds its manifests already, and blob reads do
		// not count against a pull limit: only an interrupt stops it.
		if ctx.Err() != nil {
			p.results <- pending(j.t, "interrupted", report.KindInterrupted)
			continue
		}
		if p.e.transfer(work, j) {
			p.e.finish(ctx, work, j, p.results)
		} else {
			p.copied <- j
		}
	}
}

func (p *pipeline) confirm(ctx, work context.Context) {
	for j := range p.copied {
		if !j.verified {
			p.e.confirm(work, j)
		}
		p.e.finish(ctx, work, j, p.results)
	}
}

// planWidth and transferWidth are the workers per job of the stages that
// only read or are small writes (see Run).
const (
	planWidth     = 4
	transferWidth = 4
)

// pullSlot holds one of --jobs slots while j pulls, when the source counts
// pulls (its answers carried a pull limit, or none came yet): such a
// source sees at most --jobs pulls in flight, and a tag waiting for the
// next window (--on-rate-limit wait) keeps its slot. A source whose
// answers carry no limit is read as wide as the other stages.
func (e *Engine) pullSlot(j *job, slots chan struct{}) (release func()) {
	counted := e.srcSide.Quota == nil || e.srcSide.Quota.Counted(j.t.Source.Context().RegistryStr())
	if !counted {
		return func() {}
	}
	slots <- struct{}{}
	return func() { <-slots }
}

// stage starts n workers.
func stage(n int, worker func()) *sync.WaitGroup {
	var wg sync.WaitGroup
	for range n {
		wg.Go(worker)
	}
	return &wg
}

// closeAfter closes next once a stage's workers are done: the next stage's
// workers then finish too.
func closeAfter(wg *sync.WaitGroup, next chan *job) {
	go func() {
		wg.Wait()
		close(next)
	}()
}

// stopped says why no new task may start, "" when it may.
func (e *Engine) stopped(ctx context.Context) (string, report.Kind) {
	switch {
	case ctx.Err() != nil:
		return "interrupted", report.KindInterrupted
	case e.limited.Load() && e.o.wait == nil:
		return pulls.ErrLimit.Error(), report.KindPullLimit
	}
	return "", ""
}

// finish reports j; with WithPullLimitWait, a task stopped by the pull limit
// waits for the window and runs again, whole, until it ends otherwise or ctx
// is done.
func (e *Engine) finish(ctx, work context.Context, j *job, results chan<- report.Result) {
	e.follow(work, j)
	for e.o.wait != nil && j.res.Kind == report.KindPullLimit && ctx.Err() == nil {
		host := j.t.Source.Context().RegistryStr()
		d := e.o.wait.Delay(host)
		j.log.WithFields(logrus.Fields{"registry": host, "wait": d}).Warn("source pull limit reached; waiting (--on-rate-limit wait)")
		if err := pulls.Sleep(ctx, d); err != nil {
			break
		}
		j = e.one(work, j.t)
		e.follow(work, j)
	}
	results <- j.res
}

func (e *Engine) begin(t Task) {
	if e.o.started != nil {
		e.o.started(t)
	}
}

// Traffic is the blob bytes the run uploaded and the blobs it mounted from
// another repository instead.
func (e *Engine) Traffic() (uploaded, mounts int64) { return e.uploaded.Load(), e.mounts.Load() }

// PullLimited reports whether the run stopped at the source's pull limit
// (in wait mode: whether it met it at all).
func (e *Engine) PullLimited() bool { return e.limited.Load() }

// PlannedPulls is the dry run's estimate of source manifest GETs: n, plus
// the children of unknown indexes whose size no listing told.
func (e *Engine) PlannedPulls() (n, unknown int) { return e.pulls.Needed() }

func pending(t Task, why string, kind report.Kind) report.Result {
	return report.Result{Source: t.Source.String(), Destination: t.Destination.String(),
		Status: report.StatusPending, Kind: kind, Error: "not started: " + why, Signature: t.Signature}
}
