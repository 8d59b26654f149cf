package e2e

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/crane"

	"github.com/crane-migrate/crane-migrate/e2e/harness"
	"github.com/crane-migrate/crane-migrate/e2e/hubfake"
	"github.com/crane-migrate/crane-migrate/report"
)

// hubSide is a real registry with our fake Docker Hub API in front of it.
type hubSide struct {
	reg *harness.Registry
	hub *hubfake.Server
	url string
}

func newHubSide(t *testing.T, user, secret string, opts ...hubfake.Option) hubSide {
	t.Helper()
	reg := harness.MustStartRegistry(t)
	hub := hubfake.New(reg.URL(), append([]hubfake.Option{hubfake.WithAccount(user, secret)}, opts...)...)
	srv := httptest.NewServer(hub)
	t.Cleanup(srv.Close)
	return hubSide{reg: reg, hub: hub, url: srv.URL}
}

func seedTags(t *testing.T, refs ...string) {
	t.Helper()
	for _, ref := range refs {
		if _, err := harness.SeedImage(context.Background(), ref); err != nil {
			t.Fatal(err)
		}
	}
}

var hubAccounts = []string{"CRANE_MIGRATE_SRC_USERNAME=alice", "CRANE_MIGRATE_SRC_PASSWORD=alice-pat",
	"CRANE_MIGRATE_DST_USERNAME=bob", "CRANE_MIGRATE_DST_PASSWORD=bob-pat"}

// TestPrivateArrivesPrivateWithMetadata: the destination repositories are
// created before the first push with the source's visibility, description
// and README; the sources are deprecated once they migrated cleanly.
func TestPrivateArrivesPrivateWithMetadata(t *testing.T) {
	t.Parallel()
	src, dst := newHubSide(t, "alice", "alice-pat"), newHubSide(t, "bob", "bob-pat")
	seedTags(t, src.reg.Host()+"/oldorg/secret:v1", src.reg.Host()+"/oldorg/secret:v2", src.reg.Host()+"/oldorg/open:v1")
	src.hub.SetRepository("oldorg", "secret", hubfake.Meta{Private: true, Description: "the secret app", FullDescription: "# Secret\nREADME",
		ImmutableTags: true, ImmutableRules: []string{`^v[0-9]+$`}})
	src.hub.SetRepository("oldorg", "open", hubfake.Meta{Description: "the open app", FullDescription: strings.Repeat("x", 25001),
		Categories: []hubfake.Category{{Name: "Networking", Slug: "networking"}}})

	r := cli(t, hubAccounts, "org", src.reg.Host()+"/oldorg", dst.reg.Host()+"/neworg",
		"--src-hub-api", src.url, "--dst-hub-api", dst.url, "--deprecate-source", "--copy-immutable-rules").expect(t, 0)
	secret, ok := dst.hub.Repository("neworg", "secret")
	if !secret.ImmutableTags || len(secret.ImmutableRules) != 1 || secret.ImmutableRules[0] != `^v[0-9]+$` {
		t.Errorf("neworg/secret immutable settings %v %v, want the source's rule applied", secret.ImmutableTags, secret.ImmutableRules)
	}
	if !ok || !secret.Private || secret.Description != "the secret app" || secret.FullDescription != "# Secret\nREADME" {
		t.Fatalf("neworg/secret = %+v (exists %v); want private with the source's texts", secret, ok)
	}
	if open, _ := dst.hub.Repository("neworg", "open"); open.Private || open.FullDescription != "" || open.Description != "the open app" {
		t.Errorf("neworg/open = %+v; want public, its description, and no README (the source's is over the limit)", open)
	}
	for _, repo := range r.report.Repositories {
		if strings.HasSuffix(repo.Destination, "/open") && !strings.Contains(repo.Metadata, "25001 characters") { // Docker counts characters (issue 13)
			t.Errorf("the over-long README is not reported: %+v", repo)
		}
		if strings.HasSuffix(repo.Destination, "/open") && !strings.Contains(repo.Categories, "Networking") {
			t.Errorf("the categories left to set by hand are not reported: %+v", repo)
		}
	}
	for _, repo := range []string{"secret", "open"} {
		m, _ := src.hub.Repository("oldorg", repo)
		if m.Description != "Moved to neworg/"+repo {
			t.Errorf("oldorg/%s description %q, want it deprecated", repo, m.Description)
		}
	}
	var created int
	for _, repo := range r.report.Repositories {
		if repo.Created && repo.Deprecated {
			created++
		}
	}
	if created != 2 || r.report.Summary.Copied != 3 {
		t.Errorf("report %+v", r.report)
	}
}

