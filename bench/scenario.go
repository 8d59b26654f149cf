package main

import (
	"context"
	"fmt"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/crane-migrate/crane-migrate/e2e/harness"
)

// seed fills host/oldorg with the scenario: every image on one shared base
// layer, a share of multi-arch indexes, a share of tags that repeat an
// earlier tag's digest. It returns the number of tags and unique manifests.
func seed(ctx context.Context, host string, c config) (tags, manifests int, err error) {
	base, err := random.Layer(256<<10, types.DockerLayer)
	if err != nil {
		return 0, 0, err
	}
	opts := []harness.SeedOption{harness.WithSharedBase(base), harness.WithLayerSize(c.layer)}
	platforms := []v1.Platform{{OS: "linux", Architecture: "amd64"}, {OS: "linux", Architecture: "arm64", Variant: "v8"}}
	var realistic *realisticSeeder
	if c.realistic {
		if realistic, err = newRealisticSeeder(); err != nil {
			return 0, 0, err
		}
	}
	for r := range c.repos {
		for i := range c.tags {
			ref := fmt.Sprintf("%s/oldorg/app%d:t%02d", host, r, i)
			// Deterministic shares: tag i is shared when it falls in the
			// shared fraction, an index when in the multi-arch fraction.
			switch {
			case i > 0 && frac(i, c.shared, 0):
				err = harness.Tag(ctx, fmt.Sprintf("%s/oldorg/app%d:t%02d", host, r, i-1), ref)
			case realistic != nil:
				err = realistic.seed(ctx, ref)
				manifests++
			case frac(i, c.multiArch, 1):
				_, err = harness.SeedIndex(ctx, ref, platforms, types.OCIImageIndex, opts...)
				manifests += 1 + len(platforms)
			default:
				_, err = harness.SeedImage(ctx, ref, opts...)
				manifests++
			}
			if err == nil && frac(i, c.attached, 2) {
				err = attach(ctx, ref)
			}
			if err != nil {
				return 0, 0, err
			}
			tags++
		}
	}
	return tags, manifests, nil
}

// frac spreads a share p evenly over tag numbers, with an offset so that
// two shares do not pick the same tags.
func frac(i int, p float64, offset int) bool {
	if p <= 0 {
		return false
	}
	step := int(1/p + 0.5)
	return (i+offset)%step == 0
}

// attach gives ref's image an SBOM and a signature of that SBOM by subject,
// as `oras attach` and cosign v3 do (on a registry without the referrers
// API, the fallback tag sha256-<hex> lists them).
func attach(ctx context.Context, ref string) error {
	sbom, err := harness.AttachArtifact(ctx, ref, "application/spdx+json")
	if err != nil {
		return err
	}
	r, err := name.ParseReference(ref)
	if err != nil {
		return err
	}
	_, err = harness.AttachArtifact(ctx, r.Context().Digest(sbom.String()).String(), "application/vnd.dev.sigstore.bundle.v0.3+json")
	return err
}
