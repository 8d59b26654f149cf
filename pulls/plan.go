package pulls

import "sync"

// Plan counts the source manifest GETs a plan needs: one per unique
// manifest, plus one per child of each unique index. On Docker Hub each is a
// pull against the limit; HEADs and listings are not.
type Plan struct {
	mu      sync.Mutex
	seen    map[string]bool
	n       int
	unknown int // indexes whose child count no listing gave
}

// Add counts the manifest key (repository@digest) once: an image costs one
// pull, an index one plus its children (children < 0: an index whose child
// count is unknown).
func (p *Plan) Add(key string, index bool, children int) {
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
	case children > 0:
		p.n += children
	case index:
		p.unknown++
	}
}

// Needed is the plan's pulls: n, plus the children of unknown indexes whose
// size no listing told.
func (p *Plan) Needed() (n, unknown int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.n, p.unknown
}
