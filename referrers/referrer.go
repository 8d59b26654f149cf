package referrers

import (
	"sort"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// Via says where a referrer was found, which is also how it must be
// written: an API or fallback-tag referrer is indexed by its subject, a
// cosign-tag referrer is found by its tag name only.
type Via string

// The forms a registry stores referrers in.
const (
	ViaAPI         Via = "api"
	ViaFallbackTag Via = "fallback-tag"
	ViaCosignTag   Via = "cosign-tag"
)

// Artifact types given to cosign-tag referrers, whose tags carry none: the
// names cosign itself uses in its OCI 1.1 mode, so one filter covers both.
const (
	CosignSignatureType   = "application/vnd.dev.cosign.artifact.sig.v1+json"
	CosignAttestationType = "application/vnd.dev.cosign.artifact.att.v1+json"
	CosignSBOMType        = "application/vnd.dev.cosign.artifact.sbom.v1+json"
)

// cosignSuffixes maps cosign's tag suffixes to their artifact types, in the
// order Find asks for them.
var cosignSuffixes = []struct{ suffix, artifactType string }{
	{".sig", CosignSignatureType},
	{".att", CosignAttestationType},
	{".sbom", CosignSBOMType},
}

// Referrer is one manifest attached to Subject.
type Referrer struct {
	Subject    v1.Hash
	Descriptor v1.Descriptor // digest, mediaType, artifactType, size, annotations
	Via        Via
	Tag        string // the cosign tag (sha256-<hex>.sig), else ""
	Depth      int    // 1: attached to the image; 2: to a depth-1 referrer; …
}

// sortReferrers orders by depth, then digest, then tag, so a referrer's
// subject always comes before it and results compare stably.
func sortReferrers(rs []Referrer) {
	sort.SliceStable(rs, func(i, j int) bool {
		a, b := rs[i], rs[j]
		if a.Depth != b.Depth {
			return a.Depth < b.Depth
		}
		if a.Descriptor.Digest != b.Descriptor.Digest {
			return a.Descriptor.Digest.String() < b.Descriptor.Digest.String()
		}
		return a.Tag < b.Tag
	})
}
