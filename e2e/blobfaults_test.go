package e2e

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/crane-migrate/crane-migrate/e2e/harness"
	"github.com/crane-migrate/crane-migrate/report"
)

// TestSourceBlobFaults: the source answers one layer's GET with bytes that
// are not the layer (same length, so only a hash tells; or another length),
// or with an error.
// The engine does not hash blobs itself; each destination registry does,
// and refuses the blob. Either way the tag fails with the blame on the
// source, for the right reason, and is not at the destination; the other
// tag is copied; a re-run from a sound source finishes the job.
func TestSourceBlobFaults(t *testing.T) {
	t.Parallel()
	distribution := func(t *testing.T) string { return harness.MustStartRegistry(t).Host() }
	sized := func(delta int64) func(int64) *harness.Fault {
		return func(size int64) *harness.Fault {
			n := size + delta
			return &harness.Fault{Status: http.StatusOK, Body: bytes.Repeat([]byte{'x'}, int(n)),
				Header: http.Header{"Content-Length": {fmt.Sprint(n)}, "Content-Type": {"application/octet-stream"}}}
		}
	}
	corrupt := sized(0)
	answer := func(status int, code string) func(int64) *harness.Fault {
		return func(int64) *harness.Fault {
			return &harness.Fault{Status: status, Header: http.Header{"Content-Type": {"application/json"}},
				Body: []byte(`{"errors":[{"code":"` + code + `","message":"from the test"}]}`)}
		}
	}
	// redirect sends the download to storage elsewhere, as registries
	// backed by S3 or a CDN do, and that storage refuses it.
	redirect := func(t *testing.T) func(int64) *harness.Fault {
		storage := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>", http.StatusForbidden)
		}))
		t.Cleanup(storage.Close)
		return func(int64) *harness.Fault {
			return &harness.Fault{Status: http.StatusTemporaryRedirect, Header: http.Header{"Location": {storage.URL + "/signed?X-Amz-Expires=1"}}}
		}
	}
	for _, tt := range []struct {
		name  string
		dst   func(t *testing.T) string
		fault func(size int64) *harness.Fault
		kind  report.Kind
		text  string
	}{
		{"corrupt bytes into distribution", distribution, corrupt, report.KindCorruptBlob, "do not match"},
		{"corrupt bytes into ggcr's registry", func(t *testing.T) string { return harness.MustStartGGCRRegistry(t, true).Host() }, corrupt, report.KindCorruptBlob, "do not match"},
		{"shorter", distribution, sized(-10), report.KindCorruptBlob, "the manifest names"},
		{"longer", distribution, sized(10), report.KindCorruptBlob, "the manifest names"},
		{"blob unknown", distribution, answer(http.StatusNotFound, "BLOB_UNKNOWN"), report.KindNotFound, "no such blob at the source"},
		{"denied", distribution, answer(http.StatusForbidden, "DENIED"), report.KindDenied, "the source registry denied access"},
		{"storage refuses", distribution, redirect(t), report.KindOther, "answered 403 Forbidden"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			src, dst := harness.MustStartRegistry(t), tt.dst(t)
			seedImage(t, src.Host()+"/oldorg/app:good")
			seedImage(t, src.Host()+"/oldorg/app:bad")
			img, err := remote.Image(mustRef(t, src.Host()+"/oldorg/app:bad"))
			if err != nil {
				t.Fatal(err)
			}
			layers, err := img.Layers()
			if err != nil {
				t.Fatal(err)
			}
			digest, _ := layers[0].Digest()
			size, _ := layers[0].Size()
			path := "/v2/oldorg/app/blobs/" + digest.String()
			p := harness.MustNewProxy(t, src.URL(), harness.WithFault(func(r *http.Request) *harness.Fault {
				if r.Method != http.MethodGet || r.URL.Path != path {
					return nil
				}
				return tt.fault(size)
			}))

			r := cli(t, nil, "repo", p.Host()+"/oldorg/app", dst+"/neworg/app").expect(t, 1)
			if s := r.statuses(); s["app:good"] != report.StatusCopied || s["app:bad"] != report.StatusFailed {
				t.Fatalf("statuses %v, want good copied and bad failed", s)
			}
			bad := r.result(t, ":bad")
			if bad.Side != report.SideSource || bad.Kind != tt.kind || !strings.Contains(bad.Error, digest.String()) || !strings.Contains(bad.Error, tt.text) {
				t.Errorf("bad: side %q, kind %q, error %q; want the source blamed for %s: %s (%s)", bad.Side, bad.Kind, bad.Error, digest, tt.text, tt.kind)
			}
			if _, err := remote.Head(mustRef(t, dst+"/neworg/app:bad")); err == nil {
				t.Error("the tag whose layer was refused is at the destination")
			}
			if strings.Contains(r.stderr+r.stdout, strings.Repeat("x", 64)) {
				t.Error("the refused bytes reached the output")
			}

			again := cli(t, nil, "repo", src.Host()+"/oldorg/app", dst+"/neworg/app").expect(t, 0)
			if s := again.statuses(); s["app:good"] != report.StatusSkipped || s["app:bad"] != report.StatusCopied {
				t.Errorf("re-run statuses %v, want good skipped and bad copied", s)
			}
		})
	}
}
