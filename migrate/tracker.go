package migrate

import (
	"context"
	"sync"

	"github.com/google/go-containerregistry/pkg/name"

	"github.com/crane-migrate/crane-migrate/report"
)

// tracker follows each destination repository from its first task sent to
// its last result in, so that the work after a repository (deprecating the
// source, immutable-tag rules) runs once, on the run's own goroutine.
type tracker struct {
	mu    sync.Mutex
	repos map[string]*repoProgress // destination repository → its tags so far
	shown int64                    // blob bytes uploaded as of the last result shown
}

type repoProgress struct {
	src, dst   name.Repository
	sent, done int
	closed     bool
	clean      bool // every tag copied and confirmed by the destination registry
}

// listed is a producer's word that every task of a repository was sent
// (clean: none was lost to a listing error).
type listed struct {
	dst   name.Repository
	clean bool
}

// sent counts a task of dstRepo on its way to the engine. It is called
// before the task is sent, so its result cannot arrive first.
func (t *tracker) sent(srcRepo, dstRepo name.Repository) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.repos == nil {
		t.repos = map[string]*repoProgress{}
	}
	p := t.repos[dstRepo.String()]
	if p == nil {
		p = &repoProgress{src: srcRepo, dst: dstRepo, clean: true}
		t.repos[dstRepo.String()] = p
	}
	p.sent++
}

// listed hands the producer's word to the run's goroutine.
func (r *run) listed(dstRepo name.Repository, clean bool) {
	r.events <- listed{dst: dstRepo, clean: clean}
}

// track reads the engine's results and the producers' words until both
// are done, recording results and running each repository's after-work
// when its last result is in.
func (r *run) track(ctx context.Context, results <-chan report.Result) {
	events := r.events
	for results != nil || events != nil {
		select {
		case res, ok := <-results:
			if !ok {
				results = nil
				continue
			}
			r.record(ctx, res)
		case ev, ok := <-events:
			if !ok {
				events = nil
				continue
			}
			if p := r.repos.close(ev); p != nil {
				r.afterRepository(ctx, p)
			}
		}
	}
}

// record adds a result to the report and the display, and to its
// repository's progress.
func (r *run) record(ctx context.Context, res report.Result) {
	r.results.Add(res)
	r.excludedByEngine(res)
	up, _ := r.engine.Traffic()
	r.o.progress.Done(report.RepositoryOf(res.Destination), res, r.repos.uploaded(up))
	if p := r.repos.finish(res); p != nil {
		r.afterRepository(ctx, p)
	}
}

// uploaded is the blob bytes uploaded since the last call: the engine
// counts bytes per run, the display wants them per result.
func (t *tracker) uploaded(total int64) int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := total - t.shown
	t.shown = total
	return n
}

// close marks a repository's tasks all sent; it returns the repository
// when its results are all in too.
func (t *tracker) close(ev listed) *repoProgress {
	t.mu.Lock()
	defer t.mu.Unlock()
	p := t.repos[ev.dst.String()]
	if p == nil {
		return nil
	}
	p.closed, p.clean = true, p.clean && ev.clean
	if p.done == p.sent {
		return p
	}
	return nil
}

// finish counts a result for its repository; it returns the repository
// when that was its last.
func (t *tracker) finish(res report.Result) *repoProgress {
	tag, err := name.NewTag(res.Destination)
	if err != nil {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	p := t.repos[tag.Context().String()]
	if p == nil {
		return nil
	}
	p.done++
	confirmed := res.Verified && res.VerifiedBy == report.VerifiedByRegistry
	excluded := res.Status == report.StatusExcluded // --platform left it out, as a filter does: no copy owed
	p.clean = p.clean && (excluded || (res.Status == report.StatusCopied || res.Status == report.StatusSkipped) && confirmed)
	if p.closed && p.done == p.sent {
		return p
	}
	return nil
}
