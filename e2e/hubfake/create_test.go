package hubfake_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/crane-migrate/crane-migrate/e2e/hubfake"
)

// TestCreateRepository creates repositories the way a migration does before
// its first push, then lists them.
func TestCreateRepository(t *testing.T) {
	t.Parallel()
	e := newEnv(t, hubfake.WithAccount("alice", "alice-pw"))
	e.seed(t, "org/pushed:v1")
	tok := e.token(t, "alice", "alice-pw")
	body := func(name string, private bool) map[string]any {
		return map[string]any{"name": name, "namespace": "org", "description": "about " + name,
			"full_description": "# " + name, "registry": "docker.io", "is_private": private}
	}
	tests := []struct { // in order: later ones find what earlier ones created
		name, token string
		body        any
		status      int
	}{
		{"anonymous", "", body("web", false), http.StatusUnauthorized},
		{"unknown token", "not-a-token", body("web", false), http.StatusUnauthorized},
		{"public", tok, body("web", false), http.StatusCreated},
		{"private", tok, body("secret", true), http.StatusCreated},
		{"again", tok, body("web", false), http.StatusBadRequest},
		{"again with the other visibility", tok, body("secret", false), http.StatusBadRequest},
		{"pushed before", tok, body("pushed", false), http.StatusBadRequest},
		{"no name", tok, map[string]any{"namespace": "org"}, http.StatusBadRequest},
		{"nested name", tok, body("team/tool", false), http.StatusBadRequest},
		{"upper case", tok, body("Web", false), http.StatusBadRequest},
		{"namespace differs from the URL's", tok, map[string]any{"name": "x", "namespace": "other"}, http.StatusBadRequest},
		{"not an object", tok, "web", http.StatusBadRequest},
	}
	for _, tt := range tests {
		a := call(t, http.MethodPost, e.hub.URL+"/v2/namespaces/org/repositories", tt.token, tt.body)
		var out map[string]any
		a.decode(t, &out)
		if a.status != tt.status {
			t.Errorf("%s: %d %s, want %d", tt.name, a.status, a.body, tt.status)
		}
		if tt.status == http.StatusCreated {
			b := tt.body.(map[string]any)
			if out["name"] != b["name"] || out["namespace"] != "org" || out["is_private"] != b["is_private"] || out["description"] != b["description"] {
				t.Errorf("%s: created %v, want it as asked %v", tt.name, out, b)
			}
		}
	}
	if got := e.fake.Counts()[hubfake.RouteCreate]; got != len(tests) {
		t.Errorf("create requests counted: %d, want %d", got, len(tests))
	}

	meta, ok := e.fake.Repository("org", "secret")
	if d := cmp.Diff(hubfake.Meta{Private: true, Description: "about secret", FullDescription: "# secret"}, meta); !ok || d != "" {
		t.Errorf("Repository(org, secret): ok %v (-want +got):\n%s", ok, d)
	}
	if _, ok := e.fake.Repository("org", "pushed"); ok {
		t.Error("Repository(org, pushed) has metadata; the failed create must not add any")
	}

	// Listed before anything is pushed, with the visibility asked for.
	for _, tt := range []struct {
		token string
		want  []string
	}{{"", []string{"pushed", "web"}}, {tok, []string{"pushed", "secret", "web"}}} {
		var p page
		e.get(t, "/v2/namespaces/org/repositories", tt.token).decode(t, &p)
		if d := cmp.Diff(tt.want, p.names(t)); d != "" || p.Count != len(tt.want) {
			t.Errorf("listing with token %v: count %d (-want +got):\n%s", tt.token != "", p.Count, d)
		}
	}
	if a := e.get(t, "/v2/namespaces/org/repositories/secret", ""); a.status != http.StatusNotFound {
		t.Errorf("anonymous GET of the private repository: %d, want 404", a.status)
	}
	var one map[string]any
	e.get(t, "/v2/namespaces/org/repositories/secret", tok).decode(t, &one)
	if one["full_description"] != "# secret" || one["last_updated"] != nil || one["is_private"] != true {
		t.Errorf("GET of the created repository: %v", one)
	}
	if a := e.get(t, "/v2/namespaces/org/repositories/web/tags", ""); a.status != http.StatusOK ||
		string(a.body) != `{"count":0,"next":null,"previous":null,"results":[]}`+"\n" {
		t.Errorf("tags of a repository nothing was pushed to: %d %s", a.status, a.body)
	}

	// The first push fills it, and it is still listed once.
	e.seed(t, "org/web:v1")
	var p page
	e.get(t, "/v2/namespaces/org/repositories", "").decode(t, &p)
	if d := cmp.Diff([]string{"pushed", "web"}, p.names(t)); d != "" {
		t.Errorf("listing after the push (-want +got):\n%s", d)
	}
	e.get(t, "/v2/namespaces/org/repositories/web/tags", "").decode(t, &p)
	if d := cmp.Diff([]string{"v1"}, p.names(t)); d != "" {
		t.Errorf("tags after the push (-want +got):\n%s", d)
	}
}

