package referrers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Index writes referrers on a destination so that they stay attached: on a
// registry without the referrers API it maintains each subject's fallback
// tag, merging with what is there; on one with the API it leaves indexing
// to the registry. It serializes every write about one subject within the
// process (see the package doc for why): share one Index per destination.
type Index struct {
	finder *Finder
	pusher *remote.Pusher
	locks  keyedMutex
}

// NewIndex returns an Index for the destination dst reads (its puller and
// API probe) and pusher writes. A nil pusher makes an Index that only
// reads, for a Syncer that only plans (a dry run); its writes fail.
func NewIndex(dst *Finder, pusher *remote.Pusher) (*Index, error) {
	if dst == nil {
		return nil, errors.New("referrers: NewIndex needs a finder")
	}
	return &Index{finder: dst, pusher: pusher}, nil
}

// Finder is the destination's Finder the Index was built with.
func (x *Index) Finder() *Finder { return x.finder }

// Attach runs put, which writes the manifest desc describes, then records
// desc in subject's fallback tag when the registry has no referrers API;
// both under subject's lock, so that a put that updates the fallback tag
// itself (go-containerregistry's does) cannot race another one.
func (x *Index) Attach(ctx context.Context, subject name.Digest, desc v1.Descriptor, put func(context.Context) error) error {
	return x.attach(ctx, subject, &desc, put)
}

// attach is Attach; a nil desc (a cosign tag, found by name, not listed)
// only runs put under the lock.
func (x *Index) attach(ctx context.Context, subject name.Digest, desc *v1.Descriptor, put func(context.Context) error) error {
	defer x.locks.lock(subject.String())()
	if err := put(ctx); err != nil {
		return err
	}
	if desc == nil {
		return nil
	}
	api, err := x.finder.Supported(ctx, subject.Context())
	if err != nil || api {
		return err
	}
	return x.merge(ctx, subject, []v1.Descriptor{*desc})
}

// Add merges descs into subject's fallback tag, keeping every entry
// already there; descs already listed are left as they are.
func (x *Index) Add(ctx context.Context, subject name.Digest, descs ...v1.Descriptor) error {
	defer x.locks.lock(subject.String())()
	return x.merge(ctx, subject, descs)
}

// merge is the read-modify-write of subject's fallback tag; the caller
// holds subject's lock. It writes nothing when nothing is new.
func (x *Index) merge(ctx context.Context, subject name.Digest, descs []v1.Descriptor) error {
	h, err := v1.NewHash(subject.DigestStr())
	if err != nil {
		return err
	}
	t := FallbackTag(subject.Context(), h)
	im, err := x.finder.readFallback(ctx, t, true) // a 404 from the GET is as good as one from a HEAD
	if err != nil {
		return fmt.Errorf("reading %s: %w", t, err)
	}
	if im == nil {
		im = &v1.IndexManifest{SchemaVersion: 2, MediaType: types.OCIImageIndex}
	}
	have := make(map[v1.Hash]bool, len(im.Manifests))
	for _, d := range im.Manifests {
		have[d.Digest] = true
	}
	added := false
	for _, d := range descs {
		if !have[d.Digest] {
			have[d.Digest] = true
			im.Manifests = append(im.Manifests, d)
			added = true
		}
	}
	if !added {
		return nil
	}
	sort.SliceStable(im.Manifests, func(i, j int) bool {
		return im.Manifests[i].Digest.String() < im.Manifests[j].Digest.String()
	})
	raw, err := json.Marshal(im)
	if err != nil {
		return err
	}
	if x.pusher == nil {
		return fmt.Errorf("writing %s: %w", t, errReadOnly)
	}
	if err := x.pusher.Put(ctx, t, rawIndex(raw)); err != nil {
		return fmt.Errorf("writing %s: %w", t, err)
	}
	return nil
}

// Tag points tag at the manifest d, already at the destination, as cosign
// tags are re-created there: one GET of d and one PUT.
func (x *Index) Tag(ctx context.Context, tag name.Tag, d name.Digest) error {
	desc, err := x.finder.puller.Get(ctx, d)
	if err != nil {
		return fmt.Errorf("tagging %s: %w", tag, err)
	}
	if x.pusher == nil {
		return fmt.Errorf("tagging %s: %w", tag, errReadOnly)
	}
	if err := x.pusher.Put(ctx, tag, desc); err != nil {
		return fmt.Errorf("tagging %s: %w", tag, err)
	}
	return nil
}

// errReadOnly: an Index built without a pusher was asked to write.
var errReadOnly = errors.New("referrers: this index only reads (no pusher)")

// rawIndex is a fallback index ready to PUT.
type rawIndex []byte

func (r rawIndex) RawManifest() ([]byte, error)        { return r, nil }
func (r rawIndex) MediaType() (types.MediaType, error) { return types.OCIImageIndex, nil }
