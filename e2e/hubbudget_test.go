package e2e

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/crane-migrate/crane-migrate/e2e/harness"
	"github.com/crane-migrate/crane-migrate/e2e/hubfake"
	"github.com/crane-migrate/crane-migrate/hub"
	"github.com/crane-migrate/crane-migrate/report"
)

// TestHubBudgetSpentOnPurpose: a Docker Hub source whose API allows fewer
// requests a minute than the organization has repositories. Tags are
// listed through the Hub API while its budget lasts and through the
// registry (tags/list and HEADs, which that limit does not count) once it
// is down to its reserve: the run meets no 429, waits for no window, and
// every tag is copied and verified. The report and the dry run say what
// the Hub API cost, by route.
func TestHubBudgetSpentOnPurpose(t *testing.T) {
	t.Parallel()
	const repos, perMinute = 30, 20
	src := newHubSide(t, "alice", "alice-pat", hubfake.WithRateLimit(perMinute))
	for i := range repos {
		seedImage(t, fmt.Sprintf("%s/oldorg/app%02d:v1", src.reg.Host(), i))
	}
	dst := harness.MustStartRegistry(t)
	srcProxy := harness.MustNewProxy(t, src.reg.URL())
	env := []string{"CRANE_MIGRATE_SRC_USERNAME=alice", "CRANE_MIGRATE_SRC_PASSWORD=alice-pat"}
	r := cli(t, env, "org", srcProxy.Host()+"/oldorg", dst.Host()+"/neworg", "--src-hub-api", src.url).expect(t, 0)
	if s := r.report.Summary; s.Copied != repos || s.Verified != repos {
		t.Fatalf("summary %+v, want %d copied and verified", s, repos)
	}
	limited, pages := 0, 0
	for _, req := range src.hub.Requests() {
		if req.Status == http.StatusTooManyRequests {
			limited++
		}
		if req.Route == hubfake.RouteTags {
			pages++
		}
	}
	if limited != 0 {
		t.Errorf("%d Hub API answers were 429: the budget was not planned for", limited)
	}
	if pages >= repos || srcProxy.Count(harness.TagsList, "") == 0 {
		t.Errorf("%d Hub tag pages and %d registry tags/list: want the registry to take over from the Hub API", pages, srcProxy.Count(harness.TagsList, ""))
	}
	if h := r.report.HubAPI; h == nil || h.Source[string("tag pages")] != pages || h.SourceLimit != perMinute {
		t.Errorf("report hubAPI %+v, want %d tag pages at %d a minute", h, pages, perMinute)
	}
	if st := r.statuses(); len(st) != repos {
		t.Errorf("%d results, want %d", len(st), repos)
	}
	for _, res := range r.report.Results {
		if res.Status != report.StatusCopied {
			t.Errorf("%s: %s", res.Destination, res.Status)
		}
	}
	plan := cli(t, env, "org", srcProxy.Host()+"/oldorg", dst.Host()+"/neworg2", "--src-hub-api", src.url, "--dry-run")
	if !strings.Contains(plan.stdout, "Docker Hub API, source:") {
		t.Errorf("the dry run does not state the Hub API requests:\n%s", plan.stdout)
	}
}

