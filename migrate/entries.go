package migrate

import (
	"context"
	"errors"
	"iter"
	"sync"
	"time"

	"github.com/google/go-containerregistry/pkg/name"

	"github.com/crane-migrate/crane-migrate/enumerate"
	"github.com/crane-migrate/crane-migrate/hub"
)

// errNotListed: the destination namespace is not listed in this run.
var errNotListed = errors.New("not listed")

// entries keeps the Docker Hub listings' entries of a namespace run, so
// that a repository's visibility and short texts cost no repository GET:
// one page of either namespace's listing covers 100 repositories.
type entries struct {
	src sync.Map // "ns/repo" → hub.Repository, from the source's listing

	mu        sync.Mutex
	dstNS     string // the destination namespace, listed whole on first use
	dstLoaded bool
	dst       map[string]hub.Repository
}

// coverDestination says the run covers the destination namespace ns.
func (e *entries) coverDestination(ns string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.dstNS = ns
}

// listedSource remembers the source listing's entry of a repository.
func (e *entries) listedSource(repo hub.Repository) {
	e.src.Store(repo.Namespace+"/"+repo.Name, repo)
}

// sourceEntry is the source repository's details: what the caller already
// read (the creation's GET), else its listing entry (listed true: no
// README in it), else a GET.
func (r *run) sourceEntry(ctx context.Context, repo name.Repository, read *hub.Repository) (hub.Repository, bool, error) {
	if read != nil {
		return *read, false, nil
	}
	ns, rel := enumerate.HubPath(repo)
	if v, ok := r.listings.src.Load(ns + "/" + rel); ok {
		return v.(hub.Repository), true, nil
	}
	got, err := r.src.Hub.Repository(ctx, ns, rel)
	return got, false, err
}

// destinationEntry is the destination repository's details: its entry in
// the destination namespace's listing when the run covers a namespace
// (listed true), else a GET.
func (r *run) destinationEntry(ctx context.Context, repo name.Repository) (hub.Repository, bool, error) {
	ns, rel := enumerate.HubPath(repo)
	if m, err := r.listings.destination(ctx, r.dst.Hub, ns); err == nil {
		if got, ok := m[rel]; ok {
			return got, true, nil
		}
	}
	got, err := r.dst.Hub.Repository(ctx, ns, rel)
	return got, false, err
}

// destination lists the destination namespace once, when the run covers
// one (a failed listing is not kept: the next caller GETs instead).
func (e *entries) destination(ctx context.Context, c *hub.Client, ns string) (map[string]hub.Repository, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.dstNS == "" || e.dstNS != ns {
		return nil, errNotListed
	}
	if e.dstLoaded {
		return e.dst, nil
	}
	m := map[string]hub.Repository{}
	for repo, err := range c.Repositories(ctx, ns) {
		if err != nil {
			return nil, err
		}
		m[repo.Name] = repo
	}
	e.dst, e.dstLoaded = m, true
	return m, nil
}

// modifiedAfter says the source repository changed after the destination
// last did, by the listings' last_modified; an unknown date says yes.
func modifiedAfter(src, dst hub.Repository) bool {
	s, err1 := time.Parse(time.RFC3339Nano, src.LastModified)
	d, err2 := time.Parse(time.RFC3339Nano, dst.LastModified)
	return err1 != nil || err2 != nil || s.After(d)
}

// destinationSnapshot is what dstRepo holds. When the run listed the
// destination namespace, a repository absent from it costs no request
// (it is created before its first push), and one present may be listed
// through the registry when the Hub API window is short.
func (r *run) destinationSnapshot(ctx context.Context, dstRepo name.Repository) (enumerate.Snapshot, error) {
	if r.dst.Hub == nil {
		return r.dstList.Snapshot(ctx, dstRepo)
	}
	ns, rel := enumerate.HubPath(dstRepo)
	m, err := r.listings.destination(ctx, r.dst.Hub, ns)
	if err != nil {
		return r.dstList.Snapshot(ctx, dstRepo)
	}
	if _, ok := m[rel]; !ok {
		return enumerate.Snapshot{Known: true, Tags: map[string]enumerate.Tag{}, FromHub: true}, nil
	}
	return r.dstList.ExistingSnapshot(ctx, dstRepo)
}

// sourceTags lists srcRepo's tags. A repository to be created on a Docker
// Hub destination (absent from the destination namespace's listing) costs
// a source repository GET that only the Hub API answers: its tags then go
// through the registry, sparing that API's window (issue 16's first
// migration of 1,000 repositories into Docker Hub: 460 tag pages fewer,
// 2.5 windows). spared says so: the Hub listing showed the repository, so
// a registry's 404 then means it has no tags. Not in a dry run, whose pull
// plan counts an index's children from the listing, nor with --platform,
// which decides from the listing's images without reads.
func (r *run) sourceTags(ctx context.Context, srcRepo, dstRepo name.Repository) (tags iter.Seq2[enumerate.Tag, error], spared bool) {
	if r.dst.Hub == nil || r.src.Hub == nil || r.o.check || r.o.dryRun || len(r.o.selection.Platforms) > 0 {
		return r.srcList.Tags(ctx, srcRepo), false
	}
	ns, rel := enumerate.HubPath(dstRepo)
	if m, err := r.listings.destination(ctx, r.dst.Hub, ns); err == nil {
		if _, exists := m[rel]; !exists {
			return r.srcList.TagsSparingHub(ctx, srcRepo), true
		}
	}
	return r.srcList.Tags(ctx, srcRepo), false
}