// TestCreateFailureStopsTheRepository: if the destination repository cannot
// be created (an access token without the create scope), nothing is pushed
// to it.
func TestCreateFailureStopsTheRepository(t *testing.T) {
	t.Parallel()
	src, dst := newHubSide(t, "alice", "alice-pat"), newHubSide(t, "bob", "bob-pat")
	seedTags(t, src.reg.Host()+"/oldorg/secret:v1")
	src.hub.SetRepository("oldorg", "secret", hubfake.Meta{Private: true})
	refuse := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && strings.HasSuffix(strings.TrimSuffix(r.URL.Path, "/"), "/repositories") {
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprint(w, `{"detail":"access token is missing scope-repository-create"}`)
			return
		}
		dst.hub.ServeHTTP(w, r)
	}))
	t.Cleanup(refuse.Close)
	writes := harness.MustNewProxy(t, dst.reg.URL())
	r := cli(t, hubAccounts, "org", src.reg.Host()+"/oldorg", writes.Host()+"/neworg",
		"--src-hub-api", src.url, "--dst-hub-api", refuse.URL).expect(t, 1)
	if !strings.Contains(r.stdout, "scope-repository-create") {
		t.Errorf("the failure does not say why:\n%s", r.stdout)
	}
	for _, req := range writes.Requests() {
		if req.Method != http.MethodGet && req.Method != http.MethodHead {
			t.Errorf("%s %s reached the destination registry although the repository could not be created", req.Method, req.Path)
		}
	}
	if m, _ := src.hub.Repository("oldorg", "secret"); strings.HasPrefix(m.Description, "Moved") {
		t.Error("the source was deprecated although nothing migrated")
	}
}

