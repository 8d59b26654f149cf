package hubfake_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/crane-migrate/crane-migrate/e2e/hubfake"
)

// TestTokenKinds runs every route a migration uses with each kind of
// token, and checks the status and, for refusals, the Hub's message.
func TestTokenKinds(t *testing.T) {
	t.Parallel()
	all := []string{hubfake.ScopeImagePull, hubfake.ScopeImagePush, hubfake.ScopeRepositoryList,
		hubfake.ScopeRepositoryCreate, hubfake.ScopeRepositoryEdit}
	e := newEnv(t,
		hubfake.WithAccount("alice", "alice-pw", hubfake.Namespaces("org")),
		hubfake.WithAccount("alice", "pat-public", hubfake.PAT(hubfake.PATPublicReadOnly)),
		hubfake.WithAccount("alice", "pat-ro", hubfake.PAT(hubfake.PATReadOnly)),
		hubfake.WithAccount("alice", "pat-rw", hubfake.PAT(hubfake.PATReadWrite)),
		hubfake.WithAccount("alice", "pat-rwd", hubfake.PAT(hubfake.PATReadWriteDelete)),
		hubfake.WithAccount("org", "oat-all", hubfake.OAT(all...)),
		hubfake.WithAccount("org", "oat-pull-list", hubfake.OAT(hubfake.ScopeImagePull, hubfake.ScopeRepositoryList)),
		hubfake.WithAccount("org", "oat-app", hubfake.OATRepository("org/app", hubfake.ScopeImagePull)),
		hubfake.WithAccount("org", "oat-create", hubfake.OAT(hubfake.ScopeRepositoryCreate)))
	for _, ref := range []string{"org/app:v1", "org/secret:v1", "other/app:v1"} {
		e.seed(t, ref)
	}
	e.fake.SetRepository("org", "secret", hubfake.Meta{Private: true})

	const (
		scope  = "access denied: insufficient scope"
		oatNo  = "token issued from organization access token is not allowed"
		member = "You do not have permission to perform this action."
	)
	type want struct {
		status int
		msg    string // of a refusal
	}
	ok, created, hidden := want{200, ""}, want{201, ""}, want{404, ""}
	denied := want{403, scope}
	tests := []struct {
		name, user, secret string
		listsSecret        bool
		getSecret          want
		create             want // in org
		createOther        want // in a namespace the account is no member of
		legacyPatch        want // PATCH /v2/repositories/org/app/
		nsPatch            want // PATCH /v2/namespaces/org/repositories/app
		immutable          want
	}{
		{"password", "alice", "alice-pw", true, ok, created, want{403, member}, ok, ok, ok},
		{"PAT public read-only", "alice", "pat-public", false, hidden, denied, denied, denied, denied, denied},
		{"PAT read-only", "alice", "pat-ro", true, ok, denied, denied, denied, denied, denied},
		{"PAT read & write", "alice", "pat-rw", true, ok, created, created, denied, denied, denied},
		{"PAT read, write, delete", "alice", "pat-rwd", true, ok, created, created, ok, ok, ok},
		{"OAT with every scope", "org", "oat-all", true, ok, created, want{403, member}, want{403, oatNo}, ok, ok},
		{"OAT pull and list", "org", "oat-pull-list", true, ok, denied, want{403, member}, want{403, oatNo}, denied, denied},
		{"OAT pull on org/app only", "org", "oat-app", false, hidden, denied, want{403, member}, want{403, oatNo}, denied, denied},
		{"OAT create only", "org", "oat-create", false, hidden, created, want{403, member}, want{403, oatNo}, denied, denied},
	}
	check := func(t *testing.T, what string, a answer, w want) {
		t.Helper()
		var body map[string]any
		a.decode(t, &body)
		if a.status != w.status || (w.msg != "" && body["detail"] != w.msg) {
			t.Errorf("%s: %d %s, want %d %q", what, a.status, a.body, w.status, w.msg)
		}
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := e.token(t, tt.user, tt.secret)
			var p page
			e.get(t, "/v2/namespaces/org/repositories", tok).decode(t, &p)
			if got := slices.Contains(p.names(t), "secret"); got != tt.listsSecret {
				t.Errorf("listing shows the private repository: %v, want %v", got, tt.listsSecret)
			}
			check(t, "GET org/secret", e.get(t, "/v2/namespaces/org/repositories/secret", tok), tt.getSecret)
			newRepo := map[string]any{"name": fmt.Sprintf("new%d", i)}
			check(t, "create in org", call(t, http.MethodPost, e.hub.URL+"/v2/namespaces/org/repositories", tok, newRepo), tt.create)
			check(t, "create in other", call(t, http.MethodPost, e.hub.URL+"/v2/namespaces/other/repositories", tok, newRepo), tt.createOther)
			desc := map[string]any{"description": "by " + tt.name}
			check(t, "legacy PATCH", call(t, http.MethodPatch, e.hub.URL+"/v2/repositories/org/app/", tok, desc), tt.legacyPatch)
			check(t, "namespaces PATCH", call(t, http.MethodPatch, e.hub.URL+"/v2/namespaces/org/repositories/app", tok, desc), tt.nsPatch)
			imm := map[string]any{"immutable_tags": true, "immutable_tags_rules": []string{"^v"}}
			check(t, "immutable tags", call(t, http.MethodPatch, e.hub.URL+"/v2/namespaces/org/repositories/app/immutabletags", tok, imm), tt.immutable)
		})
	}
}

