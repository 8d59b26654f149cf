package copy

import (
	"sync"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// blobHomes remembers, for the whole run, a destination repository that
// holds each blob written so far. A base layer shared by images of many
// repositories would otherwise be downloaded and uploaded once per
// repository. Offered as a cross-repository mount instead, it moves no bytes.
// A mount the registry refuses falls back to an upload, so a stale entry
// costs one request, never correctness.
type blobHomes struct {
	mu    sync.Mutex
	homes map[string]name.Repository // registry + "@" + digest → repository
}

func homeKey(reg name.Registry, h v1.Hash) string { return reg.String() + "@" + h.String() }

// home returns a repository of dst's registry, other than dst, that holds h.
func (b *blobHomes) home(dst name.Repository, h v1.Hash) (name.Repository, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	r, ok := b.homes[homeKey(dst.Registry, h)]
	return r, ok && r.String() != dst.String()
}

// add records that dst now holds h.
func (b *blobHomes) add(dst name.Repository, h v1.Hash) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.homes == nil {
		b.homes = map[string]name.Repository{}
	}
	if _, ok := b.homes[homeKey(dst.Registry, h)]; !ok {
		b.homes[homeKey(dst.Registry, h)] = dst
	}
}
