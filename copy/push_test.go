package copy

import (
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/crane-migrate/crane-migrate/report"
	"github.com/crane-migrate/crane-migrate/side"
)

func TestReferences(t *testing.T) {
	t.Parallel()
	d := func(c string) string { return "sha256:" + strings.Repeat(c, 64) }
	for _, tc := range []struct {
		name                 string
		raw                  string
		wantBlobs, wantChild []string
	}{
		{"image: config and layers, a repeated layer once",
			`{"config":{"digest":"` + d("a") + `"},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"` + d("b") + `"},{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"` + d("b") + `"}]}`,
			[]string{d("a"), d("b")}, nil},
		{"foreign layers stay where they are",
			`{"config":{"digest":"` + d("a") + `"},"layers":[{"mediaType":"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip","digest":"` + d("c") + `"}]}`,
			[]string{d("a")}, nil},
		{"index: children, no blobs",
			`{"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"` + d("d") + `"}]}`,
			nil, []string{d("d")}},
		{"schema 1: fsLayers",
			`{"schemaVersion":1,"fsLayers":[{"blobSum":"` + d("e") + `"},{"blobSum":"` + d("e") + `"}]}`,
			[]string{d("e")}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			blobs, children, err := references([]byte(tc.raw))
			if err != nil {
				t.Fatal(err)
			}
			digests := func(ds []v1.Descriptor) []string {
				var out []string
				for _, x := range ds {
					out = append(out, x.Digest.String())
				}
				return out
			}
			if diff := cmp.Diff(tc.wantBlobs, digests(blobs)); diff != "" {
				t.Errorf("blobs (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantChild, digests(children)); diff != "" {
				t.Errorf("children (-want +got):\n%s", diff)
			}
		})
	}
	if _, _, err := references([]byte("not json")); err == nil {
		t.Error("a manifest that is not JSON was accepted")
	}
}

// failFirstBlobPut answers the first blob upload PUT with 503 and counts
// upload requests by method.
type failFirstBlobPut struct {
	h      http.Handler
	mu     sync.Mutex
	failed bool
	n      map[string]int
}

func (f *failFirstBlobPut) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.Contains(r.URL.Path, "/blobs/uploads/") {
		f.mu.Lock()
		f.n[r.Method]++
		fail := r.Method == http.MethodPut && !f.failed
		f.failed = f.failed || fail
		f.mu.Unlock()
		if fail {
			http.Error(w, "unavailable", http.StatusServiceUnavailable)
			return
		}
	}
	f.h.ServeHTTP(w, r)
}

// TestUploadStartsOverAfterFailedPut: a streamed PUT cannot be replayed, so
// a failed one starts its upload over (POST, source read, PUT); a fresh
// destination gets one POST and one PUT per blob, no HEAD, no PATCH.
func TestUploadStartsOverAfterFailedPut(t *testing.T) {
	t.Parallel()
	quiet := registry.Logger(log.New(io.Discard, "", 0))
	src := httptest.NewServer(registry.New(quiet))
	t.Cleanup(src.Close)
	dstH := &failFirstBlobPut{h: registry.New(quiet), n: map[string]int{}}
	dst := httptest.NewServer(dstH)
	t.Cleanup(dst.Close)
	host := func(s *httptest.Server) string { return strings.TrimPrefix(s.URL, "http://") }

	img, err := random.Image(256, 2) // config + 2 layers
	if err != nil {
		t.Fatal(err)
	}
	from, _ := name.NewTag(host(src) + "/org/app:v1")
	if err := remote.Write(from, img); err != nil {
		t.Fatal(err)
	}
	to, _ := name.NewTag(host(dst) + "/new/app:v1")
	srcSide, err := side.New(t.Context(), from.Context().Registry)
	if err != nil {
		t.Fatal(err)
	}
	dstSide, err := side.New(t.Context(), to.Context().Registry, side.WithWrite(true))
	if err != nil {
		t.Fatal(err)
	}
	e, err := New(srcSide, dstSide, WithJobs(1))
	if err != nil {
		t.Fatal(err)
	}
	tasks := make(chan Task, 1)
	tasks <- Task{Source: from, Destination: to, DestinationKnown: true, DestinationNew: true}
	close(tasks)
	results := make(chan report.Result, 1)
	e.Run(t.Context(), t.Context(), tasks, results)
	close(results)
	var got []report.Result
	for r := range results {
		got = append(got, r)
	}
	if len(got) != 1 || got[0].Status != report.StatusCopied || !got[0].Verified {
		t.Fatalf("results %+v, want one copied and verified", got)
	}
	// 3 blobs: 3 POSTs and 3 PUTs, plus the failed PUT's fresh start.
	want := map[string]int{http.MethodPost: 4, http.MethodPut: 4, http.MethodDelete: 1}
	if diff := cmp.Diff(want, dstH.n); diff != "" {
		t.Errorf("upload requests (-want +got):\n%s", diff)
	}
}
