package harness

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// TestAttachArtifactFallback: on the distribution registry, which has no
// referrers API, an attached artifact lands in the subject's fallback tag
// with its artifact type.
func TestAttachArtifactFallback(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := MustStartRegistry(t)
	img, err := SeedImage(ctx, r.Host()+"/app:v1")
	if err != nil {
		t.Fatal(err)
	}
	att, err := AttachArtifact(ctx, r.Host()+"/app@"+img.String(), "application/spdx+json")
	if err != nil {
		t.Fatal(err)
	}
	tag, err := name.NewTag(r.Host() + "/app:sha256-" + img.Hex)
	if err != nil {
		t.Fatal(err)
	}
	d, err := remote.Get(tag, remote.WithContext(ctx))
	if err != nil {
		t.Fatalf("fallback tag: %v", err)
	}
	var im v1.IndexManifest
	if err := json.Unmarshal(d.Manifest, &im); err != nil {
		t.Fatal(err)
	}
	if len(im.Manifests) != 1 || im.Manifests[0].Digest != att || im.Manifests[0].ArtifactType != "application/spdx+json" {
		t.Errorf("fallback index = %+v, want one entry %s of type application/spdx+json", im.Manifests, att)
	}
}

// TestAttachCosign: the cosign tag points at the artifact; a bad suffix
// is refused.
func TestAttachCosign(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := MustStartGGCRRegistry(t, false)
	img, err := SeedImage(ctx, r.Host()+"/app:v1")
	if err != nil {
		t.Fatal(err)
	}
	for _, suffix := range []string{".sig", ".att", ".sbom"} {
		sig, err := AttachCosign(ctx, r.Host()+"/app:v1", suffix)
		if err != nil {
			t.Fatal(err)
		}
		tag, _ := name.NewTag(r.Host() + "/app:sha256-" + img.Hex + suffix)
		d, err := remote.Head(tag, remote.WithContext(ctx))
		if err != nil || d.Digest != sig {
			t.Errorf("%s: HEAD %s = %v, %v; want %s", suffix, tag, d, err, sig)
		}
	}
	if _, err := AttachCosign(ctx, r.Host()+"/app:v1", ".nope"); err == nil {
		t.Error("AttachCosign accepted suffix .nope")
	}
}
