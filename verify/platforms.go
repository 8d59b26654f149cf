package verify

import (
	"slices"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// Platform renders p as os/arch[/variant].
func Platform(p *v1.Platform) string {
	if p == nil {
		return ""
	}
	s := p.OS + "/" + p.Architecture
	if p.Variant != "" {
		s += "/" + p.Variant
	}
	return s
}

// IsAttestation reports the unknown/unknown entries that BuildKit adds for
// attestations (and that a Docker Hub listing shows them as): they are not
// platforms a user runs.
func IsAttestation(p *v1.Platform) bool {
	return p != nil && p.OS == "unknown" && p.Architecture == "unknown"
}

// Platforms lists the platforms of an index, sorted, attestations left out.
func Platforms(m *v1.IndexManifest) []string {
	var out []string
	for _, d := range m.Manifests {
		if d.Platform == nil || IsAttestation(d.Platform) {
			continue
		}
		out = append(out, Platform(d.Platform))
	}
	slices.Sort(out)
	return out
}

// missing lists the platforms in want that got lacks.
func missing(want, got []string) []string {
	var out []string
	for _, p := range want {
		if !slices.Contains(got, p) {
			out = append(out, p)
		}
	}
	return out
}
