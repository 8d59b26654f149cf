package verify_test

import (
	"context"
	"errors"
	"io"
	"log"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/crane-migrate/crane-migrate/verify"
)

func serve(t *testing.T) string {
	t.Helper()
	s := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	t.Cleanup(s.Close)
	return strings.TrimPrefix(s.URL, "http://")
}

func ref(t *testing.T, s string) name.Reference {
	t.Helper()
	r, err := name.ParseReference(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func index(t *testing.T, platforms ...string) v1.ImageIndex {
	t.Helper()
	idx := mutate.IndexMediaType(empty.Index, types.OCIImageIndex)
	for _, p := range platforms {
		img, err := random.Image(64, 1)
		if err != nil {
			t.Fatal(err)
		}
		os, arch, _ := strings.Cut(p, "/")
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: os, Architecture: arch}}})
	}
	return idx
}

func TestCompare(t *testing.T) {
	t.Parallel()
	src, dst := serve(t), serve(t)
	full := index(t, "linux/amd64", "linux/arm64", "unknown/unknown")
	img, _ := random.Image(64, 1)
	other, _ := random.Image(64, 1)
	for r, w := range map[string]remote.Taggable{src + "/a/app:multi": full, dst + "/b/app:multi": full, src + "/a/app:img": img,
		dst + "/b/app:img": img, src + "/a/app:tampered": img, dst + "/b/app:tampered": other,
		src + "/a/app:short": full, dst + "/b/app:short": index(t, "linux/amd64"),
		// the same platforms, other images: another index, not the one copied
		src + "/a/app:rebuilt": full, dst + "/b/app:rebuilt": index(t, "linux/amd64", "linux/arm64", "unknown/unknown")} {
		var err error
		if idx, ok := w.(v1.ImageIndex); ok {
			err = remote.WriteIndex(ref(t, r), idx)
		} else {
			err = remote.Write(ref(t, r), w.(v1.Image))
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	puller, _ := remote.NewPuller()
	tests := []struct {
		tag       string
		wantErr   []error
		platforms []string
	}{
		{tag: "multi", platforms: []string{"linux/amd64", "linux/arm64"}},
		{tag: "img"},
		{tag: "tampered", wantErr: []error{verify.ErrDigestMismatch}},
		{tag: "short", wantErr: []error{verify.ErrDigestMismatch, verify.ErrPlatformMissing}, platforms: []string{"linux/amd64"}},
		{tag: "rebuilt", wantErr: []error{verify.ErrDigestMismatch}, platforms: []string{"linux/amd64", "linux/arm64"}},
		{tag: "absent", wantErr: []error{verify.ErrNotFound}},
	}
	for _, tt := range tests {
		t.Run(tt.tag, func(t *testing.T) {
			t.Parallel()
			srcTag := "multi"
			if tt.tag != "absent" {
				srcTag = tt.tag
			}
			out, err := verify.Compare(context.Background(), puller, puller, ref(t, src+"/a/app:"+srcTag), ref(t, dst+"/b/app:"+tt.tag))
			for _, want := range tt.wantErr {
				if !errors.Is(err, want) {
					t.Errorf("err = %v, want %v", err, want)
				}
			}
			if tt.wantErr == nil && err != nil {
				t.Fatalf("err = %v", err)
			}
			if d := cmp.Diff(tt.platforms, out.Platforms); d != "" {
				t.Errorf("platforms (-want +got):\n%s", d)
			}
			if tt.tag == "short" && !strings.Contains(err.Error(), "linux/arm64") {
				t.Errorf("error %q does not name the missing platform", err)
			}
		})
	}
}

func TestDestinationFindsMissingChild(t *testing.T) {
	t.Parallel()
	dst := serve(t)
	idx := index(t, "linux/amd64", "linux/arm64")
	if err := remote.WriteIndex(ref(t, dst+"/b/app:multi"), idx); err != nil {
		t.Fatal(err)
	}
	m, _ := idx.IndexManifest()
	child := ref(t, dst+"/b/app@"+m.Manifests[1].Digest.String())
	if err := remote.Delete(child); err != nil {
		t.Fatal(err)
	}
	want, _ := idx.Digest()
	puller, _ := remote.NewPuller()
	_, err := verify.Destination(context.Background(), puller, ref(t, dst+"/b/app:multi"), want, m)
	if !errors.Is(err, verify.ErrPlatformMissing) || !strings.Contains(err.Error(), "linux/arm64") {
		t.Fatalf("err = %v, want the arm64 child reported missing", err)
	}
}

// TestDestinationDigestMismatch: the check after a copy fails when the
// destination tag holds another manifest than the one pushed, an image or
// an index with the very same platforms alike.
func TestDestinationDigestMismatch(t *testing.T) {
	t.Parallel()
	dst := serve(t)
	pushed, other := index(t, "linux/amd64", "linux/arm64"), index(t, "linux/amd64", "linux/arm64")
	img, _ := random.Image(64, 1)
	if err := remote.WriteIndex(ref(t, dst+"/b/app:multi"), other); err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(ref(t, dst+"/b/app:img"), img); err != nil {
		t.Fatal(err)
	}
	want, _ := pushed.Digest()
	m, _ := pushed.IndexManifest()
	puller, _ := remote.NewPuller()
	for _, tt := range []struct {
		tag string
		idx *v1.IndexManifest
	}{{"multi", m}, {"img", nil}} {
		t.Run(tt.tag, func(t *testing.T) {
			out, err := verify.Destination(context.Background(), puller, ref(t, dst+"/b/app:"+tt.tag), want, tt.idx)
			if !errors.Is(err, verify.ErrDigestMismatch) {
				t.Fatalf("err = %v, want %v", err, verify.ErrDigestMismatch)
			}
			if out.DestinationDigest == "" || out.DestinationDigest == want.String() {
				t.Errorf("destination digest %q, want the one found there", out.DestinationDigest)
			}
		})
	}
}
