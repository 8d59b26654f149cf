package harness

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

func TestSeedIndex(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	reg := MustStartRegistry(t)
	platforms := []v1.Platform{{OS: "linux", Architecture: "amd64"}, {OS: "linux", Architecture: "arm64", Variant: "v8"}}
	tests := []struct {
		name, tag   string
		mediaType   types.MediaType
		attestation bool
		children    []types.MediaType
		platforms   []string
	}{
		{"oci", "oci", types.OCIImageIndex, false,
			[]types.MediaType{types.OCIManifestSchema1, types.OCIManifestSchema1}, []string{"linux/amd64", "linux/arm64/v8"}},
		{"docker", "docker", types.DockerManifestList, false,
			[]types.MediaType{types.DockerManifestSchema2, types.DockerManifestSchema2}, []string{"linux/amd64", "linux/arm64/v8"}},
		{"oci with attestation", "att", types.OCIImageIndex, true,
			[]types.MediaType{types.OCIManifestSchema1, types.OCIManifestSchema1, types.OCIManifestSchema1},
			[]string{"linux/amd64", "linux/arm64/v8", "unknown/unknown"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			opts := []SeedOption{}
			if tt.attestation {
				opts = append(opts, WithAttestation())
			}
			ref := reg.Host() + "/org/multi:" + tt.tag
			d, err := SeedIndex(ctx, ref, platforms, tt.mediaType, opts...)
			if err != nil {
				t.Fatal(err)
			}
			desc, err := remote.Get(mustRef(t, ref))
			if err != nil {
				t.Fatal(err)
			}
			if desc.Digest != d || desc.MediaType != tt.mediaType {
				t.Fatalf("pushed %s %s, want %s %s", desc.MediaType, desc.Digest, tt.mediaType, d)
			}
			idx, err := desc.ImageIndex()
			if err != nil {
				t.Fatal(err)
			}
			im, err := idx.IndexManifest()
			if err != nil {
				t.Fatal(err)
			}
			var children []types.MediaType
			var got []string
			for _, m := range im.Manifests {
				children = append(children, m.MediaType)
				got = append(got, m.Platform.String())
				img, err := idx.Image(m.Digest)
				if err != nil {
					t.Fatal(err)
				}
				cf, err := img.ConfigFile()
				if err != nil {
					t.Fatal(err)
				}
				if !cf.Platform().Equals(*m.Platform) {
					t.Errorf("child %s: config platform %s, descriptor %s", m.Digest, cf.Platform(), m.Platform)
				}
			}
			if d := cmp.Diff(tt.children, children); d != "" {
				t.Errorf("children media types (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tt.platforms, got); d != "" {
				t.Errorf("platforms (-want +got):\n%s", d)
			}
			if tt.attestation && im.Manifests[2].Annotations["vnd.docker.reference.digest"] != im.Manifests[0].Digest.String() {
				t.Errorf("attestation annotations %v do not point at the first image", im.Manifests[2].Annotations)
			}
		})
	}
}

func TestSeedImageOptions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	reg := MustStartRegistry(t)
	base, err := random.Layer(2048, types.DockerLayer)
	if err != nil {
		t.Fatal(err)
	}
	arm := v1.Platform{OS: "linux", Architecture: "arm", Variant: "v7"}
	tests := []struct {
		name      string
		opts      []SeedOption
		mediaType types.MediaType
		layers    int
		platform  v1.Platform
		size      int64 // of the image's own layer, compressed: random bytes barely shrink
	}{
		{"defaults", nil, types.DockerManifestSchema2, 1, DefaultPlatform, DefaultLayerSize},
		{"oci on a shared base", []SeedOption{WithImageMediaType(types.OCIManifestSchema1), WithSharedBase(base)}, types.OCIManifestSchema1, 2, DefaultPlatform, DefaultLayerSize},
		{"platform and size", []SeedOption{WithPlatform(arm), WithLayerSize(10 << 10)}, types.DockerManifestSchema2, 1, arm, 10 << 10},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ref := reg.Host() + "/org/app:" + string(rune('a'+i))
			if _, err := SeedImage(ctx, ref, tt.opts...); err != nil {
				t.Fatal(err)
			}
			img, err := remote.Image(mustRef(t, ref))
			if err != nil {
				t.Fatal(err)
			}
			m, err := img.Manifest()
			if err != nil {
				t.Fatal(err)
			}
			cf, err := img.ConfigFile()
			if err != nil {
				t.Fatal(err)
			}
			if m.MediaType != tt.mediaType || len(m.Layers) != tt.layers || !cf.Platform().Equals(tt.platform) {
				t.Errorf("got %s, %d layers, %s; want %s, %d, %s", m.MediaType, len(m.Layers), cf.Platform(), tt.mediaType, tt.layers, tt.platform)
			}
			if tt.layers == 2 {
				if bd, _ := base.Digest(); m.Layers[0].Digest != bd {
					t.Errorf("first layer %s, want the shared base %s", m.Layers[0].Digest, bd)
				}
			}
			if size := m.Layers[len(m.Layers)-1].Size; size < tt.size || size > tt.size+2048 {
				t.Errorf("own layer is %d bytes compressed, want about %d", size, tt.size)
			}
		})
	}
}

