package migrate

import (
	"regexp"
	"strings"

	"github.com/crane-migrate/crane-migrate/referrers"
)

// signatureTag is cosign's naming of signatures, attestations and SBOMs.
var signatureTag = regexp.MustCompile(`^sha256-[0-9a-f]{64}\.(sig|att|sbom)$`)

func isSignature(tag string) bool { return signatureTag.MatchString(tag) }

// fallbackTag is the OCI referrers tag schema's sha256-<hex>: an index of a
// subject's referrers on a registry without the referrers API. It is no
// image of its own: package referrers maintains it at the destination,
// merging, when the subject's referrers follow it.
var fallbackTag = regexp.MustCompile(`^sha256-[0-9a-f]{64}$`)

// signatureType is the artifact type a cosign tag counts as for
// --referrer-type.
func signatureType(tag string) string {
	switch {
	case strings.HasSuffix(tag, ".sig"):
		return referrers.CosignSignatureType
	case strings.HasSuffix(tag, ".att"):
		return referrers.CosignAttestationType
	}
	return referrers.CosignSBOMType
}

// signedDigest is the image digest a signature tag belongs to.
func signedDigest(tag string) string {
	hex, _, _ := strings.Cut(strings.TrimPrefix(tag, "sha256-"), ".")
	return "sha256:" + hex
}
