package copy

import (
	"context"
	"sync"

	"github.com/google/go-containerregistry/pkg/v1/types"
)

// pullPlan counts the source manifest GETs a dry-run's plan needs: one per
// unique manifest, plus one per child of each unique index. On Docker Hub
// each is a pull against the limit; HEADs are not.
type pullPlan struct {
	mu      sync.Mutex
	seen    map[string]bool
	n       int
	unknown int // indexes whose child count no listing gave
}

func (p *pullPlan) add(key string, t Task, index bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.seen == nil {
		p.seen = map[string]bool{}
	}
	if p.seen[key] {
		return
	}
	p.seen[key] = true
	p.n++
	switch {
	case t.Children > 0:
		p.n += t.Children
	case index:
		p.unknown++
	}
}

// PlannedPulls is the dry run's estimate of source manifest GETs: n, plus
// the children of unknown indexes whose size no listing told.
func (e *Engine) PlannedPulls() (n, unknown int) {
	e.pulls.mu.Lock()
	defer e.pulls.mu.Unlock()
	return e.pulls.n, e.pulls.unknown
}

// isIndex tells from what planning already learnt; only a listing that
// names several platforms but no children costs a HEAD (not a pull).
func (e *Engine) isIndex(ctx context.Context, t Task, mt types.MediaType) bool {
	switch {
	case mt != "":
		return mt.IsIndex()
	case t.Children > 0:
		return true
	case len(t.Platforms) <= 1:
		return false
	}
	d, err := e.src.Head(ctx, t.Source)
	return err == nil && d.MediaType.IsIndex()
}
