package e2e

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-containerregistry/pkg/crane"

	"github.com/crane-migrate/crane-migrate/e2e/harness"
	"github.com/crane-migrate/crane-migrate/e2e/hubfake"
	"github.com/crane-migrate/crane-migrate/report"
)

// tokenSide is a registry with the strict fake Hub in front of it, whose
// only account is the one given.
func tokenSide(t *testing.T, user, secret string, kind ...hubfake.AccountOption) hubSide {
	t.Helper()
	reg := harness.MustStartRegistry(t)
	hub := hubfake.New(reg.URL(), hubfake.WithAccount(user, secret, kind...))
	srv := httptest.NewServer(hub)
	t.Cleanup(srv.Close)
	return hubSide{reg: reg, hub: hub, url: srv.URL}
}

// hubRepository is the report's entry for the destination ending in suffix.
func hubRepository(t *testing.T, r run, suffix string) report.Repository {
	t.Helper()
	for _, repo := range r.report.Repositories {
		if strings.HasSuffix(repo.Destination, suffix) {
			return repo
		}
	}
	t.Fatalf("no repository %s in the report: %+v", suffix, r.report.Repositories)
	return report.Repository{}
}

func listTags(t *testing.T, repo string) []string {
	t.Helper()
	tags, err := crane.ListTags(repo)
	if err != nil {
		return nil // no such repository: nothing copied
	}
	slices.Sort(tags)
	return tags
}

// TestTokensOATSourcePATReadWriteDestination: the usual real-world pair. The
// source is read with an organization access token holding only
// scope-image-pull and scope-repository-list; the destination is written
// with a personal access token "Read & Write". Every tag is copied and
// verified, a new repository is created with its texts, but an existing
// destination's description and README need "Read, Write, Delete": that
// update is refused, the report says which token would do, and the run
// still exits 0, as metadata outcomes are recorded per repository and never
// fail a run whose images all arrived (the images are the migration; the
// texts can be set again with the right token).
func TestTokensOATSourcePATReadWriteDestination(t *testing.T) {
	t.Parallel()
	src := tokenSide(t, "oldorg", "oat-secret", hubfake.OAT(hubfake.ScopeImagePull, hubfake.ScopeRepositoryList))
	dst := tokenSide(t, "bob", "bob-pat-rw", hubfake.PAT(hubfake.PATReadWrite))
	seedTags(t, src.reg.Host()+"/oldorg/app:v1", src.reg.Host()+"/oldorg/app:v2",
		src.reg.Host()+"/oldorg/secret:v1", dst.reg.Host()+"/neworg/app:old")
	src.hub.SetRepository("oldorg", "app", hubfake.Meta{Description: "the app", FullDescription: "# App"})
	src.hub.SetRepository("oldorg", "secret", hubfake.Meta{Private: true, Description: "the secret", FullDescription: "# Secret"})

	env := []string{"CRANE_MIGRATE_SRC_USERNAME=oldorg", "CRANE_MIGRATE_SRC_PASSWORD=oat-secret",
		"CRANE_MIGRATE_DST_USERNAME=bob", "CRANE_MIGRATE_DST_PASSWORD=bob-pat-rw"}
	r := cli(t, env, "org", src.reg.Host()+"/oldorg", dst.reg.Host()+"/neworg",
		"--src-hub-api", src.url, "--dst-hub-api", dst.url).expect(t, 0)

	for repo, want := range map[string][]string{"app": {"old", "v1", "v2"}, "secret": {"v1"}} {
		if got := listTags(t, dst.reg.Host()+"/neworg/"+repo); !slices.Equal(got, want) {
			t.Errorf("neworg/%s tags %v, want %v", repo, got, want)
		}
	}
	if s := r.report.Summary; s.Copied != 3 || s.Failed != 0 {
		t.Errorf("summary %+v, want 3 copied, none failed", s)
	}
	if m, _ := dst.hub.Repository("neworg", "secret"); !m.Private || m.Description != "the secret" || m.FullDescription != "# Secret" {
		t.Errorf("neworg/secret %+v: want created private with the source's texts", m)
	}
	if m, _ := dst.hub.Repository("neworg", "app"); m.Description != "" || m.FullDescription != "" {
		t.Errorf("neworg/app %+v: the texts changed although the token may not change them", m)
	}
	app := hubRepository(t, r, "/neworg/app")
	if !strings.HasPrefix(app.Metadata, "failed") || !strings.Contains(app.Metadata, "Read, Write, Delete") {
		t.Errorf("neworg/app metadata %q: want the refusal with the token it needs", app.Metadata)
	}
	if secret := hubRepository(t, r, "/neworg/secret"); !secret.Created || strings.HasPrefix(secret.Metadata, "failed") {
		t.Errorf("neworg/secret %+v: want created with its texts", secret)
	}
}

