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
//
// A blob being uploaded to one repository is not uploaded to another at
// the same time: the second waits for the first (claim), then mounts it.
// Repositories are copied side by side, and their shared base layers would
// otherwise all be read and uploaded at once.
type blobHomes struct {
	mu     sync.Mutex
	homes  map[string]name.Repository // registry + "@" + digest → repository
	moving map[string]chan struct{}   // closed when that blob's upload ends
	// noMounts are registries that refused a mount from a home: waiting
	// for another repository's upload would gain nothing there.
	noMounts map[string]bool
}

// refused records that dst's registry answered a mount with an upload.
func (b *blobHomes) refused(dst name.Repository) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.noMounts == nil {
		b.noMounts = map[string]bool{}
	}
	b.noMounts[dst.RegistryStr()] = true
}

// claim says whether dst's upload of h is the registry's first: mine (the
// caller uploads, then calls release), or wait for another repository's
// upload to end (nil when h has a home, or the caller's is the first).
func (b *blobHomes) claim(dst name.Repository, h v1.Hash) (wait <-chan struct{}, mine bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	k := homeKey(dst.Registry, h)
	if _, ok := b.homes[k]; ok || b.noMounts[dst.RegistryStr()] {
		return nil, false
	}
	if ch, ok := b.moving[k]; ok {
		return ch, false
	}
	if b.moving == nil {
		b.moving = map[string]chan struct{}{}
	}
	b.moving[k] = make(chan struct{})
	return nil, true
}

// release ends dst's claim on h, whether its upload worked or not: a
// waiter then mounts from its home, or uploads itself.
func (b *blobHomes) release(dst name.Repository, h v1.Hash) {
	b.mu.Lock()
	defer b.mu.Unlock()
	k := homeKey(dst.Registry, h)
	if ch, ok := b.moving[k]; ok {
		close(ch)
		delete(b.moving, k)
	}
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
