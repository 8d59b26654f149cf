package e2e

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/crane-migrate/crane-migrate/e2e/harness"
)

// TestSameRegistryMountsEveryBlob: from one namespace to another in the same
// registry, every layer and config is mounted and no blob byte is uploaded.
func TestSameRegistryMountsEveryBlob(t *testing.T) {
	t.Parallel()
	reg := harness.MustStartRegistry(t)
	seedImage(t, reg.Host()+"/oldorg/app:v1")
	seedIndex(t, reg.Host()+"/oldorg/app:multi", types.DockerManifestList)
	p := harness.MustNewProxy(t, reg.URL())
	r := cli(t, nil, "org", p.Host()+"/oldorg", p.Host()+"/neworg").expect(t, 0)

	uploaded := int64(0)
	for _, req := range p.Requests() {
		if req.Kind == harness.BlobUploadChunk {
			uploaded += req.BytesIn
		}
	}
	mounted := 0
	for _, req := range p.Requests() {
		if req.Kind == harness.BlobMount && req.Status == http.StatusCreated {
			mounted++
		}
	}
	// v1: config + layer; the manifest list: 2 images × (config + layer).
	if mounted != 6 || uploaded != 0 || p.Counts()[harness.BlobGet] != 0 {
		t.Errorf("mounted %d blobs (want 6), uploaded %d bytes and read %d blobs (want 0)", mounted, uploaded, p.Counts()[harness.BlobGet])
	}
	if s := r.report.Summary; s.Mounts != 6 || s.BytesUploaded != 0 {
		t.Errorf("report summary says %d mounts, %d bytes uploaded", s.Mounts, s.BytesUploaded)
	}
}

// TestSharedBaseLayerMovesOnce: between two registries, a base layer shared
// by the images of several repositories is read from the source and uploaded
// once; the other destination repositories mount it from the first.
func TestSharedBaseLayerMovesOnce(t *testing.T) {
	t.Parallel()
	src, dst := harness.MustStartRegistry(t), harness.MustStartRegistry(t)
	base, err := random.Layer(1<<20, types.DockerLayer)
	if err != nil {
		t.Fatal(err)
	}
	digest, err := base.Digest()
	if err != nil {
		t.Fatal(err)
	}
	for _, repo := range []string{"a", "b", "c"} {
		seedImage(t, src.Host()+"/oldorg/"+repo+":v1", harness.WithSharedBase(base))
	}
	srcProxy, dstProxy := harness.MustNewProxy(t, src.URL()), harness.MustNewProxy(t, dst.URL())
	// The repositories are copied side by side: whichever starts the base
	// first uploads it, the others wait for it and mount it.
	cli(t, nil, "org", srcProxy.Host()+"/oldorg", dstProxy.Host()+"/neworg").expect(t, 0)

	reads := 0
	for _, req := range srcProxy.Requests() {
		if req.Kind == harness.BlobGet && strings.HasSuffix(req.Path, digest.String()) {
			reads++
		}
	}
	mounts := 0
	for _, req := range dstProxy.Requests() {
		if req.Kind == harness.BlobMount && req.Status == http.StatusCreated && strings.Contains(req.Query, url.QueryEscape(digest.String())) {
			mounts++
		}
	}
	if reads != 1 || mounts != 2 {
		t.Errorf("the shared base layer was read %d times from the source (want 1) and mounted %d times at the destination (want 2)", reads, mounts)
	}
	cli(t, nil, "verify", "--org", src.Host()+"/oldorg", dst.Host()+"/neworg").expect(t, 0)
}

// TestPushRequestBudget: each blob the destination lacks costs one POST, one
// source read and one streamed PUT; no HEAD asks first, no PATCH splits the
// upload. A destination repository that already holds a blob (under another
// tag) answers the POST's mount from itself: no read, no upload. The only
// manifest HEADs at the destination are verification's, after the PUTs, and
// each registry is pinged once for the whole run.
func TestPushRequestBudget(t *testing.T) {
	t.Parallel()
	src, dst := harness.MustStartRegistry(t), harness.MustStartRegistry(t)
	base, err := random.Layer(64<<10, types.DockerLayer)
	if err != nil {
		t.Fatal(err)
	}
	seedImage(t, src.Host()+"/oldorg/app:v1", harness.WithSharedBase(base))
	seedImage(t, src.Host()+"/oldorg/app:v2", harness.WithSharedBase(base))
	seedIndex(t, src.Host()+"/oldorg/app:multi", types.DockerManifestList)
	// v1 is already at the destination under another tag: its blobs are there.
	if err := harness.Tag(ctx, src.Host()+"/oldorg/app:v1", dst.Host()+"/neworg/app:old"); err != nil {
		t.Fatal(err)
	}
	ref, err := name.ParseReference(src.Host() + "/oldorg/app:v1")
	if err != nil {
		t.Fatal(err)
	}
	img, err := remote.Image(ref)
	if err != nil {
		t.Fatal(err)
	}
	m, err := img.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	v1Blobs := 1 + len(m.Layers)

	srcProxy, dstProxy := harness.MustNewProxy(t, src.URL()), harness.MustNewProxy(t, dst.URL())
	r := cli(t, nil, "repo", srcProxy.Host()+"/oldorg/app", dstProxy.Host()+"/neworg/app").expect(t, 0)

	n := map[string]int{}
	for _, req := range dstProxy.Requests() {
		switch {
		case req.Kind == harness.BlobMount && req.Status == http.StatusCreated:
			n["already there"]++
		case req.Kind == harness.BlobMount || req.Kind == harness.BlobUploadStart:
			n["upload started"]++
		case req.Kind == harness.BlobUploadChunk:
			n[req.Method+" upload"]++
		case req.Kind == harness.BlobHead || req.Kind == harness.ManifestHead || req.Kind == harness.ManifestPut || req.Kind == harness.Ping:
			n[string(req.Kind)]++
		}
	}
	reads := srcProxy.Counts()[harness.BlobGet]
	if got := srcProxy.Counts()[harness.Ping]; got != 1 {
		t.Errorf("source pinged %d times, want once for the whole run", got)
	}
	// multi: 2 children; 3 tags + 2 children are put, and verified.
	want := map[string]int{"already there": v1Blobs, "upload started": reads, "PUT upload": reads,
		string(harness.ManifestPut): 5, string(harness.ManifestHead): 5, string(harness.Ping): 1}
	if diff := cmp.Diff(want, n); diff != "" {
		t.Errorf("destination requests (-want +got):\n%s", diff)
	}
	if reads == 0 {
		t.Error("no blob read from the source: the test proves nothing")
	}
	if s := r.report.Summary; s.Mounts != 0 || s.Copied != 3 || s.Verified != 3 {
		t.Errorf("summary %+v: want 3 copied and verified, 0 mounts (a blob already there is not a mount)", s)
	}
}
