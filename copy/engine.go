package copy

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"

	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/crane-migrate/crane-migrate/flight"
	"github.com/crane-migrate/crane-migrate/report"
)

// Engine copies tasks on one worker pool shared by every repository, with one
// puller per side and one pusher, so token exchanges and connections are
// reused across the whole run.
type Engine struct {
	o       options
	src     *remote.Puller
	dstRead *remote.Puller
	dst     *remote.Pusher
	fetched flight.Group[*remote.Descriptor]
	written flight.Group[struct{}] // destination repository @ digest, once written
	blobs   *http.Client           // the destination's, for blob writes
	homes   blobHomes
	// uploaded and mounts are what the run moved, for its summary: blob
	// bytes sent in uploads, and blobs mounted from another repository.
	uploaded atomic.Int64
	mounts   atomic.Int64
	limited  atomic.Bool
	pulls    pullPlan
}

// New builds an engine.
func New(opts ...Option) (*Engine, error) {
	o := defaults()
	for _, opt := range opts {
		if err := opt(&o); err != nil {
			return nil, fmt.Errorf("copy: %w", err)
		}
	}
	e := &Engine{o: o, blobs: &http.Client{Transport: o.dstTransport}}
	var err error
	if e.src, err = remote.NewPuller(o.src...); err != nil {
		return nil, fmt.Errorf("copy: source: %w", err)
	}
	if e.dst, err = remote.NewPusher(o.dst...); err != nil {
		return nil, fmt.Errorf("copy: destination: %w", err)
	}
	// The pusher cannot read; with an auth.Transport under both, the
	// destination's reads and writes share one token per repository.
	if e.dstRead, err = remote.NewPuller(o.dst...); err != nil {
		return nil, fmt.Errorf("copy: destination: %w", err)
	}
	return e, nil
}

// Source is the engine's puller for the source, for callers that list or
// verify with the same connections.
func (e *Engine) Source() *remote.Puller { return e.src }

// Destination is the engine's puller for the destination.
func (e *Engine) Destination() *remote.Puller { return e.dstRead }

// Run copies every task received until tasks is closed, then returns. Each
// task's outcome goes to the WithResults sink; a failing task never stops the
// others.
//
// A task goes through three stages, each with its own jobs workers: plan
// (both sides' digests, then the source manifests to copy), transfer (the
// writes) and confirm (verify). A worker that waited on the slowest of those
// round trips would leave the registries idle; pipelined, planning runs
// ahead of the copies and verification behind them, each stage bounded by
// the job count.
//
// Once ctx is done (the user pressed Ctrl-C) or the source's pull limit is
// spent, no new task starts: the rest are reported pending. Copies already in
// flight finish — they run on a context that ctx's cancellation does not
// reach — because a finished tag is worth more than a fast exit; killing the
// process still leaves no half-written tag, since manifests are pushed last.
func (e *Engine) Run(ctx context.Context, tasks <-chan Task) {
	work := e.o.abort
	if work == nil {
		work = context.WithoutCancel(ctx)
	}
	planned := make(chan *job, e.o.jobs)
	copied := make(chan *job, e.o.jobs)
	closeAfter(stage(e.o.jobs, func() {
		for t := range tasks {
			if why := e.stopped(ctx); why != "" {
				e.o.sink(pending(t, why))
				continue
			}
			e.begin(t)
			if e.o.check {
				e.o.sink(e.check(work, t))
				continue
			}
			if j, done := e.plan(work, t); done {
				e.finish(ctx, work, j)
			} else {
				planned <- j
			}
		}
	}), planned)
	closeAfter(stage(e.o.jobs, func() {
		for j := range planned {
			// A planned job holds its manifests already, and blob reads
			// do not count against a pull limit: only an interrupt stops it.
			if ctx.Err() != nil {
				e.o.sink(pending(j.t, "interrupted"))
				continue
			}
			if e.transfer(work, j) {
				e.finish(ctx, work, j)
			} else {
				copied <- j
			}
		}
	}), copied)
	stage(e.o.jobs, func() {
		for j := range copied {
			e.confirm(work, j)
			e.finish(ctx, work, j)
		}
	}).Wait()
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
func (e *Engine) stopped(ctx context.Context) string {
	switch {
	case ctx.Err() != nil:
		return "interrupted"
	case e.limited.Load() && e.o.wait == nil:
		return ErrPullLimit.Error()
	}
	return ""
}

// finish reports j; with WithPullLimitWait, a task stopped by the pull limit
// waits and runs again, whole, until it ends otherwise or ctx is done.
func (e *Engine) finish(ctx, work context.Context, j *job) {
	res := j.res
	for e.o.wait != nil && res.Status == report.StatusPending && ctx.Err() == nil {
		if err := e.o.wait(ctx); err != nil {
			break
		}
		res = e.one(work, j.t)
	}
	e.o.sink(res)
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

func pending(t Task, why string) report.Result {
	return report.Result{Source: t.Source.String(), Destination: t.Destination.String(),
		Status: report.StatusPending, Error: "not started: " + why}
}
