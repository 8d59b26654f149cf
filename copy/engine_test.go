package copy_test

import (
	"fmt"
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
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/crane-migrate/crane-migrate/copy"
	"github.com/crane-migrate/crane-migrate/report"
)

// counter wraps a registry handler and counts requests by "METHOD kind".
type counter struct {
	mu sync.Mutex
	n  map[string]int
	h  http.Handler
}

func (c *counter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	kind := "other"
	switch {
	case strings.Contains(r.URL.Path, "/manifests/"):
		kind = "manifest"
	case strings.Contains(r.URL.Path, "/blobs/uploads"):
		kind = "upload"
	case strings.Contains(r.URL.Path, "/blobs/"):
		kind = "blob"
	}
	c.mu.Lock()
	c.n[r.Method+" "+kind]++
	c.mu.Unlock()
	c.h.ServeHTTP(w, r)
}

func (c *counter) get(k string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[k]
}

func newRegistry(t *testing.T) (string, *counter) {
	t.Helper()
	c := &counter{n: map[string]int{}, h: registry.New(registry.Logger(log.New(io.Discard, "", 0)))}
	s := httptest.NewServer(c)
	t.Cleanup(s.Close)
	return strings.TrimPrefix(s.URL, "http://"), c
}

func pushImage(t *testing.T, ref string) v1.Hash {
	t.Helper()
	img, err := random.Image(64, 1)
	if err != nil {
		t.Fatal(err)
	}
	r, _ := name.ParseReference(ref)
	if err := remote.Write(r, img); err != nil {
		t.Fatal(err)
	}
	d, _ := img.Digest()
	return d
}

func pushIndex(t *testing.T, ref string, platforms ...string) v1.Hash {
	t.Helper()
	idx := mutate.IndexMediaType(emptyIndex(), types.OCIImageIndex)
	for _, p := range platforms {
		img, err := random.Image(64, 1)
		if err != nil {
			t.Fatal(err)
		}
		os, arch, _ := strings.Cut(p, "/")
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: os, Architecture: arch}}})
	}
	r, _ := name.ParseReference(ref)
	if err := remote.WriteIndex(r, idx); err != nil {
		t.Fatal(err)
	}
	d, _ := idx.Digest()
	return d
}

