package harness

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/static"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// cosignLayerTypes are the payload media types cosign gives the layers of
// its tag-based signatures, attestations and SBOMs.
var cosignLayerTypes = map[string]types.MediaType{
	".sig":  "application/vnd.dev.cosign.simplesigning.v1+json",
	".att":  "application/vnd.dsse.envelope.v1+json",
	".sbom": "text/spdx+json",
}

// artifactManifest is an OCI 1.1 image manifest used as an artifact.
type artifactManifest struct {
	SchemaVersion int64           `json:"schemaVersion"`
	MediaType     types.MediaType `json:"mediaType"`
	ArtifactType  string          `json:"artifactType"`
	Config        v1.Descriptor   `json:"config"`
	Layers        []v1.Descriptor `json:"layers"`
	Subject       *v1.Descriptor  `json:"subject"`
}

// AttachArtifact pushes to the subject's repository, by digest, a small
// artifact of artifactType whose subject is subjectRef (a tag or digest
// reference), as `oras attach` does, and returns its digest. The config's
// media type is artifactType too: go-containerregistry's registry reports
// that as the artifact type. On a registry without the referrers API,
// go-containerregistry's write path adds it to the fallback tag.
func AttachArtifact(ctx context.Context, subjectRef, artifactType string, opts ...SeedOption) (v1.Hash, error) {
	o, err := makeSeedOptions(opts...)
	if err != nil {
		return v1.Hash{}, err
	}
	subject, err := headSubject(ctx, subjectRef, o)
	if err != nil {
		return v1.Hash{}, err
	}
	repo := subject.repo
	layer, err := random.Layer(o.layerSize, types.MediaType("application/octet-stream"))
	if err != nil {
		return v1.Hash{}, err
	}
	config := static.NewLayer([]byte("{}"), types.MediaType(artifactType))
	m := artifactManifest{SchemaVersion: 2, MediaType: types.OCIManifestSchema1, ArtifactType: artifactType,
		Subject: &subject.desc}
	for i, l := range []v1.Layer{config, layer} {
		if err := remote.WriteLayer(repo, l, o.remote(ctx)...); err != nil {
			return v1.Hash{}, fmt.Errorf("attaching to %s: %w", subjectRef, err)
		}
		d, err := describe(l)
		if err != nil {
			return v1.Hash{}, err
		}
		if i == 0 {
			m.Config = d
		} else {
			m.Layers = []v1.Descriptor{d}
		}
	}
	return putArtifact(ctx, repo, m, o)
}

// AttachCosign pushes a cosign-style tag-based artifact for subjectRef:
// suffix ".sig", ".att" or ".sbom" gives the tag sha256-<hex><suffix> and
// the payload's media type. Such manifests have no subject; they are found
// by tag name only. It returns the artifact's digest.
func AttachCosign(ctx context.Context, subjectRef, suffix string, opts ...SeedOption) (v1.Hash, error) {
	o, err := makeSeedOptions(opts...)
	if err != nil {
		return v1.Hash{}, err
	}
	layerType, ok := cosignLayerTypes[suffix]
	if !ok {
		return v1.Hash{}, fmt.Errorf("attaching to %s: %q is not a cosign tag suffix", subjectRef, suffix)
	}
	subject, err := headSubject(ctx, subjectRef, o)
	if err != nil {
		return v1.Hash{}, err
	}
	payload, err := json.Marshal(map[string]any{"critical": map[string]any{
		"image": map[string]string{"docker-manifest-digest": subject.desc.Digest.String()}},
		"optional": map[string]string{"nonce": randomHex()}})
	if err != nil {
		return v1.Hash{}, err
	}
	base := mutate.ConfigMediaType(mutate.MediaType(empty.Image, types.OCIManifestSchema1), types.OCIConfigJSON)
	img, err := mutate.AppendLayers(base, static.NewLayer(payload, layerType))
	if err != nil {
		return v1.Hash{}, err
	}
	d := subject.desc.Digest
	tag := subject.repo.Tag(d.Algorithm + "-" + d.Hex + suffix)
	return push(ctx, tag.String(), img, o)
}

// subjectInfo is a subject's repository and its bare descriptor.
type subjectInfo struct {
	repo name.Repository
	desc v1.Descriptor
}

// headSubject HEADs ref for the descriptor a subject field carries.
func headSubject(ctx context.Context, ref string, o *seedOptions) (subjectInfo, error) {
	r, err := name.ParseReference(ref)
	if err != nil {
		return subjectInfo{}, fmt.Errorf("parsing reference %q: %w", ref, err)
	}
	d, err := remote.Head(r, o.remote(ctx)...)
	if err != nil {
		return subjectInfo{}, fmt.Errorf("attaching to %s: %w", ref, err)
	}
	return subjectInfo{repo: r.Context(), desc: v1.Descriptor{MediaType: d.MediaType, Digest: d.Digest, Size: d.Size}}, nil
}

func describe(l v1.Layer) (v1.Descriptor, error) {
	d, err := l.Digest()
	if err != nil {
		return v1.Descriptor{}, err
	}
	sz, err := l.Size()
	if err != nil {
		return v1.Descriptor{}, err
	}
	mt, err := l.MediaType()
	if err != nil {
		return v1.Descriptor{}, err
	}
	return v1.Descriptor{MediaType: mt, Digest: d, Size: sz}, nil
}

// putArtifact PUTs m by digest through go-containerregistry's write path.
func putArtifact(ctx context.Context, repo name.Repository, m artifactManifest, o *seedOptions) (v1.Hash, error) {
	raw, err := json.Marshal(m)
	if err != nil {
		return v1.Hash{}, err
	}
	h, _, err := v1.SHA256(bytes.NewReader(raw))
	if err != nil {
		return v1.Hash{}, err
	}
	if err := remote.Put(repo.Digest(h.String()), rawArtifact(raw), o.remote(ctx)...); err != nil {
		return v1.Hash{}, fmt.Errorf("pushing artifact to %s: %w", repo, err)
	}
	return h, nil
}

// rawArtifact is an artifact manifest ready to PUT.
type rawArtifact []byte

func (r rawArtifact) RawManifest() ([]byte, error)        { return r, nil }
func (r rawArtifact) MediaType() (types.MediaType, error) { return types.OCIManifestSchema1, nil }
