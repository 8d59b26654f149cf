package retry_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/crane-migrate/crane-migrate/pulls"
	"github.com/crane-migrate/crane-migrate/retry"
)

type answer struct {
	status int
	header http.Header
	body   string
}

// script serves answers in order, then 200 OK.
func script(t *testing.T, answers ...answer) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		i := int(n.Add(1)) - 1
		if i < len(answers) {
			for k, v := range answers[i].header {
				w.Header()[k] = v
			}
			w.WriteHeader(answers[i].status)
			fmt.Fprint(w, answers[i].body)
			return
		}
		fmt.Fprintf(w, "ok %s", body)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func TestRetries(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		answers    []answer
		wantStatus int
		wantTries  int32
		wantWaits  []time.Duration // exact waits, where they are not jittered
	}{
		{name: "503 twice then ok", answers: []answer{{status: 503}, {status: 503}}, wantStatus: 200, wantTries: 3},
		{name: "408 and 502", answers: []answer{{status: 408}, {status: 502}}, wantStatus: 200, wantTries: 3},
		{name: "api 429 waits Retry-After", answers: []answer{{status: 429, header: http.Header{"Retry-After": {"7"}}, body: `{"detail":"Rate limit exceeded","error":false}`}},
			wantStatus: 200, wantTries: 2, wantWaits: []time.Duration{7 * time.Second}},
		{name: "pull limit is not retried", answers: []answer{{status: 429, body: `{"errors":[{"code":"TOOMANYREQUESTS","message":"You have reached your pull rate limit"}]}`}},
			wantStatus: 429, wantTries: 1},
		{name: "404 is final", answers: []answer{{status: 404}}, wantStatus: 404, wantTries: 1},
		{name: "gives up after attempts", answers: []answer{{status: 500}, {status: 500}, {status: 500}, {status: 500}, {status: 500}, {status: 500}},
			wantStatus: 500, wantTries: 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, n := script(t, tt.answers...)
			var waits []time.Duration
			rt := newRetry(t, http.DefaultTransport, retry.WithSleep(func(_ context.Context, d time.Duration) error {
				waits = append(waits, d)
				return nil
			}))
			req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader("payload"))
			resp, err := rt.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.wantStatus || n.Load() != tt.wantTries {
				t.Fatalf("status %d after %d tries, want %d after %d", resp.StatusCode, n.Load(), tt.wantStatus, tt.wantTries)
			}
			if resp.StatusCode == 200 && string(body) != "ok payload" {
				t.Errorf("body replayed as %q", body)
			}
			if tt.name == "pull limit is not retried" && !strings.Contains(string(body), "TOOMANYREQUESTS") {
				t.Errorf("peeked body not restored: %q", body)
			}
			if tt.wantWaits != nil && fmt.Sprint(waits) != fmt.Sprint(tt.wantWaits) {
				t.Errorf("waits = %v, want %v", waits, tt.wantWaits)
			}
			for _, w := range waits {
				if w > 4*retry.DefaultMax {
					t.Errorf("wait %v over the cap", w)
				}
			}
		})
	}
}

func TestBackoffGrowsWithJitter(t *testing.T) {
	t.Parallel()
	srv, _ := script(t, answer{status: 503}, answer{status: 503}, answer{status: 503}, answer{status: 503})
	var waits []time.Duration
	rt := newRetry(t, http.DefaultTransport, retry.WithSleep(func(_ context.Context, d time.Duration) error {
		waits = append(waits, d)
		return nil
	}))
	req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
	resp, err := rt.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for i, w := range waits {
		nominal := retry.DefaultBase << i
		if w < nominal*3/4 || w > nominal*5/4 {
			t.Errorf("wait %d = %v, want %v ±25%%", i, w, nominal)
		}
	}
	if len(waits) != 4 {
		t.Errorf("%d waits, want 4", len(waits))
	}
}

