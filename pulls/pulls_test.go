package pulls_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"

	"github.com/crane-migrate/crane-migrate/pulls"
)

func TestIsLimit(t *testing.T) {
	t.Parallel()
	req := func(host string) *http.Request { return &http.Request{URL: &url.URL{Host: host}} }
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"429 from the source", &transport.Error{StatusCode: 429, Request: req("src:5000")}, true},
		{"TOOMANYREQUESTS code", &transport.Error{StatusCode: 400, Request: req("src:5000"),
			Errors: []transport.Diagnostic{{Code: transport.TooManyRequestsErrorCode}}}, true},
		{"429 from the destination is not the source's limit", &transport.Error{StatusCode: 429, Request: req("dst:5000")}, false},
		{"wrapped sentinel", fmt.Errorf("x: %w", pulls.ErrLimit), true},
		{"other", errors.New("429"), false},
	}
	for _, tt := range tests {
		if got := pulls.IsLimit(tt.err, "src:5000"); got != tt.want {
			t.Errorf("%s: IsLimit = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestPlanCountsEachManifestOnce(t *testing.T) {
	t.Parallel()
	var p pulls.Plan
	p.Add("r@sha256:a", false, 0)
	p.Add("r@sha256:a", false, 0) // the same digest under another tag
	p.Add("r@sha256:b", true, 3)  // an index of 3
	p.Add("r@sha256:c", true, 0)  // an index whose children no listing counted
	if n, unknown := p.Needed(); n != 6 || unknown != 1 {
		t.Errorf("Needed() = %d, %d; want 6, 1", n, unknown)
	}
}

// TestProbeReadsHeadersFromAHead: the quota is learnt with a HEAD, which is
// not a pull, and read from its own answer.
func TestProbeReadsHeadersFromAHead(t *testing.T) {
	t.Parallel()
	var methods []string
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		methods = append(methods, r.Method)
		w.Header().Set("Ratelimit-Limit", "100;w=21600")
		w.Header().Set("Ratelimit-Remaining", "76;w=21600")
	}))
	t.Cleanup(s.Close)
	ref, err := name.ParseReference(strings.TrimPrefix(s.URL, "http://") + "/org/app:v1")
	if err != nil {
		t.Fatal(err)
	}
	l, ok, err := pulls.Probe(t.Context(), http.DefaultTransport, ref)
	if err != nil || !ok {
		t.Fatalf("Probe: %v, %v", ok, err)
	}
	if want := (pulls.Limit{Limit: 100, Remaining: 76, Window: 6 * time.Hour}); l != want {
		t.Errorf("Probe = %+v, want %+v", l, want)
	}
	if len(methods) != 1 || methods[0] != http.MethodHead {
		t.Errorf("requests %v, want one HEAD", methods)
	}
}

func TestDelay(t *testing.T) {
	t.Parallel()
	var q pulls.Quota
	if d := q.Delay("h"); d != pulls.DefaultWait {
		t.Errorf("Delay with nothing reported = %v, want %v", d, pulls.DefaultWait)
	}
	rec := httptest.NewRecorder()
	rec.Header().Set("Ratelimit-Limit", "100;w=21600")
	rec.Header().Set("Ratelimit-Remaining", "0;w=21600")
	resp := rec.Result()
	resp.Request = &http.Request{URL: &url.URL{Host: "h"}}
	q.Observe(resp)
	if d := q.Delay("h"); d != 216*time.Second {
		t.Errorf("Delay = %v, want one pull's share of the window (216s)", d)
	}
}

// TestAPIWindowKeepsOurCount: within a window, an answer written before
// the requests still in flight does not give back what Pause already let
// go; a new window does.
func TestAPIWindowKeepsOurCount(t *testing.T) {
	t.Parallel()
	var q pulls.Quota
	now := time.Now()
	reset := now.Add(time.Minute).Truncate(time.Second)
	answer := func(remaining int, reset time.Time) { observeAPI(&q, 20, remaining, reset) }
	answer(12, reset)
	for range 2 {
		if d := q.Pause("hub", now); d != 0 {
			t.Fatalf("Pause = %v with requests left", d)
		}
	}
	answer(11, reset) // written before the second request arrived
	if !q.APIShort("hub", now) {
		t.Error("the window's own count (10) was overwritten by a stale answer (11): want it short at its reserve of 10")
	}
	answer(20, reset.Add(time.Minute))
	if q.APIShort("hub", now) {
		t.Error("a new window's answer did not reset the count")
	}
}

