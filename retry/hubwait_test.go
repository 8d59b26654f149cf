package retry_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/crane-migrate/crane-migrate/retry"
)

// TestAPI429WaitsXRetryAfter: the Hub's older X-Retry-After (a unix time)
// is honoured like Retry-After when that is absent.
func TestAPI429WaitsXRetryAfter(t *testing.T) {
	t.Parallel()
	at := time.Now().Add(40 * time.Second).Unix()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.Header().Set("X-Retry-After", fmt.Sprint(at))
			w.WriteHeader(http.StatusTooManyRequests)
			fmt.Fprint(w, `{"detail":"Rate limit exceeded","error":false}`)
		}
	}))
	t.Cleanup(srv.Close)
	var waits []time.Duration
	rt := newRetry(t, http.DefaultTransport, retry.WithSleep(func(_ context.Context, d time.Duration) error {
		waits = append(waits, d)
		return nil
	}))
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/v2/namespaces/org/repositories", nil)
	resp, err := rt.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || n.Load() != 2 {
		t.Fatalf("status %d after %d tries, want 200 after 2", resp.StatusCode, n.Load())
	}
	// 40 s away when sent, in whole seconds: well above the 0.5 s backoff.
	if len(waits) != 1 || waits[0] < 35*time.Second || waits[0] > 41*time.Second {
		t.Errorf("waits = %v, want one of about 40s (X-Retry-After)", waits)
	}
}
