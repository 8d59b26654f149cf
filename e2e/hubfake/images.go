package hubfake

import (
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// unknown is the os and architecture of attestation manifests.
const unknown = "unknown"

// images is a tag's images[]: one entry per manifest of an index (attestations
// as unknown/unknown), or the image itself; none for other artifacts. Sizes
// are the sum of the compressed layers; each image was pushed and pulled
// with its tag (pulledAt nil: never).
func images(desc *remote.Descriptor, pushedAt string, pulledAt *string) ([]image, error) {
	out := []image{}
	switch {
	case desc.MediaType.IsIndex():
		idx, err := desc.ImageIndex()
		if err != nil {
			return nil, err
		}
		im, err := idx.IndexManifest()
		if err != nil {
			return nil, err
		}
		for _, m := range im.Manifests {
			if !m.MediaType.IsImage() {
				continue
			}
			img, err := idx.Image(m.Digest)
			if err != nil {
				return nil, err
			}
			e, err := imageEntry(img, m.Digest, platformOf(m), pushedAt, pulledAt)
			if err != nil {
				return nil, err
			}
			out = append(out, e)
		}
	case desc.MediaType.IsImage():
		img, err := desc.Image()
		if err != nil {
			return nil, err
		}
		e, err := imageEntry(img, desc.Digest, nil, pushedAt, pulledAt)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// platformOf is an index entry's platform, unknown/unknown for a BuildKit
// attestation without one, nil when the image's config must tell.
func platformOf(d v1.Descriptor) *v1.Platform {
	if d.Platform != nil {
		return d.Platform
	}
	if d.Annotations["vnd.docker.reference.type"] == "attestation-manifest" {
		return &v1.Platform{OS: unknown, Architecture: unknown}
	}
	return nil
}

func imageEntry(img v1.Image, digest v1.Hash, p *v1.Platform, pushedAt string, pulledAt *string) (image, error) {
	m, err := img.Manifest()
	if err != nil {
		return image{}, err
	}
	if p == nil {
		// A config that is not an image config (an artifact) leaves the platform empty.
		if cf, err := img.ConfigFile(); err == nil {
			p = cf.Platform()
		}
	}
	if p == nil {
		p = &v1.Platform{}
	}
	e := image{Architecture: p.Architecture, OS: p.OS, Digest: digest.String(), Status: "active", LastPushed: pushedAt, LastPulled: pulledAt}
	if p.Variant != "" {
		v := p.Variant
		e.Variant = &v
	}
	for _, l := range m.Layers {
		e.Size += l.Size
	}
	return e, nil
}
