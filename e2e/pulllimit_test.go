package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/crane-migrate/crane-migrate/e2e/harness"
	"github.com/crane-migrate/crane-migrate/report"
)

// seedTagsOf pushes n small images to host/oldorg/app:v0…v(n-1).
func seedTagsOf(t *testing.T, host string, n int) {
	t.Helper()
	for i := range n {
		seedImage(t, fmt.Sprintf("%s/oldorg/app:v%d", host, i))
	}
}

// TestPullLimitDryRunStatesQuota: a dry run learns the quota from the
// headers of HEADs, which cost no pull, and says whether the run fits.
func TestPullLimitDryRunStatesQuota(t *testing.T) {
	t.Parallel()
	src, dst := harness.MustStartRegistry(t), harness.MustStartRegistry(t)
	seedTagsOf(t, src.Host(), 3)
	for _, tt := range []struct {
		limit int
		tail  string
	}{
		{limit: 2, tail: ": the run will stop at the limit (exit 3) and a re-run after the window finishes it\n"},
		{limit: 10, tail: "\n"},
	} {
		t.Run(fmt.Sprint(tt.limit), func(t *testing.T) {
			t.Parallel()
			p := harness.MustNewProxy(t, src.URL(), harness.WithPullLimit(tt.limit, time.Minute))
			r := cli(t, nil, "repo", p.Host()+"/oldorg/app", dst.Host()+"/neworg/app", "--dry-run").expect(t, 0)
			want := fmt.Sprintf("source manifest pulls needed: 3; %s reports %d of %d pulls left per 1m0s%s", p.Host(), tt.limit, tt.limit, tt.tail)
			if !strings.Contains(r.stdout, want) {
				t.Errorf("the plan does not state the quota; want %q in:\n%s", want, r.stdout)
			}
			if n := p.Counts()[harness.ManifestGet]; n != 0 {
				t.Errorf("the dry run sent %d manifest GETs (pulls) to the source, want 0", n)
			}
		})
	}
}

// TestPullLimitWaitAcrossWindow: one pull per 2-second window, three tags;
// --on-rate-limit wait waits each window out and copies and verifies all.
func TestPullLimitWaitAcrossWindow(t *testing.T) {
	t.Parallel()
	src, dst := harness.MustStartRegistry(t), harness.MustStartRegistry(t)
	seedTagsOf(t, src.Host(), 3)
	p := harness.MustNewProxy(t, src.URL(), harness.WithPullLimit(1, 2*time.Second))
	r := cli(t, nil, "repo", p.Host()+"/oldorg/app", dst.Host()+"/neworg/app", "--jobs", "1", "--on-rate-limit", "wait").expect(t, 0)
	if s := r.report.Summary; s.Copied != 3 || s.Verified != 3 || s.Pending != 0 {
		t.Fatalf("summary %+v, want 3 copied and verified", s)
	}
	// One pull a window: v1 takes it, v2 meets the limit, waits for the next
	// window and takes its pull, v3 the same. A wait shorter than the window
	// would meet the limit again.
	if n := len(p.Filter(harness.PullLimited)); n != 2 {
		t.Fatalf("%d pulls refused, want 2 (v2 and v3 once each, each then waiting for the next window)", n)
	}
	if !strings.Contains(r.stderr, "waiting") {
		t.Errorf("the wait is not logged:\n%s", r.stderr)
	}
	cli(t, nil, "verify", src.Host()+"/oldorg/app", dst.Host()+"/neworg/app").expect(t, 0)
}

