package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/crane-migrate/crane-migrate/e2e/harness"
	"github.com/crane-migrate/crane-migrate/report"
)

// TestSlowRepositoryHoldsUpOnlyItself: repositories are listed several at
// a time, so while one repository's tags/list hangs, the others are listed,
// copied and verified. The hung listing is released only once every other
// repository's manifest has reached the destination; were repositories
// listed one after another, that would never happen and the listing fails
// after the bound below (a 500: the run then reports it failed).
func TestSlowRepositoryHoldsUpOnlyItself(t *testing.T) {
	t.Parallel()
	src, dst := harness.MustStartRegistry(t), harness.MustStartRegistry(t)
	const others = 5
	seedImage(t, src.Host()+"/oldorg/aaa-slow:v1")
	for i := range others {
		seedImage(t, fmt.Sprintf("%s/oldorg/app%d:v1", src.Host(), i))
	}
	dstProxy := harness.MustNewProxy(t, dst.URL())
	var once sync.Once
	var released atomic.Bool
	srcProxy := harness.MustNewProxy(t, src.URL(), harness.WithFault(func(r *http.Request) *harness.Fault {
		kind, repo := harness.Classify(r)
		if kind != harness.TagsList || !strings.HasSuffix(repo, "aaa-slow") {
			return nil
		}
		var fault *harness.Fault
		once.Do(func() {
			for end := time.Now().Add(20 * time.Second); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
				if dstProxy.Count(harness.ManifestPut, "") >= others {
					released.Store(true)
					return
				}
			}
			fault = &harness.Fault{Status: http.StatusInternalServerError}
		})
		return fault
	}))
	r := cli(t, nil, "org", srcProxy.Host()+"/oldorg", dstProxy.Host()+"/neworg", "--jobs", "2").expect(t, 0)
	if !released.Load() {
		t.Fatal("the other repositories were not copied while one repository's listing hung")
	}
	for dst, st := range r.statuses() {
		if st != report.StatusCopied {
			t.Errorf("%s: %s, want copied", dst, st)
		}
	}
	if n := len(r.statuses()); n != others+1 {
		t.Errorf("%d results, want %d", n, others+1)
	}
}

// TestReferrersLookedUpInTheListing: a repository listed whole before its
// tasks go hands its tag names to them, so what is attached to its images
// is looked up in them: a re-run of images with nothing attached, on a
// registry without the referrers API, asks for no fallback tag.
func TestReferrersLookedUpInTheListing(t *testing.T) {
	t.Parallel()
	src, dst := harness.MustStartRegistry(t), harness.MustStartRegistry(t)
	for i := range 5 {
		seedImage(t, fmt.Sprintf("%s/oldorg/app:v%d", src.Host(), i))
	}
	srcProxy := harness.MustNewProxy(t, src.URL())
	args := []string{"repo", srcProxy.Host() + "/oldorg/app", dst.Host() + "/neworg/app"}
	cli(t, nil, args...).expect(t, 0)
	srcProxy.Reset()
	cli(t, nil, args...).expect(t, 0)
	fallback := srcProxy.Filter(func(r harness.Request) bool {
		return r.Kind == harness.ManifestHead && strings.Contains(r.Path, "/manifests/sha256-")
	})
	if len(fallback) != 0 {
		t.Errorf("the re-run asked for %d fallback tags the listing showed absent", len(fallback))
	}
}

// TestDryRunStatesAttachedLookups: the plan states what following
// attached artifacts costs: one lookup per unique image digest, answered
// by the tag listing when the repository was listed whole.
func TestDryRunStatesAttachedLookups(t *testing.T) {
	t.Parallel()
	src, dst := harness.MustStartRegistry(t), harness.MustStartRegistry(t)
	for i := range 3 {
		seedImage(t, fmt.Sprintf("%s/oldorg/app:v%d", src.Host(), i))
	}
	r := cli(t, nil, "repo", src.Host()+"/oldorg/app", dst.Host()+"/neworg/app", "--dry-run").expect(t, 0)
	if !strings.Contains(r.stdout, "attached artifacts: looked up for 3 image digests, 3 of them in their repository's tag listing") {
		t.Errorf("the plan does not state the lookups:\n%s", r.stdout)
	}
	if p := r.report.PullPlan; p == nil || p.AttachedLookups != 3 {
		t.Errorf("pullPlan %+v, want 3 attached lookups", p)
	}
	off := cli(t, nil, "repo", src.Host()+"/oldorg/app", dst.Host()+"/neworg/app", "--dry-run", "--referrers=false").expect(t, 0)
	if strings.Contains(off.stdout, "attached artifacts: looked up") {
		t.Errorf("--referrers=false still looks up attached artifacts:\n%s", off.stdout)
	}
}