// TestPauseAtWindowEdge: a spent window holds requests until a second past
// its reset (the header rounds down to whole seconds); then one request
// goes and the others wait for its answer, which tells the new budget.
func TestPauseAtWindowEdge(t *testing.T) {
	t.Parallel()
	var q pulls.Quota
	reset := time.Now().Add(10 * time.Second).Truncate(time.Second)
	observe := func(remaining int, reset time.Time) { observeAPI(&q, 180, remaining, reset) }
	observe(0, reset)
	steps := []struct {
		at      time.Time
		observe int // >0: an answer of the next window arrives first, with this many left
		wantMin time.Duration
		wantMax time.Duration
	}{
		{at: reset.Add(-5 * time.Second), wantMin: 6 * time.Second, wantMax: 6 * time.Second},
		{at: reset.Add(500 * time.Millisecond), wantMin: 500 * time.Millisecond, wantMax: 500 * time.Millisecond},
		{at: reset.Add(time.Second)}, // the probe goes
		{at: reset.Add(time.Second), wantMin: time.Millisecond, wantMax: time.Second}, // the next waits for its answer
		{at: reset.Add(2 * time.Second), wantMin: time.Millisecond, wantMax: time.Second},
		{at: reset.Add(2 * time.Second), observe: 179}, // the answer: everyone goes
		{at: reset.Add(2 * time.Second)},
	}
	for i, s := range steps {
		if s.observe > 0 {
			observe(s.observe, reset.Add(time.Minute))
		}
		if d := q.Pause("hub", s.at); d < s.wantMin || d > s.wantMax {
			t.Errorf("step %d: Pause = %v, want %v..%v", i, d, s.wantMin, s.wantMax)
		}
	}
}

// TestCounted: a host counts pulls until a manifest answer comes without a
// pull limit (a ping's says nothing: the registry sends none there); one
// that reported a limit still counts.
func TestCounted(t *testing.T) {
	t.Parallel()
	var q pulls.Quota
	answer := func(host, path string, limited bool, status ...int) {
		rec := httptest.NewRecorder()
		if limited {
			rec.Header().Set("Ratelimit-Limit", "100;w=21600")
			rec.Header().Set("Ratelimit-Remaining", "99;w=21600")
		}
		if len(status) > 0 {
			rec.WriteHeader(status[0])
		}
		resp := rec.Result()
		resp.Request = &http.Request{URL: &url.URL{Host: host, Path: path}}
		q.Observe(resp)
	}
	if !q.Counted("free") {
		t.Error("a host that has not answered yet is not counted")
	}
	answer("free", "/v2/", false)
	if !q.Counted("free") {
		t.Error("a ping's answer (no pull limit there on any registry) made the host uncounted")
	}
	answer("free", "/v2/app/manifests/v1", false, http.StatusUnauthorized)
	if !q.Counted("free") {
		t.Error("an error's answer (no pull limit on it either) made the host uncounted")
	}
	answer("free", "/v2/app/manifests/v1", false)
	answer("hub", "/v2/app/manifests/v1", true)
	if q.Counted("free") {
		t.Error("a host whose manifest answer had no pull limit still counts pulls")
	}
	if !q.Counted("hub") {
		t.Error("a host that reported a pull limit does not count pulls")
	}
}

// TestPauseAfterTheWindow: past a spent window's reset, an answer without
// limit headers frees the host; a 429 whose reset our clock has passed
// holds for its Retry-After.
func TestPauseAfterTheWindow(t *testing.T) {
	t.Parallel()
	now := time.Now()
	past := now.Add(-5 * time.Second)
	plain := func(q *pulls.Quota, status int, retryAfter string) {
		rec := httptest.NewRecorder()
		if retryAfter != "" {
			rec.Header().Set("X-RateLimit-Limit", "180")
			rec.Header().Set("X-RateLimit-Remaining", "0")
			rec.Header().Set("X-RateLimit-Reset", fmt.Sprint(past.Unix()))
			rec.Header().Set("Retry-After", retryAfter)
		}
		rec.WriteHeader(status)
		resp := rec.Result()
		resp.Request = &http.Request{URL: &url.URL{Host: "hub"}}
		q.Observe(resp)
	}
	var headerless pulls.Quota
	observeAPI(&headerless, 180, 0, past)
	if d := headerless.Pause("hub", now); d != 0 {
		t.Fatalf("the probe: Pause = %v", d)
	}
	plain(&headerless, http.StatusOK, "")
	if d := headerless.Pause("hub", now); d != 0 {
		t.Errorf("after an answer without limit headers: Pause = %v, want nothing held", d)
	}
	var ahead pulls.Quota
	observeAPI(&ahead, 180, 0, past)
	ahead.Pause("hub", now) // the probe
	plain(&ahead, http.StatusTooManyRequests, "3")
	if d := ahead.Pause("hub", time.Now()); d < 2*time.Second || d > 3*time.Second {
		t.Errorf("after a 429 with a reset already past: Pause = %v, want its Retry-After (3s)", d)
	}
}

// observeAPI hands q an answer of host "hub" with the Docker Hub API's
// X-RateLimit-* headers.
func observeAPI(q *pulls.Quota, limit, remaining int, reset time.Time) {
	rec := httptest.NewRecorder()
	rec.Header().Set("X-RateLimit-Limit", fmt.Sprint(limit))
	rec.Header().Set("X-RateLimit-Remaining", fmt.Sprint(remaining))
	rec.Header().Set("X-RateLimit-Reset", fmt.Sprint(reset.Unix()))
	resp := rec.Result()
	resp.Request = &http.Request{URL: &url.URL{Host: "hub"}}
	q.Observe(resp)
}