// TestRerunReadsNoUnchangedReadme: between two Docker Hub namespaces, a
// re-run compares visibility and short descriptions from the two
// namespaces' listings and reads no repository (no README) whose source
// did not change since the destination was written; a README changed at
// the source since is read, compared and copied.
func TestRerunReadsNoUnchangedReadme(t *testing.T) {
	t.Parallel()
	src, dst := newHubSide(t, "alice", "alice-pat"), newHubSide(t, "bob", "bob-pat")
	for _, repo := range []string{"web", "api", "worker"} {
		seedImage(t, src.reg.Host()+"/oldorg/"+repo+":v1")
		src.hub.SetRepository("oldorg", repo, hubfake.Meta{Description: "the " + repo, FullDescription: "# " + repo})
	}
	args := []string{"org", src.reg.Host() + "/oldorg", dst.reg.Host() + "/neworg", "--src-hub-api", src.url, "--dst-hub-api", dst.url}
	cli(t, hubAccounts, args...).expect(t, 0)

	gets := func() int {
		return src.hub.Counts()[hubfake.RouteRepository] + dst.hub.Counts()[hubfake.RouteRepository]
	}
	before := gets()
	again := cli(t, hubAccounts, args...).expect(t, 0)
	if n := gets() - before; n != 0 {
		t.Errorf("the re-run made %d repository GETs, want none (nothing changed)", n)
	}
	for _, repo := range again.report.Repositories {
		if repo.Metadata != "unchanged" {
			t.Errorf("%s: metadata %q, want unchanged", repo.Destination, repo.Metadata)
		}
	}

	src.hub.SetRepository("oldorg", "api", hubfake.Meta{Description: "the api", FullDescription: "# api, v2 README"})
	before = gets()
	third := cli(t, hubAccounts, args...).expect(t, 0)
	if n := gets() - before; n != 2 {
		t.Errorf("after one source README changed: %d repository GETs, want 2 (its source and destination)", n)
	}
	if got, _ := dst.hub.Repository("neworg", "api"); got.FullDescription != "# api, v2 README" {
		t.Errorf("neworg/api README %q, want the source's new one", got.FullDescription)
	}
	for _, repo := range third.report.Repositories {
		if strings.HasSuffix(repo.Destination, "/api") && repo.Metadata != "copied" {
			t.Errorf("neworg/api: metadata %q, want copied", repo.Metadata)
		}
	}
}

// TestHubLimitHitMidRunWaitedOut: into Docker Hub, whose API allows fewer
// requests a window than the run needs (a listing and a creation per
// repository: no other channel), and whose window another client of the
// account spends mid-run. The run meets that 429, waits it out, paces the
// rest by the windows' headers (never more than one 429 a window) and
// finishes with every tag copied and verified by the registry.
func TestHubLimitHitMidRunWaitedOut(t *testing.T) {
	t.Parallel()
	const repos, perWindow, window = 12, 10, 2 * time.Second
	const inFlight = 300 * time.Millisecond // what was sent before the first 429's answer arrived
	src := harness.MustStartRegistry(t)
	for i := range repos {
		seedImage(t, fmt.Sprintf("%s/oldorg/app%02d:v1", src.Host(), i))
	}
	dstReg := harness.MustStartRegistry(t)
	fake := hubfake.New(dstReg.URL(), hubfake.WithAccount("bob", "bob-pat"), hubfake.WithRateLimit(perWindow), hubfake.WithRateWindow(window))
	// The other client: before the run's 6th request is served, it takes
	// what is left of the window (its own requests are anonymous listings
	// of another namespace, told apart below).
	var seen atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if seen.Add(1) == 6 {
			for {
				rec := httptest.NewRecorder()
				fake.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/v2/namespaces/other/repositories", nil))
				if rec.Code == http.StatusTooManyRequests {
					break
				}
			}
		}
		fake.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	env := []string{"CRANE_MIGRATE_DST_USERNAME=bob", "CRANE_MIGRATE_DST_PASSWORD=bob-pat"}
	r := cli(t, env, "org", src.Host()+"/oldorg", dstReg.Host()+"/neworg", "--dst-hub-api", srv.URL).expect(t, 0)
	if s := r.report.Summary; s.Copied != repos || s.Verified != repos {
		t.Fatalf("summary %+v, want %d copied and verified", s, repos)
	}
	for _, res := range r.report.Results {
		if res.VerifiedBy != report.VerifiedByRegistry {
			t.Errorf("%s: verified by %q, want the registry", res.Destination, res.VerifiedBy)
		}
	}
	var ours []hubfake.Request
	for _, q := range fake.Requests() {
		if !strings.Contains(q.Path, "/other/") {
			ours = append(ours, q)
		}
	}
	// Requests in flight when the other client spent the window meet a
	// 429 each (no client can help that). Once the first 429 is answered
	// the run knows: nothing it sends then may meet another, neither a
	// retry sent at the header's reset (rounded down to whole seconds,
	// so early) nor a crowd released together.
	var first *hubfake.Request
	limited, late := 0, 0
	for i, q := range ours {
		if q.Status != http.StatusTooManyRequests {
			continue
		}
		limited++
		if first == nil {
			first = &ours[i]
		} else if q.Start.Sub(first.Start) > inFlight {
			late++
		}
	}
	if limited == 0 {
		t.Errorf("the run met no 429: the other client's spending was not hit mid-run (%d requests)", len(ours))
	}
	if late > 0 {
		t.Errorf("%d 429s met more than %v after the first: the run did not wait the window out", late, inFlight)
	}
	if len(ours)-limited < repos {
		t.Errorf("%d Hub API requests answered, want at least %d (a creation per repository)", len(ours)-limited, repos)
	}
	if t.Failed() {
		for _, q := range fake.Requests() {
			t.Logf("%s %s %s %d at +%v for %v", q.Method, q.Path, q.User, q.Status, q.Start.Sub(ours[0].Start).Round(time.Millisecond), q.Duration.Round(time.Millisecond))
		}
	}
}