// TestPrivateSourceNeverLandsInAPublicDestination: an existing public
// destination repository refuses a private source's images, in org and copy
// mode alike, until the user says otherwise; the rest of the org migrates.
func TestPrivateSourceNeverLandsInAPublicDestination(t *testing.T) {
	t.Parallel()
	src, dst := newHubSide(t, "alice", "alice-pat"), newHubSide(t, "bob", "bob-pat")
	seedTags(t, src.reg.Host()+"/oldorg/secret:v1", src.reg.Host()+"/oldorg/open:v1", dst.reg.Host()+"/neworg/secret:old")
	src.hub.SetRepository("oldorg", "secret", hubfake.Meta{Private: true})
	tags := func() []string {
		t.Helper()
		got, err := crane.ListTags(dst.reg.Host() + "/neworg/secret")
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	hubs := []string{"--src-hub-api", src.url, "--dst-hub-api", dst.url}

	r := cli(t, hubAccounts, append([]string{"org", src.reg.Host() + "/oldorg", dst.reg.Host() + "/neworg"}, hubs...)...).expect(t, 1)
	if got := tags(); len(got) != 1 || got[0] != "old" {
		t.Errorf("neworg/secret tags %v: a private image was pushed into a public repository", got)
	}
	if !strings.Contains(r.stdout, "--allow-public-destination") || r.report.Summary.Copied != 1 {
		t.Errorf("want the refusal explained and oldorg/open copied; summary %+v\n%s", r.report.Summary, r.stdout)
	}
	refused := false
	for _, repo := range r.report.Repositories {
		refused = refused || strings.HasSuffix(repo.Destination, "/secret") && strings.Contains(repo.Error, "private")
	}
	if !refused {
		t.Errorf("the report's repositories do not say neworg/secret was refused: %+v", r.report.Repositories)
	}

	cli(t, hubAccounts, append([]string{"copy", src.reg.Host() + "/oldorg/secret:v1", dst.reg.Host() + "/neworg/secret:v1"}, hubs...)...).expect(t, 1)
	if got := tags(); len(got) != 1 {
		t.Errorf("copy pushed into the public repository: tags %v", got)
	}

	cli(t, hubAccounts, append([]string{"repo", src.reg.Host() + "/oldorg/secret", dst.reg.Host() + "/neworg/secret", "--allow-public-destination"}, hubs...)...).expect(t, 0)
	if got := tags(); len(got) != 2 {
		t.Errorf("--allow-public-destination: tags %v, want old and v1", got)
	}
}

// TestDeprecateOnlyAfterSuccess: one tag failing keeps the source as it was.
func TestDeprecateOnlyAfterSuccess(t *testing.T) {
	t.Parallel()
	src, dst := newHubSide(t, "alice", "alice-pat"), newHubSide(t, "bob", "bob-pat")
	seedTags(t, src.reg.Host()+"/oldorg/app:good", src.reg.Host()+"/oldorg/app:bad")
	src.hub.SetRepository("oldorg", "app", hubfake.Meta{Description: "original"})
	broken := harness.MustNewProxy(t, dst.reg.URL(), harness.WithFault(func(r *http.Request) *harness.Fault {
		if r.Method == http.MethodPut && strings.HasSuffix(r.URL.Path, "/manifests/bad") {
			return &harness.Fault{Status: http.StatusBadRequest, Body: []byte(`{"errors":[{"code":"MANIFEST_INVALID","message":"refused"}]}`)}
		}
		return nil
	}))
	r := cli(t, hubAccounts, "repo", src.reg.Host()+"/oldorg/app", broken.Host()+"/neworg/app",
		"--src-hub-api", src.url, "--dst-hub-api", dst.url, "--deprecate-source").expect(t, 1)
	if m, _ := src.hub.Repository("oldorg", "app"); m.Description != "original" {
		t.Errorf("source description %q: deprecated although a tag failed", m.Description)
	}
	if r.report.Summary.Copied != 1 || r.report.Summary.Failed != 1 {
		t.Errorf("summary %+v", r.report.Summary)
	}
}

func TestExportCSVAcrossPages(t *testing.T) {
	t.Parallel()
	src := newHubSide(t, "alice", "alice-pat")
	const n = 105 // the client asks for 100 a page
	if _, err := harness.SeedImage(context.Background(), src.reg.Host()+"/oldorg/r000:v1"); err != nil {
		t.Fatal(err)
	}
	for i := 1; i < n; i++ {
		if err := harness.Tag(context.Background(), src.reg.Host()+"/oldorg/r000:v1", fmt.Sprintf("%s/oldorg/r%03d:v1", src.reg.Host(), i)); err != nil {
			t.Fatal(err)
		}
	}
	src.hub.SetRepository("oldorg", "r007", hubfake.Meta{Private: true})
	env := []string{"CRANE_MIGRATE_USERNAME=alice", "CRANE_MIGRATE_PASSWORD=alice-pat"}
	r := cli(t, env, "export", src.reg.Host()+"/oldorg", "--hub-api", src.url).expect(t, 0)
	rows, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != n+1 || strings.Join(rows[0], ",") != "namespace,name,is_private,last_updated,pull_count,star_count" {
		t.Fatalf("%d rows, header %v", len(rows), rows[0])
	}
	private := 0
	for _, row := range rows[1:] {
		if row[2] == "true" {
			private++
		}
	}
	if private != 1 {
		t.Errorf("%d private rows, want 1 (r007)", private)
	}
	js := cli(t, env, "export", src.reg.Host()+"/oldorg", "--hub-api", src.url, "--format", "json").expect(t, 0)
	var repos []map[string]any
	if err := json.Unmarshal([]byte(js.stdout), &repos); err != nil || len(repos) != n {
		t.Errorf("json export: %d repositories, %v", len(repos), err)
	}
}

func TestHubAccountsThatCannotSeeEverything(t *testing.T) {
	t.Parallel()
	src := newHubSide(t, "alice", "alice-pat", hubfake.WithAccount("oat", "oat-secret", hubfake.OATWithoutRepositoryList()),
		hubfake.WithAccount("carol", "carol-pw", hubfake.TwoFactor()))
	seedTags(t, src.reg.Host()+"/oldorg/open:v1", src.reg.Host()+"/oldorg/secret:v1")
	src.hub.SetRepository("oldorg", "secret", hubfake.Meta{Private: true})

	oat := cli(t, []string{"CRANE_MIGRATE_USERNAME=oat", "CRANE_MIGRATE_PASSWORD=oat-secret"},
		"export", src.reg.Host()+"/oldorg", "--hub-api", src.url).expect(t, 0)
	if strings.Contains(oat.stdout, "secret") || !strings.Contains(oat.stderr, "scope-repository-list") {
		t.Errorf("an OAT without list scope: stdout %q, stderr %q; want public only and a warning", oat.stdout, oat.stderr)
	}
	dst := harness.MustStartRegistry(t)
	twoFA := cli(t, []string{"CRANE_MIGRATE_SRC_USERNAME=carol", "CRANE_MIGRATE_SRC_PASSWORD=carol-pw"},
		"org", src.reg.Host()+"/oldorg", dst.Host()+"/neworg", "--src-hub-api", src.url).expect(t, 2)
	if !strings.Contains(twoFA.stderr, "personal access token") {
		t.Errorf("a 2FA login does not point at personal access tokens:\n%s", twoFA.stderr)
	}
}

// TestHubTokenExpiresDuringTheRun: tokens live a second here; the run logs
// in again and finishes.
func TestHubTokenExpiresDuringTheRun(t *testing.T) {
	t.Parallel()
	src := newHubSide(t, "alice", "alice-pat", hubfake.WithTokenTTL(time.Second))
	for i := range 6 {
		seedTags(t, fmt.Sprintf("%s/oldorg/app%d:v1", src.reg.Host(), i))
	}
	// Both the registry and the Hub API are slow: listing 6 repositories
	// (a page of them, then a page of tags each, 4 at a time at --jobs 1:
	// 3 rounds) takes 1.8 s, so the listing itself outlives the token,
	// however fast the copies are.
	slow := harness.MustNewProxy(t, src.reg.URL(), harness.WithDelay(150*time.Millisecond))
	slowHub := harness.MustNewProxy(t, src.url, harness.WithDelay(600*time.Millisecond))
	dst := harness.MustStartRegistry(t)
	r := cli(t, []string{"CRANE_MIGRATE_SRC_USERNAME=alice", "CRANE_MIGRATE_SRC_PASSWORD=alice-pat"},
		"org", slow.Host()+"/oldorg", dst.Host()+"/neworg", "--src-hub-api", slowHub.URL(), "--jobs", "1").expect(t, 0)
	if r.report.Summary.Copied != 6 {
		t.Fatalf("summary %+v", r.report.Summary)
	}
	if n := src.hub.Counts()[hubfake.RouteAuthToken]; n < 2 {
		t.Errorf("logged in %d times over a run longer than the token's life", n)
	}
}

// TestPlanOutputAndConflicts: the dry-run plan against a seeded
// destination, --output json, --no-clobber and signature tags.
func TestPlanOutputAndConflicts(t *testing.T) {
	t.Parallel()
	src, dst := harness.MustStartRegistry(t), harness.MustStartRegistry(t)
	img, err := harness.SeedImage(context.Background(), src.Host()+"/oldorg/app:v1")
	if err != nil {
		t.Fatal(err)
	}
	seedTags(t, src.Host()+"/oldorg/app:v2", src.Host()+"/oldorg/app:v3")
	sig := "sha256-" + img.Hex + ".sig"
	if err := harness.Tag(context.Background(), src.Host()+"/oldorg/app:v3", src.Host()+"/oldorg/app:"+sig); err != nil {
		t.Fatal(err)
	}
	// dev is excluded by the filter, so its signature must stay behind too.
	dev, err := harness.SeedImage(context.Background(), src.Host()+"/oldorg/app:dev")
	if err != nil {
		t.Fatal(err)
	}
	devSig := "sha256-" + dev.Hex + ".att"
	if err := harness.Tag(context.Background(), src.Host()+"/oldorg/app:v3", src.Host()+"/oldorg/app:"+devSig); err != nil {
		t.Fatal(err)
	}
	if err := harness.Tag(context.Background(), src.Host()+"/oldorg/app:v1", dst.Host()+"/neworg/app:v1"); err != nil {
		t.Fatal(err) // already there: skip
	}
	seedTags(t, dst.Host()+"/neworg/app:v2") // there with another digest: overwrite, or conflict
	args := []string{"repo", src.Host() + "/oldorg/app", dst.Host() + "/neworg/app", "--exclude", "^dev$"}

	plan := cli(t, nil, append(args, "--dry-run")...).expect(t, 0)
	line := ""
	for _, l := range strings.Split(plan.stdout, "\n") {
		if strings.HasPrefix(l, dst.Host()+"/neworg/app") {
			line = strings.Join(strings.Fields(l)[1:], " ")
		}
	}
	// copy overwrite skip conflict excluded signatures failed
	if line != "1 1 1 0 2 1 0" {
		t.Errorf("plan row %q, want copy 1, overwrite 1, skip 1, excluded 2 (dev and its attestation), signatures 1:\n%s", line, plan.stdout)
	}

	js := cli(t, nil, append(args, "--no-clobber", "--output", "json")...).expect(t, 1)
	var rep report.Report
	if err := json.Unmarshal([]byte(js.stdout), &rep); err != nil {
		t.Fatalf("--output json is not JSON: %v\n%s", err, js.stdout)
	}
	if rep.Summary.Conflicts != 1 || rep.Summary.Copied != 1 || rep.Summary.Skipped != 1 || rep.Summary.Signatures != 1 {
		t.Errorf("summary %+v", rep.Summary)
	}
	for _, res := range rep.Results {
		if strings.HasSuffix(res.Destination, ":"+sig) && (!res.Signature || res.Status != report.StatusCopied) {
			t.Errorf("signature tag %+v", res)
		}
		if strings.HasSuffix(res.Destination, ":"+devSig) {
			t.Errorf("the attestation of the excluded dev image was migrated: %+v", res)
		}
	}
	skip := cli(t, nil, append(args, "--skip-signatures", "--dry-run", "--output", "json")...).expect(t, 0)
	if strings.Contains(skip.stdout, sig) {
		t.Error("--skip-signatures still lists the signature tag")
	}
}

// TestRerunChecksFromHubListingsAlone: when both sides have a Docker Hub API,
// a re-run with nothing to do learns every digest from the tag listings
// (about one page per 100 tags per side) and sends no manifest GET to
// either registry.
func TestRerunChecksFromHubListingsAlone(t *testing.T) {
	t.Parallel()
	src, dst := newHubSide(t, "alice", "alice-pat"), newHubSide(t, "bob", "bob-pat")
	const n = 150
	seedTags(t, src.reg.Host()+"/oldorg/big:t000", src.reg.Host()+"/oldorg/big:t001")
	for i := 2; i < n; i++ {
		if err := harness.Tag(ctx, fmt.Sprintf("%s/oldorg/big:t%03d", src.reg.Host(), i%2), fmt.Sprintf("%s/oldorg/big:t%03d", src.reg.Host(), i)); err != nil {
			t.Fatal(err)
		}
	}
	srcProxy, dstProxy := harness.MustNewProxy(t, src.reg.URL()), harness.MustNewProxy(t, dst.reg.URL())
	args := []string{"repo", srcProxy.Host() + "/oldorg/big", dstProxy.Host() + "/neworg/big", "--src-hub-api", src.url, "--dst-hub-api", dst.url}
	cli(t, hubAccounts, args...).expect(t, 0)

	srcProxy.Reset()
	dstProxy.Reset()
	srcPages, dstPages := src.hub.Counts()[hubfake.RouteTags], dst.hub.Counts()[hubfake.RouteTags]
	again := cli(t, hubAccounts, args...).expect(t, 0)
	if s := again.report.Summary; s.Skipped != n || s.Copied != 0 {
		t.Fatalf("re-run summary %+v, want all %d skipped", s, n)
	}
	// A re-run looks for artifacts attached since (issue 14): on a source
	// without the referrers API, one HEAD of the fallback tag per unique
	// image (2 here), never a GET (a pull on Docker Hub). The destination
	// is not asked: the source has none.
	for side, most := range map[*harness.Proxy]int{srcProxy: 2, dstProxy: 0} {
		c := side.Counts()
		if c[harness.ManifestGet] != 0 || c[harness.ManifestHead] > most {
			t.Errorf("re-run: %d manifest GETs and %d HEADs on %s, want no GET and at most %d HEADs", c[harness.ManifestGet], c[harness.ManifestHead], side.Host(), most)
		}
	}
	// 150 tags at 100 a page: two pages a side.
	if s, d := src.hub.Counts()[hubfake.RouteTags]-srcPages, dst.hub.Counts()[hubfake.RouteTags]-dstPages; s != 2 || d != 2 {
		t.Errorf("re-run tag pages: source %d, destination %d; want 2 each", s, d)
	}
}
