package e2e

import (
	"fmt"
	"runtime"
	"slices"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/crane-migrate/crane-migrate/e2e/harness"
)

// TestPerHostLimit: an index with many children fans out far beyond the
// job count — its children are read and written several at a time — yet no
// registry sees more requests at once than the per-host limit, which
// follows the job count (twice the connections: max(2×jobs, cores) × 2).
func TestPerHostLimit(t *testing.T) {
	t.Parallel()
	src, dst := harness.MustStartRegistry(t), harness.MustStartRegistry(t)
	var platforms []v1.Platform
	for i := range 12 {
		platforms = append(platforms, v1.Platform{OS: "linux", Architecture: fmt.Sprintf("arch%d", i)})
	}
	for _, tag := range []string{"a", "b"} {
		if _, err := harness.SeedIndex(ctx, src.Host()+"/oldorg/app:"+tag, platforms, types.OCIImageIndex); err != nil {
			t.Fatal(err)
		}
	}
	slow := harness.WithDelay(20 * time.Millisecond) // long enough for requests to overlap
	srcProxy, dstProxy := harness.MustNewProxy(t, src.URL(), slow), harness.MustNewProxy(t, dst.URL(), slow)
	r := cli(t, nil, "repo", srcProxy.Host()+"/oldorg/app", dstProxy.Host()+"/neworg/app", "--jobs", "1").expect(t, 0)
	if s := r.report.Summary; s.Copied != 2 || s.Verified != 2 {
		t.Fatalf("summary %+v, want 2 copied and verified", s)
	}
	limit := 2 * max(2*1, runtime.GOMAXPROCS(0))
	for side, p := range map[string]*harness.Proxy{"source": srcProxy, "destination": dstProxy} {
		n := inFlight(p.Requests())
		t.Logf("%s: at most %d requests at once (limit %d)", side, n, limit)
		if n > limit {
			t.Errorf("%s saw %d requests at once, over the per-host limit of %d", side, n, limit)
		}
		if n < 2 {
			t.Errorf("%s saw at most %d request at once: nothing ran in parallel, the test proves nothing", side, n)
		}
	}
}

// inFlight is the most requests that overlapped in time.
func inFlight(reqs []harness.Request) int {
	type edge struct {
		at    time.Time
		delta int
	}
	var edges []edge
	for _, r := range reqs {
		edges = append(edges, edge{r.Start, 1}, edge{r.Start.Add(r.Duration), -1})
	}
	slices.SortFunc(edges, func(a, b edge) int {
		if c := a.at.Compare(b.at); c != 0 {
			return c
		}
		return a.delta - b.delta // an end before a start at the same instant
	})
	n, most := 0, 0
	for _, e := range edges {
		n += e.delta
		most = max(most, n)
	}
	return most
}

// TestPerHostLimitWithinOneRegistry: within one registry that refuses
// mounts, every blob is uploaded, and each upload of a large blob (one the
// retry layer does not read whole) holds its source read open while it
// waits for its PUT. Source and destination have connections of their own,
// each under the limit, so the run cannot wait on itself. (With one pool
// for both sides it could: once every connection holds a source read, no
// PUT gets one. Whether that happens depends on the order in which waiters
// get connections, so this run does not reliably reproduce it; it checks
// that such a run finishes, under the limit.)
func TestPerHostLimitWithinOneRegistry(t *testing.T) {
	t.Parallel()
	reg := harness.MustStartRegistry(t)
	var platforms []v1.Platform
	for i := range 8 {
		platforms = append(platforms, v1.Platform{OS: "linux", Architecture: fmt.Sprintf("arch%d", i)})
	}
	if _, err := harness.SeedIndex(ctx, reg.Host()+"/oldorg/app:a", platforms, types.OCIImageIndex, harness.WithLayerSize(3<<19)); err != nil {
		t.Fatal(err)
	}
	p := harness.MustNewProxy(t, reg.URL(), harness.WithoutMounts(), harness.WithDelay(20*time.Millisecond))
	r := cli(t, nil, "repo", p.Host()+"/oldorg/app", p.Host()+"/neworg/app", "--jobs", "1").expect(t, 0)
	if s := r.report.Summary; s.Copied != 1 || s.Verified != 1 || s.Mounts != 0 {
		t.Fatalf("summary %+v, want 1 copied and verified, no mounts", s)
	}
	if n := p.Counts()[harness.BlobUploadChunk]; n < 16 {
		t.Fatalf("%d blob uploads, want every blob uploaded (at least 16): the test proves nothing", n)
	}
	limit := 2 * max(2*1, runtime.GOMAXPROCS(0))
	if n := inFlight(p.Requests()); n > 2*limit {
		t.Errorf("the registry saw %d requests at once, over two sides' limit of %d each", n, limit)
	}
}