// TestTokensPasswordLoginWithoutTheTokenRoute: a Hub without /v2/auth/token is
// logged in to with /v2/users/login and the password; a wrong password is
// sent once, to the route that exists, and stops the run before anything
// is copied (exit 2, the credentials error).
func TestTokensPasswordLoginWithoutTheTokenRoute(t *testing.T) {
	t.Parallel()
	src := tokenSide(t, "alice", "alice-pw")
	seedTags(t, src.reg.Host()+"/oldorg/app:v1")
	var tokenCalls atomic.Int32
	old := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/v2/auth/token") {
			tokenCalls.Add(1)
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"detail":"Not found."}`)
			return
		}
		src.hub.ServeHTTP(w, r)
	}))
	t.Cleanup(old.Close)
	tests := []struct {
		name, password string
		code, logins   int
		tags           []string
	}{
		{"right password", "alice-pw", 0, 1, []string{"v1"}},
		{"wrong password", "nope", 2, 1, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src.hub.Reset()
			dst := harness.MustStartRegistry(t)
			r := cli(t, []string{"CRANE_MIGRATE_SRC_USERNAME=alice", "CRANE_MIGRATE_SRC_PASSWORD=" + tt.password},
				"org", src.reg.Host()+"/oldorg", dst.Host()+"/neworg", "--src-hub-api", old.URL).expect(t, tt.code)
			if n := src.hub.Counts()[hubfake.RouteLogin]; n != tt.logins {
				t.Errorf("%d /v2/users/login requests, want %d", n, tt.logins)
			}
			if got := listTags(t, dst.Host()+"/neworg/app"); !slices.Equal(got, tt.tags) {
				t.Errorf("tags copied %v, want %v", got, tt.tags)
			}
			if strings.Contains(r.stdout+r.stderr, tt.password) {
				t.Error("the password is in the output")
			}
		})
	}
	if n := tokenCalls.Load(); n != 2 {
		t.Errorf("%d /v2/auth/token requests, want one a run", n)
	}
}

// TestTokensPATReadOnlyDestinationCannotCreate: a read-only PAT may not create the
// destination repository: nothing is pushed to it, the run exits 1 (a
// repository failed), and the message says which token would do.
func TestTokensPATReadOnlyDestinationCannotCreate(t *testing.T) {
	t.Parallel()
	src := tokenSide(t, "alice", "alice-pat", hubfake.PAT(hubfake.PATReadOnly))
	dst := tokenSide(t, "bob", "bob-pat-ro", hubfake.PAT(hubfake.PATReadOnly))
	seedTags(t, src.reg.Host()+"/oldorg/app:v1")
	writes := harness.MustNewProxy(t, dst.reg.URL())
	env := []string{"CRANE_MIGRATE_SRC_USERNAME=alice", "CRANE_MIGRATE_SRC_PASSWORD=alice-pat",
		"CRANE_MIGRATE_DST_USERNAME=bob", "CRANE_MIGRATE_DST_PASSWORD=bob-pat-ro"}
	r := cli(t, env, "org", src.reg.Host()+"/oldorg", writes.Host()+"/neworg",
		"--src-hub-api", src.url, "--dst-hub-api", dst.url).expect(t, 1)
	if !strings.Contains(r.stdout, "Read & Write") || !strings.Contains(r.stdout, "scope-repository-create") {
		t.Errorf("the failure does not say which token would do:\n%s", r.stdout)
	}
	if app := hubRepository(t, r, "/neworg/app"); !strings.Contains(app.Error, "403") {
		t.Errorf("neworg/app %+v: want the refused creation", app)
	}
	for _, req := range writes.Requests() {
		if req.Method != http.MethodGet && req.Method != http.MethodHead {
			t.Errorf("%s %s reached the destination registry although the repository could not be created", req.Method, req.Path)
		}
	}
	if _, ok := dst.hub.Repository("neworg", "app"); ok {
		t.Error("neworg/app exists at the destination Hub")
	}
}
