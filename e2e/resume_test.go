package e2e

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/crane-migrate/crane-migrate/e2e/harness"
)

// TestLargeLayersResumeByteExact: every source blob download of two 5 MiB
// layers breaks at 1.5, 3 and 4.5 MiB. Each is resumed with a Range at
// exactly the byte that did not arrive (not started over, not a byte
// late), no byte crosses the wire twice, and what lands at the destination
// reads back with the source's digest and size.
func TestLargeLayersResumeByteExact(t *testing.T) {
	t.Parallel()
	src, dst := harness.MustStartRegistry(t), harness.MustStartRegistry(t)
	const layerSize = 5 << 20 // above the retry layer's 1 MiB: streamed and resumed, not read whole
	tags := []string{"a", "b"}
	for _, tag := range tags {
		seedImage(t, src.Host()+"/oldorg/big:"+tag, harness.WithLayerSize(layerSize))
	}
	cut := &harness.Cutter{Offsets: []int64{3 << 19, 3 << 20, 9 << 19}}
	p := harness.MustNewProxy(t, src.URL(), harness.WithFault(cut.Fault))
	r := cli(t, nil, "repo", p.Host()+"/oldorg/big", dst.Host()+"/neworg/big", "--jobs", "2").expect(t, 0)
	if s := r.report.Summary; s.Copied != 2 || s.Verified != 2 {
		t.Fatalf("summary %+v, want 2 copied and verified", s)
	}
	wantRanges := []string{""}
	for _, o := range cut.Offsets {
		wantRanges = append(wantRanges, fmt.Sprintf("bytes=%d-", o))
	}
	ranges := cut.Ranges()
	for _, tag := range tags {
		img, err := remote.Image(mustRef(t, src.Host()+"/oldorg/big:"+tag))
		if err != nil {
			t.Fatal(err)
		}
		layers, err := img.Layers()
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range layers {
			digest, _ := l.Digest()
			size, _ := l.Size()
			if size <= cut.Offsets[len(cut.Offsets)-1] {
				t.Fatalf("layer %s is %d bytes, too small to be cut at every offset: the test proves nothing", digest, size)
			}
			path := "/v2/oldorg/big/blobs/" + digest.String()
			if d := cmp.Diff(wantRanges, ranges[path]); d != "" {
				t.Errorf("%s: Range of each GET (-want +got):\n%s", path, d)
			}
			sent := int64(0)
			for _, req := range p.Filter(func(r harness.Request) bool { return r.Kind == harness.BlobGet && r.Path == path }) {
				sent += req.BytesOut
			}
			if sent != size {
				t.Errorf("%s: %d bytes sent over all GETs, want the blob's %d: a download was started over or resumed at the wrong byte", path, sent, size)
			}
			gotDigest, gotSize := readBlob(t, dst.Host()+"/neworg/big@"+digest.String())
			if gotDigest != digest.String() || gotSize != size {
				t.Errorf("destination blob reads back as %s, %d bytes; want %s, %d", gotDigest, gotSize, digest, size)
			}
		}
	}
}

func mustRef(t *testing.T, s string) name.Reference {
	t.Helper()
	ref, err := name.ParseReference(s)
	if err != nil {
		t.Fatal(err)
	}
	return ref
}

// readBlob downloads a blob and returns the digest and size of what came.
func readBlob(t *testing.T, ref string) (string, int64) {
	t.Helper()
	d, err := name.NewDigest(ref)
	if err != nil {
		t.Fatal(err)
	}
	l, err := remote.Layer(d)
	if err != nil {
		t.Fatal(err)
	}
	rc, err := l.Compressed()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	h := sha256.New()
	n, err := io.Copy(h, rc)
	if err != nil {
		t.Fatalf("reading %s: %v", ref, err)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), n
}
