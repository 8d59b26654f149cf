package harness

import (
	"encoding/json"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/static"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// inTotoType is the media type of an in-toto statement layer.
const inTotoType types.MediaType = "application/vnd.in-toto+json"

// AttestationPlatform is the platform BuildKit gives attestation manifests in
// an index: unknown/unknown.
var AttestationPlatform = v1.Platform{OS: "unknown", Architecture: "unknown"}

// attestationFor builds an attestation manifest for subject the way BuildKit
// does: an OCI image whose layer is an in-toto statement, listed in the index
// with platform unknown/unknown and annotations pointing at the subject.
func attestationFor(subject v1.Image) (mutate.IndexAddendum, error) {
	d, err := subject.Digest()
	if err != nil {
		return mutate.IndexAddendum{}, err
	}
	stmt, err := json.Marshal(map[string]any{
		"_type":         "https://in-toto.io/Statement/v0.1",
		"predicateType": "https://spdx.dev/Document",
		"subject":       []map[string]any{{"name": "harness", "digest": map[string]string{d.Algorithm: d.Hex}}},
		"predicate":     map[string]any{},
	})
	if err != nil {
		return mutate.IndexAddendum{}, err
	}
	base := mutate.ConfigMediaType(mutate.MediaType(empty.Image, types.OCIManifestSchema1), types.OCIConfigJSON)
	img, err := mutate.AppendLayers(base, static.NewLayer(stmt, inTotoType))
	if err != nil {
		return mutate.IndexAddendum{}, err
	}
	if img, err = withPlatform(img, AttestationPlatform); err != nil {
		return mutate.IndexAddendum{}, err
	}
	p := AttestationPlatform
	return mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{
		Platform: &p,
		Annotations: map[string]string{
			"vnd.docker.reference.digest": d.String(),
			"vnd.docker.reference.type":   "attestation-manifest",
		},
	}}, nil
}