// TestCreationSparesHubTagPages: into Docker Hub, a repository to be
// created costs a source repository GET (its README) that only the Hub API
// answers; its tags are listed through the registry instead, so the
// window goes to what has no other channel. A re-run, creating nothing,
// reads the Hub tag pages again (digests without HEADs).
func TestCreationSparesHubTagPages(t *testing.T) {
	t.Parallel()
	src, dst := newHubSide(t, "alice", "alice-pat"), newHubSide(t, "bob", "bob-pat")
	for i := range 3 {
		seedTags(t, fmt.Sprintf("%s/oldorg/app%d:v1", src.reg.Host(), i), fmt.Sprintf("%s/oldorg/app%d:v2", src.reg.Host(), i))
	}
	// A repository created on the Hub and never pushed to: the registry's
	// tags/list answers 404 for it, which here means empty, not missing.
	c, err := hub.New(src.url, hub.WithCredentials("alice", "alice-pat"))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.CreateRepository(ctx, "oldorg", "untagged", false, "", ""); err != nil {
		t.Fatal(err)
	}
	args := []string{"org", src.reg.Host() + "/oldorg", dst.reg.Host() + "/neworg", "--src-hub-api", src.url, "--dst-hub-api", dst.url}
	r := cli(t, hubAccounts, args...).expect(t, 0)
	if s := r.report.Summary; s.Copied != 6 || s.Verified != 6 || s.Failed != 0 {
		t.Fatalf("summary %+v, want 6 copied and verified, none failed", s)
	}
	if c := src.hub.Counts(); c[hubfake.RouteTags] != 0 || c[hubfake.RouteRepository] != 4 {
		t.Errorf("first migration: %d source tag pages and %d repository GETs, want 0 and 4", c[hubfake.RouteTags], c[hubfake.RouteRepository])
	}
	src.hub.Reset()
	again := cli(t, hubAccounts, args...).expect(t, 0)
	if s := again.report.Summary; s.Skipped != 6 {
		t.Fatalf("re-run summary %+v, want 6 skipped", s)
	}
	if n := src.hub.Counts()[hubfake.RouteTags]; n != 4 {
		t.Errorf("re-run: %d source tag pages, want 4 (one per repository)", n)
	}
}

// TestHubSourceHeadsBeforePulling: tags listed through a Docker Hub
// source's registry (here: repositories being created, which spare the
// Hub API) are HEADed before they are read, even when the registry
// reports no pull limit: a digest shared by several tags is pulled once.
func TestHubSourceHeadsBeforePulling(t *testing.T) {
	t.Parallel()
	src, dst := newHubSide(t, "alice", "alice-pat"), newHubSide(t, "bob", "bob-pat")
	const repos, images = 2, 5
	for r := range repos {
		for i := range images {
			ref := fmt.Sprintf("%s/oldorg/app%d:v%d", src.reg.Host(), r, i)
			seedTags(t, ref)
			if err := harness.Tag(ctx, ref, ref+"-alias"); err != nil {
				t.Fatal(err)
			}
		}
	}
	srcProxy := harness.MustNewProxy(t, src.reg.URL())
	r := cli(t, hubAccounts, "org", srcProxy.Host()+"/oldorg", dst.reg.Host()+"/neworg", "--src-hub-api", src.url,
		"--dst-hub-api", dst.url, "--jobs", "1").expect(t, 0)
	if s := r.report.Summary; s.Copied != 2*repos*images {
		t.Fatalf("summary %+v", s)
	}
	c := srcProxy.Counts()
	if c[harness.ManifestHead] != 2*repos*images || c[harness.ManifestGet] != repos*images {
		t.Errorf("%d source HEADs and %d GETs for %d tags of %d digests: want every tag HEADed, each digest pulled once",
			c[harness.ManifestHead], c[harness.ManifestGet], 2*repos*images, repos*images)
	}
}
