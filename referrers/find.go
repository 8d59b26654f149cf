package referrers

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// Find returns everything attached to subject, and what is attached to
// that, down to WithMaxDepth levels, ordered by depth then digest. Cosign
// tags are looked for with one HEAD each; FindWithTags spares those.
func (f *Finder) Find(ctx context.Context, subject name.Digest) ([]Referrer, error) {
	return f.find(ctx, subject, nil)
}

// FindWithTags is Find for a caller that has listed subject's repository:
// tags is that whole listing, and the fallback and cosign tags are looked
// for in it instead of being asked for one by one.
func (f *Finder) FindWithTags(ctx context.Context, subject name.Digest, tags []string) ([]Referrer, error) {
	set := make(map[string]bool, len(tags))
	for _, t := range tags {
		set[t] = true
	}
	return f.find(ctx, subject, set)
}

// find walks the referrers graph breadth first; seen guards against
// cycles and against listing a manifest found twice.
func (f *Finder) find(ctx context.Context, subject name.Digest, tags map[string]bool) ([]Referrer, error) {
	repo := subject.Context()
	api, err := f.Supported(ctx, repo)
	if err != nil {
		return nil, fmt.Errorf("finding referrers of %s: %w", subject, err)
	}
	root, err := v1.NewHash(subject.DigestStr())
	if err != nil {
		return nil, fmt.Errorf("finding referrers of %s: %w", subject, err)
	}
	seen := map[v1.Hash]bool{root: true}
	var out []Referrer
	level := []v1.Hash{root}
	for depth := 1; depth <= f.o.maxDepth && len(level) > 0; depth++ {
		var next []v1.Hash
		for _, s := range level {
			refs, err := f.direct(ctx, repo, s, tags, api)
			if err != nil {
				return nil, fmt.Errorf("finding referrers of %s: %w", repo.Digest(s.String()), err)
			}
			for _, r := range refs {
				r.Depth = depth
				out = append(out, r)
				if !seen[r.Descriptor.Digest] {
					seen[r.Descriptor.Digest] = true
					next = append(next, r.Descriptor.Digest)
				}
			}
		}
		level = next
	}
	sortReferrers(out)
	return out, nil
}

// direct lists what is attached to s itself, in every form, filtered.
func (f *Finder) direct(ctx context.Context, repo name.Repository, s v1.Hash, tags map[string]bool, api bool) ([]Referrer, error) {
	var refs []Referrer
	var err error
	if api {
		refs, err = f.fromAPI(ctx, repo.Digest(s.String()))
	} else {
		refs, err = f.fromFallback(ctx, repo, s, tags)
	}
	if err != nil {
		return nil, err
	}
	cosign, err := f.fromCosign(ctx, repo, s, tags)
	if err != nil {
		return nil, err
	}
	var kept []Referrer
	for _, r := range append(refs, cosign...) {
		if f.keep(r.Descriptor.ArtifactType) {
			r.Subject = s
			kept = append(kept, r)
		}
	}
	return kept, nil
}

func (f *Finder) fromAPI(ctx context.Context, d name.Digest) ([]Referrer, error) {
	descs, _, err := f.listAPI(ctx, d)
	if err != nil && !errors.Is(err, errInconclusive) {
		return nil, err
	}
	refs := make([]Referrer, 0, len(descs))
	for _, desc := range descs {
		refs = append(refs, Referrer{Descriptor: desc, Via: ViaAPI})
	}
	return refs, nil
}

// isNotFound reports a registry's 404: for a tag looked up by name, the
// tag (or its whole repository) is absent.
func isNotFound(err error) bool {
	var terr *transport.Error
	return errors.As(err, &terr) && terr.StatusCode == http.StatusNotFound
}