// TestUpdateRepository changes descriptions on both routes the Hub accepts;
// only the fields sent change.
func TestUpdateRepository(t *testing.T) {
	t.Parallel()
	c := newClock()
	e := newEnv(t, hubfake.WithAccount("alice", "pw"), hubfake.WithClock(c.Now))
	e.seed(t, "org/app:v1")
	cats := []hubfake.Category{{Name: "Databases & Storage", Slug: "databases-and-storage"}}
	e.fake.SetRepository("org", "app", hubfake.Meta{Description: "old", FullDescription: "# old", Categories: cats})
	tok := e.token(t, "alice", "pw")
	if a := call(t, http.MethodPost, e.hub.URL+"/v2/namespaces/org/repositories", tok, map[string]any{"name": "fresh"}); a.status != http.StatusCreated {
		t.Fatalf("creating org/fresh: %d %s", a.status, a.body)
	}
	desc := func(s string) map[string]any { return map[string]any{"description": s} }
	tests := []struct { // in order: each starts from what the one before left
		name, path, token string
		body              any
		status            int
		want              hubfake.Meta // of org/app afterwards
	}{
		{"anonymous", "/v2/repositories/org/app/", "", desc("x"), http.StatusUnauthorized,
			hubfake.Meta{Description: "old", FullDescription: "# old", Categories: cats}},
		{"both fields", "/v2/repositories/org/app/", tok, map[string]any{"description": "new", "full_description": "# new"}, http.StatusOK,
			hubfake.Meta{Description: "new", FullDescription: "# new", Categories: cats}},
		{"description only", "/v2/repositories/org/app/", tok, desc("newer"), http.StatusOK,
			hubfake.Meta{Description: "newer", FullDescription: "# new", Categories: cats}},
		{"namespaces route", "/v2/namespaces/org/repositories/app", tok, map[string]any{"full_description": "# newest"}, http.StatusOK,
			hubfake.Meta{Description: "newer", FullDescription: "# newest", Categories: cats}},
		{"without the trailing slash, to empty", "/v2/repositories/org/app", tok, desc(""), http.StatusOK,
			hubfake.Meta{FullDescription: "# newest", Categories: cats}},
		{"not an object", "/v2/repositories/org/app/", tok, "x", http.StatusBadRequest,
			hubfake.Meta{FullDescription: "# newest", Categories: cats}},
		{"missing repository", "/v2/repositories/org/ghost/", tok, desc("x"), http.StatusNotFound,
			hubfake.Meta{FullDescription: "# newest", Categories: cats}},
	}
	for _, tt := range tests {
		c.advance(time.Minute)
		a := call(t, http.MethodPatch, e.hub.URL+tt.path, tt.token, tt.body)
		if a.status != tt.status {
			t.Errorf("%s: %d %s, want %d", tt.name, a.status, a.body, tt.status)
		}
		if got, _ := e.fake.Repository("org", "app"); !cmp.Equal(tt.want, got) {
			t.Errorf("%s: Repository(org, app) (-want +got):\n%s", tt.name, cmp.Diff(tt.want, got))
		}
		if a.status != http.StatusOK {
			continue
		}
		var out map[string]any
		a.decode(t, &out)
		if out["description"] != tt.want.Description || out["full_description"] != tt.want.FullDescription ||
			out["last_modified"] != c.Now().Format("2006-01-02T15:04:05.000000Z") {
			t.Errorf("%s: answer %v, want the new descriptions modified now", tt.name, out)
		}
	}
	if _, ok := e.fake.Repository("org", "ghost"); ok {
		t.Error("a failed update left metadata for org/ghost")
	}
	if got := e.fake.Counts()[hubfake.RouteUpdate]; got != len(tests) {
		t.Errorf("update requests counted: %d, want %d", got, len(tests))
	}

	// A repository created before its first push takes an update too.
	if a := call(t, http.MethodPatch, e.hub.URL+"/v2/repositories/org/fresh/", tok, desc("fresh")); a.status != http.StatusOK {
		t.Errorf("update of a created repository: %d %s", a.status, a.body)
	}
	var one map[string]any
	e.get(t, "/v2/namespaces/org/repositories/fresh", "").decode(t, &one)
	if one["description"] != "fresh" {
		t.Errorf("GET after the update: %v", one)
	}
}
