package referrers

import (
	"context"
	"errors"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// FallbackTag is the OCI referrers tag schema's tag for subject:
// sha256-<hex>, holding an index of subject's referrers.
func FallbackTag(repo name.Repository, subject v1.Hash) name.Tag {
	return repo.Tag(subject.Algorithm + "-" + subject.Hex)
}

// CosignTag is cosign's tag for subject's signatures (suffix ".sig"),
// attestations (".att") or SBOM (".sbom").
func CosignTag(repo name.Repository, subject v1.Hash, suffix string) name.Tag {
	return repo.Tag(subject.Algorithm + "-" + subject.Hex + suffix)
}

// fromFallback reads subject's fallback tag: one GET, or none when the
// tag listing shows it absent. A tag that is not an OCI index is someone
// else's tag: it is logged and ignored.
func (f *Finder) fromFallback(ctx context.Context, repo name.Repository, s v1.Hash, tags map[string]bool) ([]Referrer, error) {
	t := FallbackTag(repo, s)
	if tags != nil && !tags[t.TagStr()] {
		return nil, nil
	}
	im, err := f.readFallback(ctx, t, tags != nil)
	if errors.Is(err, ErrFallbackNotIndex) {
		f.o.log.WithField("tag", t.String()).Warn(err.Error())
		return nil, nil
	}
	if err != nil || im == nil {
		return nil, err
	}
	refs := make([]Referrer, 0, len(im.Manifests))
	for _, desc := range im.Manifests {
		refs = append(refs, Referrer{Descriptor: desc, Via: ViaFallbackTag})
	}
	return refs, nil
}

// readFallback returns the index under t, nil if t is absent, or
// ErrFallbackNotIndex. Unless a listing showed t (listed), a HEAD comes
// first: on Docker Hub a manifest GET is a pull, a HEAD is not, and most
// subjects have no fallback tag.
func (f *Finder) readFallback(ctx context.Context, t name.Tag, listed bool) (*v1.IndexManifest, error) {
	if !listed {
		if _, err := f.puller.Head(ctx, t); isNotFound(err) {
			return nil, nil
		}
	}
	d, err := f.puller.Get(ctx, t)
	if isNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	im, ok := parseIndex(string(d.MediaType), d.Manifest)
	if !ok || d.MediaType != types.OCIImageIndex {
		return nil, &fallbackError{tag: t, mediaType: d.MediaType}
	}
	return im, nil
}

// fromCosign HEADs subject's cosign tags, or looks them up in the listing.
func (f *Finder) fromCosign(ctx context.Context, repo name.Repository, s v1.Hash, tags map[string]bool) ([]Referrer, error) {
	if f.o.noCosign {
		return nil, nil
	}
	var refs []Referrer
	for _, c := range cosignSuffixes {
		t := CosignTag(repo, s, c.suffix)
		if tags != nil && !tags[t.TagStr()] {
			continue
		}
		if !f.keep(c.artifactType) {
			continue
		}
		desc, err := f.puller.Head(ctx, t)
		if isNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		d := *desc
		d.ArtifactType = c.artifactType
		refs = append(refs, Referrer{Descriptor: d, Via: ViaCosignTag, Tag: t.TagStr()})
	}
	return refs, nil
}