func TestContextCancelStopsWaiting(t *testing.T) {
	t.Parallel()
	srv, n := script(t, answer{status: 503}, answer{status: 503})
	rt := newRetry(t, http.DefaultTransport, retry.WithBackoff(time.Hour, time.Hour))
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	start := time.Now()
	_, err := rt.RoundTrip(req)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want deadline exceeded", err)
	}
	if time.Since(start) > 10*time.Second || n.Load() != 1 {
		t.Errorf("waited %v over %d tries; cancellation was not honoured", time.Since(start), n.Load())
	}
}

func TestConnectionErrorsRetried(t *testing.T) {
	t.Parallel()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			hj, _ := w.(http.Hijacker)
			c, _, _ := hj.Hijack()
			c.Close() // reset mid-request
			return
		}
		fmt.Fprint(w, "ok")
	}))
	defer srv.Close()
	rt := newRetry(t, http.DefaultTransport, retry.WithSleep(func(context.Context, time.Duration) error { return nil }))
	req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
	resp, err := rt.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if n.Load() != 2 {
		t.Errorf("tries = %d, want 2", n.Load())
	}
}

func TestDefaults(t *testing.T) {
	t.Parallel()
	if retry.DefaultAttempts != 5 || retry.DefaultBase != 500*time.Millisecond || retry.DefaultMax != 30*time.Second {
		t.Error("defaults changed: update the README's reliability section with them")
	}
}

func TestTLSToPlainHTTPIsNotRetried(t *testing.T) {
	t.Parallel()
	srv, n := script(t)
	rt := newRetry(t, http.DefaultTransport, retry.WithSleep(func(context.Context, time.Duration) error {
		t.Error("waited to retry a TLS mismatch")
		return nil
	}))
	req, _ := http.NewRequest(http.MethodGet, strings.Replace(srv.URL, "http://", "https://", 1), nil)
	if _, err := rt.RoundTrip(req); err == nil {
		t.Fatal("https to a plain server succeeded")
	}
	if n.Load() != 0 {
		t.Errorf("server saw %d requests", n.Load())
	}
}

func TestQuotaReadsPullLimitHeaders(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ratelimit-limit", "100;w=21600")
		w.Header().Set("ratelimit-remaining", "76;w=21600")
	}))
	defer srv.Close()
	var q pulls.Quota
	rt := newRetry(t, http.DefaultTransport, retry.WithQuota(&q))
	req, _ := http.NewRequest(http.MethodHead, srv.URL+"/v2/org/app/manifests/v1", nil)
	resp, err := rt.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	got, ok := q.For(strings.TrimPrefix(srv.URL, "http://"))
	if !ok || got != (pulls.Limit{Limit: 100, Remaining: 76, Window: 6 * time.Hour}) {
		t.Errorf("quota = %+v, %v", got, ok)
	}
	if _, ok := q.For("elsewhere:5000"); ok {
		t.Error("a host that sent no headers has a quota")
	}
}

func TestPacesBySpentAPILimit(t *testing.T) {
	t.Parallel()
	reset := time.Now().Add(20 * time.Second).Unix()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		left := 1 - int(n.Add(1)) // the first answer says 0 remain
		w.Header().Set("X-RateLimit-Limit", "180")
		w.Header().Set("X-RateLimit-Remaining", fmt.Sprint(max(left, 0)))
		w.Header().Set("X-RateLimit-Reset", fmt.Sprint(reset))
	}))
	defer srv.Close()
	var q pulls.Quota
	var waits []time.Duration
	rt := newRetry(t, http.DefaultTransport, retry.WithQuota(&q), retry.WithSleep(func(_ context.Context, d time.Duration) error {
		waits = append(waits, d)
		return nil
	}))
	for range 2 {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/v2/namespaces/org/repositories", nil)
		resp, err := rt.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if len(waits) != 1 || waits[0] < 15*time.Second || waits[0] > 21*time.Second {
		t.Errorf("waits = %v, want one wait of about 20s before the second request", waits)
	}
}

// newRetry is retry.New for a test: options that fail end it.
func newRetry(t testing.TB, inner http.RoundTripper, opts ...retry.Option) *retry.Transport {
	t.Helper()
	rt, err := retry.New(inner, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return rt
}