func TestTag(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	reg := MustStartRegistry(t)
	img, err := SeedImage(ctx, reg.Host()+"/org/app:v1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := SeedIndex(ctx, reg.Host()+"/org/app:multi", []v1.Platform{DefaultPlatform}, types.OCIImageIndex); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ src, dst string }{
		{"org/app:v1", "org/app:latest"},
		{"org/app:v1", "other/app:v1"},
		{"org/app:multi", "org/app:multi-again"},
		{"org/app:multi", "other/app:multi"},
		{"org/app@" + img.String(), "org/app:by-digest"},
	}
	for _, tt := range tests {
		t.Run(tt.src+" to "+tt.dst, func(t *testing.T) {
			if err := Tag(ctx, reg.Host()+"/"+tt.src, reg.Host()+"/"+tt.dst); err != nil {
				t.Fatal(err)
			}
			want, _ := remote.Head(mustRef(t, reg.Host()+"/"+tt.src))
			got, err := remote.Head(mustRef(t, reg.Host()+"/"+tt.dst))
			if err != nil || got.Digest != want.Digest {
				t.Errorf("%s is %v (%v), want %s", tt.dst, got, err, want.Digest)
			}
		})
	}
	if err := Tag(ctx, reg.Host()+"/org/app:v1", reg.Host()+"/org/app@"+img.String()); err == nil {
		t.Error("Tag accepted a digest as destination")
	}
}

func TestSeedMisuse(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// None of these reaches a registry: the port is never listened on.
	const ref = "127.0.0.1:1/org/app:v1"
	amd64 := []v1.Platform{DefaultPlatform}
	tests := []struct {
		name string
		seed func() error
	}{
		{"image media type is an index", func() error {
			_, err := SeedImage(ctx, ref, WithImageMediaType(types.OCIImageIndex))
			return err
		}},
		{"zero layer size", func() error { _, err := SeedImage(ctx, ref, WithLayerSize(0)); return err }},
		{"platform without os", func() error {
			_, err := SeedImage(ctx, ref, WithPlatform(v1.Platform{Architecture: "amd64"}))
			return err
		}},
		{"index of image type", func() error {
			_, err := SeedIndex(ctx, ref, amd64, types.OCIManifestSchema1)
			return err
		}},
		{"index without platforms", func() error {
			_, err := SeedIndex(ctx, ref, nil, types.OCIImageIndex)
			return err
		}},
		{"bad reference", func() error { _, err := SeedImage(ctx, "UPPER/case:1"); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.seed(); err == nil {
				t.Error("accepted")
			}
		})
	}
}