// TestPullLimitStartsNoNewTagAfter429: three pulls allowed, six tags, one
// job. After the first 429 no manifest GET of another tag reaches the
// source and the 429 is not sent again (the retry layer must not retry a
// pull limit); the run exits 3 with the rest pending, and a re-run in the
// next window copies only those.
func TestPullLimitStartsNoNewTagAfter429(t *testing.T) {
	t.Parallel()
	src, dst := harness.MustStartRegistry(t), harness.MustStartRegistry(t)
	seedTagsOf(t, src.Host(), 6)
	// A window far longer than the run: the limit is met within it however
	// slow the machine, and the re-run ends it by hand.
	p := harness.MustNewProxy(t, src.URL(), harness.WithPullLimit(3, 20*time.Second))
	args := []string{"repo", p.Host() + "/oldorg/app", dst.Host() + "/neworg/app", "--jobs", "1"}
	r := cli(t, nil, args...).expect(t, 3)
	if s := r.report.Summary; s.Copied != 3 || s.Pending != 3 || s.Failed != 0 {
		t.Fatalf("summary %+v, want 3 copied and 3 pending", s)
	}
	pending := 0
	for _, res := range r.report.Results {
		if res.Status == report.StatusPending {
			pending++
		}
	}
	if pending != 3 || !strings.Contains(r.stderr, "3 tags not started") {
		t.Errorf("%d pending results; the exit message does not say 3 tags are left:\n%s", pending, r.stderr)
	}
	checkNoPullAfter429(t, p.Requests())

	p.EndPullWindow()
	p.Reset()
	again := cli(t, nil, args...).expect(t, 0)
	if s := again.report.Summary; s.Copied != 3 || s.Skipped != 3 || s.Verified != 6 {
		t.Fatalf("re-run summary %+v, want 3 copied and 3 skipped, all verified", s)
	}
	if n := p.Counts()[harness.ManifestGet]; n != 3 {
		t.Errorf("the re-run sent %d manifest GETs, want 3 (only the tags left)", n)
	}
}

// checkNoPullAfter429 fails unless exactly one manifest GET met the limit
// and none followed it: no other tag's manifest and no resend of its own.
func checkNoPullAfter429(t *testing.T, reqs []harness.Request) {
	t.Helper()
	first := -1
	for i, req := range reqs {
		if harness.PullLimited(req) {
			if first >= 0 {
				t.Errorf("another 429 for %s after the first (for %s): the pull limit was met again", req.Path, reqs[first].Path)
				continue
			}
			first = i
		}
	}
	if first < 0 {
		t.Fatal("the pull limit was never met: the test proves nothing")
	}
	for _, req := range reqs[first+1:] {
		if req.Kind == harness.ManifestGet {
			t.Errorf("GET %s reached the source after the 429 for %s: a pull after the limit", req.Path, reqs[first].Path)
		}
	}
}

// TestFirstMigrationReadsDirectly: a tag the destination is known to lack
// is read without first asking its digest, once the source has shown it
// counts no pulls (its first manifest answers carried no limit); from a
// source that counts pulls, each tag is HEADed first, and tags sharing a
// digest cost one pull.
func TestFirstMigrationReadsDirectly(t *testing.T) {
	t.Parallel()
	src := harness.MustStartRegistry(t)
	const images = 20
	for i := range images {
		ref := fmt.Sprintf("%s/oldorg/app:v%d", src.Host(), i)
		seedImage(t, ref)
		if err := harness.Tag(ctx, ref, fmt.Sprintf("%s/oldorg/app:v%d-alias", src.Host(), i)); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range []struct {
		name    string
		opts    []harness.ProxyOption
		heads   func(int) bool
		gets    func(int) bool
		explain string
	}{
		{"counts no pulls", nil, func(n int) bool { return n < images }, func(n int) bool { return n > images },
			"only the tags looked at before the first manifest answer are HEADed"},
		{"counts pulls", []harness.ProxyOption{harness.WithPullLimit(1000, time.Hour)}, func(n int) bool { return n == 2*images },
			func(n int) bool { return n == images }, "every tag HEADed, each digest pulled once"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dst := harness.MustStartRegistry(t)
			p := harness.MustNewProxy(t, src.URL(), tt.opts...)
			r := cli(t, nil, "repo", p.Host()+"/oldorg/app", dst.Host()+"/neworg/app", "--jobs", "1").expect(t, 0)
			if s := r.report.Summary; s.Copied != 2*images || s.Verified != 2*images {
				t.Fatalf("summary %+v", s)
			}
			c := p.Counts()
			if !tt.heads(c[harness.ManifestHead]) || !tt.gets(c[harness.ManifestGet]) {
				t.Errorf("%d source manifest HEADs and %d GETs for %d tags of %d digests: want %s", c[harness.ManifestHead], c[harness.ManifestGet], 2*images, images, tt.explain)
			}
		})
	}
}