func run(t *testing.T, tasks []copy.Task, opts ...copy.Option) []report.Result {
	t.Helper()
	src, dst := sides(t, tasks[0].Source.Context().RegistryStr(), tasks[0].Destination.Context().RegistryStr())
	e, err := copy.New(src, dst, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return drain(e, tasks)
}

func task(t *testing.T, src, dst string) copy.Task {
	t.Helper()
	s, err := name.ParseReference(src)
	if err != nil {
		t.Fatal(err)
	}
	d, err := name.NewTag(dst)
	if err != nil {
		t.Fatal(err)
	}
	return copy.Task{Source: s, Destination: d}
}

func statuses(rs []report.Result) map[string]report.Status {
	m := map[string]report.Status{}
	for _, r := range rs {
		m[r.Destination[strings.LastIndex(r.Destination, "/")+1:]] = r.Status
	}
	return m
}

func TestEngineCopiesSkipsAndDedupes(t *testing.T) {
	t.Parallel()
	src, srcCount := newRegistry(t)
	dst, _ := newRegistry(t)
	img := pushImage(t, src+"/org/app:a")
	pushImage(t, src+"/org/app:c")
	idx := pushIndex(t, src+"/org/app:multi", "linux/amd64", "linux/arm64")
	// b shares a's digest: its manifest must not be fetched again.
	if err := remote.Tag(mustTag(t, src+"/org/app:b"), mustGet(t, src+"/org/app:a")); err != nil {
		t.Fatal(err)
	}
	pushImage(t, dst+"/new/app:c") // c exists at the destination with another digest: overwritten
	tags := []string{"a", "b", "c", "multi"}
	var tasks []copy.Task
	for _, tg := range tags {
		tasks = append(tasks, task(t, src+"/org/app:"+tg, dst+"/new/app:"+tg))
	}
	srcCount.mu.Lock()
	srcCount.n = map[string]int{}
	srcCount.mu.Unlock()

	got := run(t, tasks, copy.WithJobs(4))
	want := map[string]report.Status{"app:a": "copied", "app:b": "copied", "app:c": "copied", "app:multi": "copied"}
	if d := cmp.Diff(want, statuses(got)); d != "" {
		t.Fatalf("statuses (-want +got):\n%s\n%+v", d, got)
	}
	for _, r := range got {
		if !r.Verified {
			t.Errorf("%s not verified: %s", r.Destination, r.Error)
		}
		if strings.HasSuffix(r.Destination, ":multi") {
			if r.SourceDigest != idx.String() {
				t.Errorf("multi digest = %s, want %s", r.SourceDigest, idx)
			}
			if d := cmp.Diff([]string{"linux/amd64", "linux/arm64"}, r.Platforms); d != "" {
				t.Errorf("platforms (-want +got):\n%s", d)
			}
		}
		if strings.HasSuffix(r.Destination, ":a") && r.SourceDigest != img.String() {
			t.Errorf("a digest = %s, want %s", r.SourceDigest, img)
		}
	}
	// Unique manifests: a(=b), c, multi and its two children = 5 GETs at most.
	if n := srcCount.get("GET manifest"); n != 5 {
		t.Errorf("source manifest GETs = %d, want 5 (unique manifests)", n)
	}

	// A re-run copies nothing and GETs no source manifest.
	srcCount.mu.Lock()
	srcCount.n = map[string]int{}
	srcCount.mu.Unlock()
	again := run(t, tasks, copy.WithJobs(4))
	for _, r := range again {
		if r.Status != report.StatusSkipped {
			t.Errorf("re-run %s = %s, want skipped (%s)", r.Destination, r.Status, r.Error)
		}
	}
	if n := srcCount.get("GET manifest"); n != 0 {
		t.Errorf("re-run source manifest GETs = %d, want 0", n)
	}
}

func mustGet(t *testing.T, ref string) *remote.Descriptor {
	t.Helper()
	r, err := name.ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	d, err := remote.Get(r)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestEngineFailedTagDoesNotStopOthers(t *testing.T) {
	t.Parallel()
	src, _ := newRegistry(t)
	dst, dstCount := newRegistry(t)
	pushImage(t, src+"/org/app:ok")
	tasks := []copy.Task{
		task(t, src+"/org/app:missing", dst+"/new/app:missing"),
		task(t, src+"/org/app:ok", dst+"/new/app:ok"),
	}
	got := run(t, tasks, copy.WithJobs(1))
	want := map[string]report.Status{"app:missing": "failed", "app:ok": "copied"}
	if d := cmp.Diff(want, statuses(got)); d != "" {
		t.Fatalf("statuses (-want +got):\n%s", d)
	}
	for _, r := range got {
		if r.Status == report.StatusFailed && !strings.Contains(r.Error, "missing") {
			t.Errorf("error %q does not name the tag", r.Error)
		}
	}
	if n := dstCount.get("PUT manifest"); n != 1 {
		t.Errorf("destination manifest PUTs = %d, want 1", n)
	}
}

func TestEngineDryRunTouchesNothing(t *testing.T) {
	t.Parallel()
	src, _ := newRegistry(t)
	dst, dstCount := newRegistry(t)
	pushImage(t, src+"/org/app:v1")
	got := run(t, []copy.Task{task(t, src+"/org/app:v1", dst+"/new/app:v1")}, copy.WithDryRun(true))
	if got[0].Status != report.StatusPlanned {
		t.Fatalf("status = %s, want planned (%s)", got[0].Status, got[0].Error)
	}
	for k, n := range dstCount.n {
		if !strings.HasPrefix(k, "GET") && !strings.HasPrefix(k, "HEAD") && n > 0 {
			t.Errorf("dry run made %d %s requests on the destination", n, k)
		}
	}
}

func TestEngineDigestSourceToTag(t *testing.T) {
	t.Parallel()
	src, _ := newRegistry(t)
	dst, _ := newRegistry(t)
	d := pushImage(t, src+"/org/app:v1")
	got := run(t, []copy.Task{task(t, fmt.Sprintf("%s/org/app@%s", src, d), dst+"/new/app:pinned")})
	if got[0].Status != report.StatusCopied || got[0].DestinationDigest != d.String() || !got[0].Verified {
		t.Fatalf("got %+v", got[0])
	}
}

func TestJobsOption(t *testing.T) {
	t.Parallel()
	if copy.DefaultJobs != 4 {
		t.Errorf("DefaultJobs = %d; the --jobs help text and docs say 4", copy.DefaultJobs)
	}
	src, dst := sides(t, "127.0.0.1:1", "127.0.0.1:2")
	if _, err := copy.New(src, dst, copy.WithJobs(0)); err == nil {
		t.Error("WithJobs(0) accepted")
	}
}

func mustTag(t *testing.T, s string) name.Tag {
	t.Helper()
	tg, err := name.NewTag(s)
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

// limited answers 429 TOOMANYREQUESTS to manifest GETs once allowed are spent,
// as Docker Hub does when the pull limit runs out.
type limited struct {
	h       http.Handler
	mu      sync.Mutex
	allowed int
}

func (l *limited) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/manifests/") {
		l.mu.Lock()
		l.allowed--
		spent := l.allowed < 0
		l.mu.Unlock()
		if spent {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusTooManyRequests)
			fmt.Fprint(w, `{"errors":[{"code":"TOOMANYREQUESTS","message":"You have reached your pull rate limit."}]}`)
			return
		}
	}
	l.h.ServeHTTP(w, r)
}

