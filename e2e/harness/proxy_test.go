package harness

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// TestProxyPushAndPull pushes and pulls with go-containerregistry through the
// proxy and checks what it saw.
func TestProxyPushAndPull(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	alice := &authn.Basic{Username: "alice", Password: "alice-pw"}
	reg := MustStartRegistry(t, WithHtpasswd(map[string]string{"alice": "alice-pw"}))
	p := MustNewProxy(t, reg.URL())

	// Push: two blobs (config and layer), each POST, PATCH, PUT; then the manifest.
	d, err := SeedImage(ctx, p.Host()+"/org/app:v1", WithAuth(alice))
	if err != nil {
		t.Fatal(err)
	}
	got := p.Counts()
	if got[BlobUploadStart] != 2 || got[BlobUploadChunk] != 4 || got[ManifestPut] != 1 {
		t.Errorf("push counts %v: want 2 upload starts, 4 chunks (the registry's absolute Locations rewritten to the proxy), 1 manifest put", got)
	}
	for _, r := range p.Requests() {
		if r.Kind != Ping && r.Status != http.StatusUnauthorized && r.User != "alice" {
			t.Errorf("%s %s: user %q, want alice", r.Method, r.Path, r.User)
		}
		if r.Kind != Ping && r.Repository != "org/app" {
			t.Errorf("%s %s: repository %q, want org/app", r.Method, r.Path, r.Repository)
		}
	}
	if p.BytesIn() < DefaultLayerSize {
		t.Errorf("BytesIn = %d after pushing a %d-byte layer", p.BytesIn(), DefaultLayerSize)
	}

	// Pull: HEAD, GET manifest, GET config and layer, list tags, catalog.
	p.Reset()
	ref := mustRef(t, p.Host()+"/org/app:v1")
	opts := []remote.Option{remote.WithContext(ctx), remote.WithAuth(alice)}
	if desc, err := remote.Head(ref, opts...); err != nil || desc.Digest != d {
		t.Fatalf("HEAD: %v, %v; want %s", desc, err, d)
	}
	img, err := remote.Image(ref, opts...)
	if err != nil {
		t.Fatal(err)
	}
	layers, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	rc, err := layers[0].Compressed()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(io.Discard, rc); err != nil {
		t.Fatal(err)
	}
	rc.Close()
	if _, err := img.ConfigFile(); err != nil {
		t.Fatal(err)
	}
	if _, err := remote.List(ref.Context(), opts...); err != nil {
		t.Fatal(err)
	}
	if _, err := remote.Catalog(ctx, ref.Context().Registry, opts...); err != nil {
		t.Fatal(err)
	}
	want := map[Kind]int{ManifestHead: 1, ManifestGet: 1, BlobGet: 2, TagsList: 1, Catalog: 1}
	got = p.Counts()
	delete(got, Ping) // one per remote call and challenge: not what this test is about
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("pull counts (-want +got):\n%s", d)
	}
	if n := p.Count(ManifestGet, "org"); n != 1 {
		t.Errorf("Count(ManifestGet, org) = %d, want 1", n)
	}
	if n := p.Count(ManifestGet, "or"); n != 0 {
		t.Errorf("Count(ManifestGet, or) = %d, want 0: prefixes are whole path components", n)
	}
	if p.BytesOut() < DefaultLayerSize {
		t.Errorf("BytesOut = %d after pulling a %d-byte layer", p.BytesOut(), DefaultLayerSize)
	}
}