// TestPermissionsOfTheRepository: the single GET's permissions follow the token.
func TestPermissionsOfTheRepository(t *testing.T) {
	t.Parallel()
	e := newEnv(t, hubfake.WithAccount("alice", "pat-ro", hubfake.PAT(hubfake.PATReadOnly)),
		hubfake.WithAccount("alice", "pat-rw", hubfake.PAT(hubfake.PATReadWrite)),
		hubfake.WithAccount("alice", "pw"))
	e.seed(t, "org/app:v1")
	tests := []struct {
		secret string
		want   map[string]any
	}{
		{"pat-ro", map[string]any{"read": true, "write": false, "admin": false}},
		{"pat-rw", map[string]any{"read": true, "write": true, "admin": false}},
		{"pw", map[string]any{"read": true, "write": true, "admin": true}},
	}
	for _, tt := range tests {
		var one map[string]any
		e.get(t, "/v2/namespaces/org/repositories/app", e.token(t, "alice", tt.secret)).decode(t, &one)
		if fmt.Sprint(one["permissions"]) != fmt.Sprint(tt.want) {
			t.Errorf("%s: permissions %v, want %v", tt.secret, one["permissions"], tt.want)
		}
	}
}

// TestBearerOnly: the Hub API takes "Bearer <token>", nothing else.
func TestBearerOnly(t *testing.T) {
	t.Parallel()
	e := newEnv(t, hubfake.WithAccount("alice", "pw"))
	tok := e.token(t, "alice", "pw")
	tests := []struct {
		header string
		status int
	}{
		{"Bearer " + tok, 200},
		{"bearer " + tok, 200},
		{"JWT " + tok, 401},
		{"Basic " + tok, 401},
		{tok, 401},
	}
	for _, tt := range tests {
		req, err := http.NewRequest(http.MethodGet, e.hub.URL+"/v2/namespaces/org/repositories", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", tt.header)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.status {
			t.Errorf("Authorization: %s…: %d, want %d", strings.Fields(tt.header)[0], resp.StatusCode, tt.status)
		}
	}
}

// TestCreateNamesAndQuota: Docker's naming rule and the plan's quota, both
// answered 400 as the Hub documents.
func TestCreateNamesAndQuota(t *testing.T) {
	t.Parallel()
	e := newEnv(t, hubfake.WithAccount("alice", "pw"), hubfake.WithPrivateRepositoryQuota("org", 1))
	e.seed(t, "org/secret:v1")
	e.fake.SetRepository("org", "secret", hubfake.Meta{Private: true})
	tok := e.token(t, "alice", "pw")
	tests := []struct {
		name    string
		private bool
		status  int
	}{
		{"ab", false, 201},
		{"a.b-c_d9", false, 201},
		{strings.Repeat("a", 255), false, 201},
		{"a", false, 400},
		{strings.Repeat("a", 256), false, 400},
		{"a__b", false, 400},
		{"a--b", false, 400},
		{"-ab", false, 400},
		{"ab-", false, 400},
		{"Ab", false, 400},
		{"team/tool", false, 400},
		{"over-quota", true, 400},
		{"public-is-fine", false, 201},
	}
	for _, tt := range tests {
		a := call(t, http.MethodPost, e.hub.URL+"/v2/namespaces/org/repositories", tok, map[string]any{"name": tt.name, "is_private": tt.private})
		if a.status != tt.status {
			t.Errorf("create %.20q (private %v): %d %s, want %d", tt.name, tt.private, a.status, a.body, tt.status)
		}
	}
	if _, ok := e.fake.Repository("org", "over-quota"); ok {
		t.Error("the create over quota left a repository")
	}
}

func TestNewPanicsOnQuotaMisuse(t *testing.T) {
	t.Parallel()
	defer func() {
		if recover() == nil {
			t.Error("New did not panic")
		}
	}()
	hubfake.New("http://127.0.0.1:5000", hubfake.WithPrivateRepositoryQuota("org", -1))
}
