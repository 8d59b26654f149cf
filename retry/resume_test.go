package retry_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/crane-migrate/crane-migrate/retry"
)

// cutWriter sends a response until the byte at offset cut of the whole body
// would go out, then drops the connection.
type cutWriter struct {
	http.ResponseWriter
	left int64
}

func (w *cutWriter) Write(p []byte) (int, error) {
	if int64(len(p)) > w.left {
		p = p[:w.left]
	}
	n, _ := w.ResponseWriter.Write(p)
	w.left -= int64(n)
	w.ResponseWriter.(http.Flusher).Flush() // what was written arrives before the cut
	if w.left == 0 {
		panic(http.ErrAbortHandler)
	}
	return n, nil
}

// TestLargeDownloadResumesWhereItBroke: a body above the 1 MiB threshold
// that breaks at 1.5 MiB and again at 3 MiB is resumed with a Range at
// exactly the byte that did not arrive, and reads back byte for byte.
func TestLargeDownloadResumesWhereItBroke(t *testing.T) {
	t.Parallel()
	data := make([]byte, 4<<20+123)
	r := rand.NewChaCha8([32]byte{1})
	_, _ = r.Read(data)
	cuts := []int64{3 << 19, 3 << 20}
	var (
		mu     sync.Mutex
		ranges []string
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		mu.Lock()
		i := len(ranges)
		ranges = append(ranges, req.Header.Get("Range"))
		mu.Unlock()
		if i < len(cuts) {
			var start int64
			fmt.Sscanf(req.Header.Get("Range"), "bytes=%d-", &start)
			w = &cutWriter{ResponseWriter: w, left: cuts[i] - start}
		}
		http.ServeContent(w, req, "blob", time.Time{}, bytes.NewReader(data))
	}))
	t.Cleanup(srv.Close)
	rt := newRetry(t, http.DefaultTransport, retry.WithSleep(func(context.Context, time.Duration) error { return nil }))
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/v2/org/app/blobs/sha256:x", nil)
	resp, err := rt.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatalf("reading the body: %v", err)
	}
	if !bytes.Equal(got, data) {
		t.Fatalf("read %d bytes, want the %d sent, byte for byte", len(got), len(data))
	}
	want := []string{"", fmt.Sprintf("bytes=%d-", cuts[0]), fmt.Sprintf("bytes=%d-", cuts[1])}
	mu.Lock()
	defer mu.Unlock()
	if d := cmp.Diff(want, ranges); d != "" {
		t.Errorf("Range headers (-want +got):\n%s", d)
	}
}

// TestShortSmallBodyIsRetried: a body under the threshold is read whole
// before the answer is handed on, so a connection that breaks after none
// or part of it is a transient failure, retried, and the caller reads the
// whole body of the next answer.
func TestShortSmallBodyIsRetried(t *testing.T) {
	t.Parallel()
	for _, cut := range []int64{0, 700} {
		t.Run(fmt.Sprint("cut at ", cut), func(t *testing.T) {
			t.Parallel()
			data := bytes.Repeat([]byte("0123456789abcdef"), 100)
			var calls atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
				if calls.Add(1) == 1 {
					w.Header().Set("Content-Length", fmt.Sprint(len(data)))
					w.WriteHeader(http.StatusOK)
					w.(http.Flusher).Flush()
					w = &cutWriter{ResponseWriter: w, left: cut}
					if cut == 0 {
						panic(http.ErrAbortHandler)
					}
				}
				_, _ = w.Write(data)
			}))
			t.Cleanup(srv.Close)
			rt := newRetry(t, http.DefaultTransport, retry.WithSleep(func(context.Context, time.Duration) error { return nil }))
			req, _ := http.NewRequest(http.MethodGet, srv.URL+"/v2/org/app/manifests/v1", nil)
			resp, err := rt.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if !bytes.Equal(got, data) || calls.Load() != 2 {
				t.Errorf("read %d bytes in %d requests, want the %d sent after one retry", len(got), calls.Load(), len(data))
			}
		})
	}
}
