package pulls_test

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/crane-migrate/crane-migrate/pulls"
)

// TestGate: manifest GETs to a registry that sends a pull limit are held to
// n in flight; to one whose manifest answers carry none, once it said so,
// they are not; other requests never are.
func TestGate(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name    string
		limited bool
		path    string
		wantMax func(int32) bool
	}{
		{"pulls of a counting registry", true, "/v2/app/manifests/v1", func(n int32) bool { return n <= 2 }},
		{"pulls of a registry that counts none", false, "/v2/app/manifests/v1", func(n int32) bool { return n > 2 }},
		{"blob reads", true, "/v2/app/blobs/sha256:00", func(n int32) bool { return n > 2 }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var now, most atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n := now.Add(1)
				defer now.Add(-1)
				for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
				}
				if tt.limited {
					w.Header().Set("Ratelimit-Limit", "100;w=21600")
					w.Header().Set("Ratelimit-Remaining", "99;w=21600")
				}
				time.Sleep(50 * time.Millisecond)
			}))
			defer srv.Close()
			var q pulls.Quota
			rt := pulls.NewGate(observing{http.DefaultTransport, &q}, &q, 2)
			get := func() {
				resp, err := rt.RoundTrip(httptest.NewRequest(http.MethodGet, srv.URL+tt.path, nil).WithContext(t.Context()))
				if err != nil {
					t.Error(err)
					return
				}
				resp.Body.Close()
			}
			get() // the registry's first answer says whether it counts
			most.Store(0)
			var wg sync.WaitGroup
			for range 8 {
				wg.Add(1)
				go func() { defer wg.Done(); get() }()
			}
			wg.Wait()
			if !tt.wantMax(most.Load()) {
				t.Errorf("%d requests in flight at most", most.Load())
			}
		})
	}
}

// observing records answers into q, as the retry layer does.
type observing struct {
	inner http.RoundTripper
	q     *pulls.Quota
}

func (o observing) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := o.inner.RoundTrip(req)
	if err == nil {
		o.q.Observe(resp)
	}
	return resp, err
}