func TestEngineStopsAtPullLimit(t *testing.T) {
	t.Parallel()
	lim := &limited{h: registry.New(registry.Logger(log.New(io.Discard, "", 0))), allowed: 1 << 20}
	s := httptest.NewServer(lim)
	t.Cleanup(s.Close)
	src := strings.TrimPrefix(s.URL, "http://")
	dst, _ := newRegistry(t)
	var tasks []copy.Task
	for _, tg := range []string{"a", "b", "c", "d"} {
		pushImage(t, src+"/org/app:"+tg)
		tasks = append(tasks, task(t, src+"/org/app:"+tg, dst+"/new/app:"+tg))
	}
	lim.mu.Lock()
	lim.allowed = 1
	lim.mu.Unlock()
	srcSide, dstSide := sides(t, src, dst)
	e, err := copy.New(srcSide, dstSide, copy.WithJobs(1))
	if err != nil {
		t.Fatal(err)
	}
	sum := report.Summarize(drain(e, tasks))
	if !e.PullLimited() || sum.Copied != 1 || sum.Pending != 3 || sum.Failed != 0 {
		t.Fatalf("limited=%v summary=%+v; want 1 copied, 3 pending", e.PullLimited(), sum)
	}
}

// immutableTags answers 403 DENIED to manifest PUTs on tags it holds, as
// Docker Hub does for immutable tags.
type immutableTags struct{ h http.Handler }

func (m immutableTags) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPut && strings.HasSuffix(r.URL.Path, "/manifests/locked") {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprint(w, `{"errors":[{"code":"DENIED","message":"The tag is immutable and cannot be overwritten"}]}`)
		return
	}
	m.h.ServeHTTP(w, r)
}

func TestEngineImmutableDestinationTag(t *testing.T) {
	t.Parallel()
	src, _ := newRegistry(t)
	s := httptest.NewServer(immutableTags{registry.New(registry.Logger(log.New(io.Discard, "", 0)))})
	t.Cleanup(s.Close)
	dst := strings.TrimPrefix(s.URL, "http://")
	pushImage(t, src+"/org/app:locked")
	got := run(t, []copy.Task{task(t, src+"/org/app:locked", dst+"/new/app:locked")})
	if got[0].Status != report.StatusFailed || !strings.Contains(got[0].Error, "immutable") {
		t.Fatalf("got %+v, want failed saying the destination tag is immutable", got[0])
	}
}
