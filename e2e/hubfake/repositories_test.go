package hubfake_test

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/crane-migrate/crane-migrate/e2e/harness"
	"github.com/crane-migrate/crane-migrate/e2e/hubfake"
)

// TestRepositoryVisibility lists a namespace with public and private
// repositories as each kind of caller.
func TestRepositoryVisibility(t *testing.T) {
	t.Parallel()
	e := newEnv(t,
		hubfake.WithAccount("alice", "alice-pw"),
		hubfake.WithAccount("org", "oat-no-list", hubfake.OATWithoutRepositoryList()))
	for _, ref := range []string{"org/api:v1", "org/secret:v1", "org/web:v1", "org/team/tool:v1", "orgs/other:v1", "other/api:v1"} {
		e.seed(t, ref)
	}
	e.fake.SetRepository("org", "secret", hubfake.Meta{Private: true, Description: "hush"})
	alice, oat := e.token(t, "alice", "alice-pw"), e.token(t, "org", "oat-no-list")

	tests := []struct {
		name, token string
		list        []string
		secret      int // status of GET org/secret and of its tags
	}{
		{"anonymous", "", []string{"api", "team/tool", "web"}, http.StatusNotFound},
		{"account", alice, []string{"api", "secret", "team/tool", "web"}, http.StatusOK},
		{"OAT without list scope", oat, []string{"api", "team/tool", "web"}, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := e.get(t, "/v2/namespaces/org/repositories", tt.token)
			var p page
			a.decode(t, &p)
			if d := cmp.Diff(tt.list, p.names(t)); d != "" || p.Count != len(tt.list) {
				t.Errorf("count %d, repositories (-want +got):\n%s", p.Count, d)
			}
			if got := e.get(t, "/v2/namespaces/org/repositories/secret", tt.token).status; got != tt.secret {
				t.Errorf("GET org/secret = %d, want %d", got, tt.secret)
			}
			if got := e.get(t, "/v2/namespaces/org/repositories/secret/tags", tt.token).status; got != tt.secret {
				t.Errorf("GET org/secret tags = %d, want %d", got, tt.secret)
			}
		})
	}
	// A nested repository is reached with its slash escaped, as clients send it.
	if a := e.get(t, "/v2/namespaces/org/repositories/team%2Ftool/tags", ""); a.status != http.StatusOK {
		t.Errorf("tags of org/team/tool: %d %s", a.status, a.body)
	}
	if a := e.get(t, "/v2/namespaces/org/repositories/ghost", alice); a.status != http.StatusNotFound {
		t.Errorf("GET of a missing repository: %d, want 404", a.status)
	}
}

// TestRepositoryShapes checks every field of the listing and of the single
// GET against hub-api.md.
func TestRepositoryShapes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.seed(t, "org/app:v1")
	if err := harness.Tag(ctx, e.reg.Host()+"/org/app:v1", e.reg.Host()+"/org/app:latest"); err != nil {
		t.Fatal(err)
	}
	cats := []hubfake.Category{{Name: "Databases & Storage", Slug: "databases-and-storage"}}
	e.fake.SetRepository("org", "app", hubfake.Meta{Description: "short", FullDescription: "# README", Categories: cats})

	listKeys := []string{"affiliation", "categories", "content_types", "date_registered", "description", "is_private",
		"last_modified", "last_updated", "media_types", "name", "namespace", "pull_count", "repository_type",
		"star_count", "status", "status_description", "storage_size"}
	getKeys := append(append([]string{}, listKeys...), "full_description", "immutable_tags_settings", "permissions")

	var list struct{ Results []map[string]any }
	e.get(t, "/v2/namespaces/org/repositories", "").decode(t, &list)
	var one map[string]any
	e.get(t, "/v2/namespaces/org/repositories/app", "").decode(t, &one)
	tests := []struct {
		name string
		got  map[string]any
		keys []string
	}{
		{"listing", list.Results[0], listKeys},
		{"single", one, getKeys},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if d := cmp.Diff(sorted(tt.keys), keys(tt.got)); d != "" {
				t.Errorf("keys (-want +got):\n%s", d)
			}
			want := map[string]any{"name": "app", "namespace": "org", "repository_type": "image", "status": 1.0,
				"status_description": "active", "description": "short", "is_private": false,
				"media_types":   []any{"application/vnd.docker.distribution.manifest.v2+json"},
				"content_types": []any{"image"},
				"categories":    []any{map[string]any{"name": "Databases & Storage", "slug": "databases-and-storage"}}}
			for k, v := range want {
				if d := cmp.Diff(v, tt.got[k]); d != "" {
					t.Errorf("%s (-want +got):\n%s", k, d)
				}
			}
			if s, _ := tt.got["last_updated"].(string); len(s) != len("2006-01-02T15:04:05.000000Z") {
				t.Errorf("last_updated %v is not a Hub timestamp", tt.got["last_updated"])
			}
		})
	}
	if d := cmp.Diff(map[string]any{"read": true, "write": false, "admin": false}, one["permissions"]); d != "" {
		t.Errorf("anonymous permissions (-want +got):\n%s", d)
	}
	if one["full_description"] != "# README" {
		t.Errorf("full_description %v", one["full_description"])
	}
}

// TestRepositoryPagingAndOrdering pages a namespace of 25 repositories.
func TestRepositoryPagingAndOrdering(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var want []string
	for i := range 25 {
		want = append(want, tagName(i))
		e.seed(t, "org/"+tagName(i)+":v1")
	}
	var got []string
	for u := e.hub.URL + "/v2/namespaces/org/repositories?page_size=7&ordering=name"; u != ""; {
		var p page
		call(t, http.MethodGet, u, "", nil).decode(t, &p)
		got = append(got, p.names(t)...)
		u = ""
		if p.Next != nil {
			u = *p.Next
		}
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("following next (-want +got):\n%s", d)
	}
	var p page
	e.get(t, "/v2/namespaces/org/repositories?page_size=3&ordering=-name", "").decode(t, &p)
	if d := cmp.Diff([]string{"t024", "t023", "t022"}, p.names(t)); d != "" {
		t.Errorf("-name (-want +got):\n%s", d)
	}
	// t007 moves: pushed again, it is the most recently updated.
	e.seed(t, "org/t007:v1")
	e.get(t, "/v2/namespaces/org/repositories?page_size=2&ordering=-last_updated", "").decode(t, &p)
	if names := p.names(t); names[0] != "t007" {
		t.Errorf("-last_updated starts with %v, want t007", names)
	}
	if a := e.get(t, "/v2/namespaces/org/repositories?page=4&page_size=10", ""); a.status != http.StatusNotFound {
		t.Errorf("past the end: %d, want 404", a.status)
	}
	if a := e.get(t, "/v2/namespaces/empty/repositories", ""); a.status != http.StatusOK || string(a.body) != `{"count":0,"next":null,"previous":null,"results":[]}`+"\n" {
		t.Errorf("empty namespace: %d %s", a.status, a.body)
	}
}

func sorted(s []string) []string {
	m := map[string]any{}
	for _, k := range s {
		m[k] = nil
	}
	return keys(m)
}
