package harness

import (
	"context"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
)

// TestGGCRRegistryReferrers: the referrers API answers only when asked
// for, and middleware sees the requests.
func TestGGCRRegistryReferrers(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		referrers bool
		want      int
	}{{true, http.StatusOK}, {false, http.StatusNotFound}} {
		t.Run(fmt.Sprintf("referrers=%v", tc.referrers), func(t *testing.T) {
			t.Parallel()
			var seen atomic.Int64
			r := MustStartGGCRRegistry(t, tc.referrers, WithMiddleware(func(next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
					seen.Add(1)
					next.ServeHTTP(w, req)
				})
			}))
			d, err := SeedImage(context.Background(), r.Host()+"/app:v1")
			if err != nil {
				t.Fatal(err)
			}
			resp, err := http.Get("http://" + r.Host() + "/v2/app/referrers/" + d.String())
			if err != nil {
				t.Fatal(err)
			}
			_ = resp.Body.Close()
			if resp.StatusCode != tc.want {
				t.Errorf("referrers answered %d, want %d", resp.StatusCode, tc.want)
			}
			if seen.Load() == 0 {
				t.Error("middleware saw no request")
			}
			if err := r.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
			if err := r.Close(); err != nil {
				t.Errorf("second Close: %v", err)
			}
		})
	}
}
