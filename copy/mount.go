package copy

import (
	"sync"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// blobHomes remembers, for the whole run, a destination repository that
// holds each blob pushed so far. go-containerregistry dedupes blobs within
// one destination repository only; a base layer shared by images of many
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

// add records that dst now holds every blob in hs.
func (b *blobHomes) add(dst name.Repository, hs []v1.Hash) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.homes == nil {
		b.homes = map[string]name.Repository{}
	}
	for _, h := range hs {
		if _, ok := b.homes[homeKey(dst.Registry, h)]; !ok {
			b.homes[homeKey(dst.Registry, h)] = dst
		}
	}
}

// mounting wraps what is pushed to dst so that its blobs with a known home
// are offered as mounts, and notes every blob it hands out so that dst can
// become their home once the push succeeded.
type mounting struct {
	homes *blobHomes
	dst   name.Repository
	mu    sync.Mutex
	seen  []v1.Hash
}

func (m *mounting) layer(l v1.Layer) v1.Layer {
	h, err := l.Digest()
	if err != nil {
		return l
	}
	m.mu.Lock()
	m.seen = append(m.seen, h)
	m.mu.Unlock()
	if home, ok := m.homes.home(m.dst, h); ok {
		return &remote.MountableLayer{Layer: l, Reference: home.Digest(h.String())}
	}
	return l
}

// wrap returns t with its blobs (and its children's) offered as mounts.
func (m *mounting) wrap(t partial.Describable) partial.Describable {
	switch v := t.(type) {
	case v1.ImageIndex:
		return mountingIndex{imageIndex: v, m: m}
	case v1.Image:
		return mountingImage{Image: v, m: m}
	case v1.Layer:
		return m.layer(v)
	}
	return t
}

// pushable is what to hand the pusher for desc: its image or index,
// wrapped; anything else (an artifact manifest) as it is.
func (m *mounting) pushable(desc *remote.Descriptor) (remote.Taggable, error) {
	var t partial.Describable
	var err error
	switch {
	case desc.MediaType.IsIndex():
		t, err = desc.ImageIndex()
	case desc.MediaType.IsImage():
		t, err = desc.Image()
	default:
		return desc, nil
	}
	if err != nil {
		return nil, err
	}
	return m.wrap(t).(remote.Taggable), nil
}

// done records dst as the home of every blob handed out.
func (m *mounting) done() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.homes.add(m.dst, m.seen)
}

type mountingImage struct {
	v1.Image
	m *mounting
}

func (i mountingImage) Layers() ([]v1.Layer, error) {
	ls, err := i.Image.Layers()
	if err != nil {
		return nil, err
	}
	out := make([]v1.Layer, len(ls))
	for n, l := range ls {
		out[n] = i.m.layer(l)
	}
	return out, nil
}

// ConfigLayer keeps the wrapped image's own config layer (a remote image
// streams it from the source) rather than one rebuilt from the raw config.
func (i mountingImage) ConfigLayer() (v1.Layer, error) {
	l, err := partial.ConfigLayer(i.Image)
	if err != nil {
		return nil, err
	}
	return i.m.layer(l), nil
}

// imageIndex names the embedded index so that its field does not hide the
// ImageIndex method, which an embedded v1.ImageIndex would.
type imageIndex = v1.ImageIndex

type mountingIndex struct {
	imageIndex
	m *mounting
}

// Manifests keeps the wrapped index's children (fetched lazily from the
// source, each once) and wraps them in turn.
func (x mountingIndex) Manifests() ([]partial.Describable, error) {
	children, err := partial.Manifests(x.imageIndex)
	if err != nil {
		return nil, err
	}
	out := make([]partial.Describable, len(children))
	for n, c := range children {
		out[n] = x.m.wrap(c)
	}
	return out, nil
}

// The wrappers must still be what the pusher expects, or it would push an
// index without its children.
var (
	_ v1.ImageIndex = mountingIndex{}
	_ v1.Image      = mountingImage{}
)
