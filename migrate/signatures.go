package migrate

import (
	"regexp"
	"strings"
)

// signatureTag is cosign's naming of signatures, attestations and SBOMs.
var signatureTag = regexp.MustCompile(`^sha256-[0-9a-f]{64}\.(sig|att|sbom)$`)

func isSignature(tag string) bool { return signatureTag.MatchString(tag) }

// signedDigest is the image digest a signature tag belongs to.
func signedDigest(tag string) string {
	hex, _, _ := strings.Cut(strings.TrimPrefix(tag, "sha256-"), ".")
	return "sha256:" + hex
}
