package e2e

import (
	"context"
	"testing"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

var (
	amd64 = v1.Platform{OS: "linux", Architecture: "amd64"}
	arm64 = v1.Platform{OS: "linux", Architecture: "arm64", Variant: "v8"}
	ctx   = context.Background()
)

type seedOptions struct{ remote []remote.Option }

type seedOption func(*seedOptions)

func withAuth(a authn.Authenticator) seedOption {
	return func(o *seedOptions) { o.remote = append(o.remote, remote.WithAuth(a)) }
}

func seedOpts(opts []seedOption) []remote.Option {
	o := seedOptions{remote: []remote.Option{remote.WithContext(ctx), remote.WithTransport(insecureClient.Transport)}}
	for _, opt := range opts {
		opt(&o)
	}
	return o.remote
}

// image is a small random image for platform p, in Docker or OCI media types.
func image(t *testing.T, p v1.Platform, oci bool) v1.Image {
	t.Helper()
	img, err := random.Image(512, 1)
	if err != nil {
		t.Fatal(err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cf.OS, cf.Architecture, cf.Variant = p.OS, p.Architecture, p.Variant
	if img, err = mutate.ConfigFile(img, cf); err != nil {
		t.Fatal(err)
	}
	if oci {
		img = mutate.MediaType(mutate.ConfigMediaType(img, types.OCIConfigJSON), types.OCIManifestSchema1)
	}
	return img
}

// seedImage pushes a small random linux/amd64 image to ref.
func seedImage(t *testing.T, ref string, opts ...seedOption) v1.Hash {
	t.Helper()
	img := image(t, amd64, false)
	r, err := name.ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(r, img, seedOpts(opts)...); err != nil {
		t.Fatalf("seeding %s: %v", ref, err)
	}
	d, _ := img.Digest()
	return d
}

// seedIndex pushes an index (OCI or Docker manifest list) of images for
// linux/amd64 and linux/arm64/v8, plus an attestation manifest when mt is OCI.
func seedIndex(t *testing.T, ref string, mt types.MediaType, opts ...seedOption) v1.Hash {
	t.Helper()
	return seedPlatforms(t, ref, mt, []v1.Platform{amd64, arm64}, opts...)
}

func seedPlatforms(t *testing.T, ref string, mt types.MediaType, platforms []v1.Platform, opts ...seedOption) v1.Hash {
	t.Helper()
	oci := mt == types.OCIImageIndex
	idx := mutate.IndexMediaType(empty.Index, mt)
	for _, p := range platforms {
		p := p
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{Add: image(t, p, oci), Descriptor: v1.Descriptor{Platform: &p}})
	}
	if oci { // BuildKit's attestation manifest: unknown/unknown, never a platform
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{Add: image(t, v1.Platform{}, true),
			Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "unknown", Architecture: "unknown"}}})
	}
	r, err := name.ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.WriteIndex(r, idx, seedOpts(opts)...); err != nil {
		t.Fatalf("seeding %s: %v", ref, err)
	}
	d, _ := idx.Digest()
	return d
}

// tagRef puts src's manifest under dst too (tags sharing a digest).
func tagRef(t *testing.T, src, dst string, opts ...seedOption) {
	t.Helper()
	s, err := name.ParseReference(src)
	if err != nil {
		t.Fatal(err)
	}
	d, err := name.NewTag(dst)
	if err != nil {
		t.Fatal(err)
	}
	desc, err := remote.Get(s, seedOpts(opts)...)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Tag(d, desc, seedOpts(opts)...); err != nil {
		t.Fatal(err)
	}
}