func TestProxyRewritesUploadLocation(t *testing.T) {
	t.Parallel()
	reg := MustStartRegistry(t)
	p := MustNewProxy(t, reg.URL())
	resp, err := http.Post(p.URL()+"/v2/org/app/blobs/uploads/", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusAccepted || !strings.HasPrefix(loc, p.URL()+"/v2/org/app/blobs/uploads/") {
		t.Errorf("POST upload: %d, Location %q; want 202 and a Location on %s", resp.StatusCode, loc, p.URL())
	}
}

func TestProxyMount(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	reg := MustStartRegistry(t)
	p := MustNewProxy(t, reg.URL())
	d, err := SeedImage(ctx, p.Host()+"/org/app:v1")
	if err != nil {
		t.Fatal(err)
	}
	p.Reset()
	if err := Tag(ctx, p.Host()+"/org/app:v1", p.Host()+"/neworg/app:v1"); err != nil {
		t.Fatal(err)
	}
	if n := p.Count(BlobMount, "neworg/app"); n != 2 {
		t.Errorf("blob mounts = %d, want 2 (config and layer); requests %+v", n, p.Requests())
	}
	desc, err := remote.Head(mustRef(t, reg.Host()+"/neworg/app:v1"))
	if err != nil || desc.Digest != d {
		t.Errorf("copied tag: %v, %v; want digest %s", desc, err, d)
	}
}

func TestProxyFaults(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	reg := MustStartRegistry(t)
	layer, err := random.Layer(64<<10, types.DockerLayer)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := SeedImage(ctx, reg.Host()+"/org/app:v1", WithSharedBase(layer)); err != nil {
		t.Fatal(err)
	}
	ld, err := layer.Digest()
	if err != nil {
		t.Fatal(err)
	}
	const cut = 1000
	p := MustNewProxy(t, reg.URL(), WithFault(func(r *http.Request) *Fault {
		switch k, _ := Classify(r); k {
		case ManifestGet:
			return &Fault{Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"7"}}, Body: []byte(`{"errors":[{"code":"TOOMANYREQUESTS"}]}`)}
		case BlobGet:
			return &Fault{CutAfter: cut}
		}
		return nil
	}))

	resp, err := http.Get(p.URL() + "/v2/org/app/manifests/v1")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "7" || !bytes.Contains(body, []byte("TOOMANYREQUESTS")) {
		t.Errorf("faulted GET: %d %v %s", resp.StatusCode, resp.Header, body)
	}

	resp, err = http.Get(p.URL() + "/v2/org/app/blobs/" + ld.String())
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if !errors.Is(err, io.ErrUnexpectedEOF) || n != cut {
		t.Errorf("cut blob: read %d bytes, %v; want %d and unexpected EOF", n, err, cut)
	}

	if got := status(t, p.URL()+"/v2/", "", ""); got != http.StatusOK {
		t.Errorf("unfaulted ping = %d", got)
	}
	var faults []string
	for _, r := range p.Requests() {
		if r.Fault {
			faults = append(faults, fmt.Sprintf("%s %d", r.Kind, r.Status))
		}
	}
	if d := cmp.Diff([]string{"manifest-get 429", "blob-get 200"}, faults); d != "" {
		t.Errorf("recorded faults (-want +got):\n%s", d)
	}
}

func TestProxyDelayAndConcurrency(t *testing.T) {
	t.Parallel()
	reg := MustStartRegistry(t)
	const delay, n = 100 * time.Millisecond, 20
	p := MustNewProxy(t, reg.URL(), WithDelay(delay))
	start := time.Now()
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := http.Get(p.URL() + "/v2/")
			if err == nil {
				resp.Body.Close()
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	if elapsed < delay || elapsed > n*delay/2 {
		t.Errorf("%d concurrent requests took %v with a %v delay each: want delayed, in parallel", n, elapsed, delay)
	}
	if got := p.Counts()[Ping]; got != n {
		t.Errorf("pings = %d, want %d", got, n)
	}
	for _, r := range p.Requests() {
		if r.Duration < delay || r.Status != http.StatusOK {
			t.Errorf("request %+v: want status 200 after at least %v", r, delay)
		}
	}
}

func TestProxyBadTarget(t *testing.T) {
	t.Parallel()
	for _, target := range []string{"", "127.0.0.1:5000", "http://"} {
		if _, err := NewProxy(target); err == nil {
			t.Errorf("NewProxy(%q) accepted a bad target", target)
		}
	}
}

func mustRef(t *testing.T, s string) name.Reference {
	t.Helper()
	r, err := name.ParseReference(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
