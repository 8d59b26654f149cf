package hubfake_test

import (
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/crane-migrate/crane-migrate/e2e/harness"
	"github.com/crane-migrate/crane-migrate/e2e/hubfake"
)

func TestLogin(t *testing.T) {
	t.Parallel()
	e := newEnv(t,
		hubfake.WithAccount("alice", "alice-pw"),
		hubfake.WithAccount("bob", "bob-pw", hubfake.TwoFactor()),
		hubfake.WithAccount("bob", "bob-pat"))
	tests := []struct {
		name   string
		path   string
		body   any
		status int
		field  string // the JWT-shaped field of the answer
		detail string
	}{
		{"token", "/v2/auth/token", map[string]string{"identifier": "alice", "secret": "alice-pw"}, 200, "access_token", ""},
		{"token, user name in other case", "/v2/auth/token", map[string]string{"identifier": "Alice", "secret": "alice-pw"}, 200, "access_token", ""},
		{"token, wrong secret", "/v2/auth/token", map[string]string{"identifier": "alice", "secret": "nope"}, 401, "", "Incorrect authentication credentials"},
		{"token, 2FA password", "/v2/auth/token", map[string]string{"identifier": "bob", "secret": "bob-pw"}, 401, "", "Require secondary authentication on MFA enabled account"},
		{"token, PAT of a 2FA account", "/v2/auth/token", map[string]string{"identifier": "bob", "secret": "bob-pat"}, 200, "access_token", ""},
		{"token, no body", "/v2/auth/token", nil, 400, "", ""},
		{"login", "/v2/users/login", map[string]string{"username": "alice", "password": "alice-pw"}, 200, "token", ""},
		{"login, unknown user", "/v2/users/login", map[string]string{"username": "carol", "password": "alice-pw"}, 401, "", "Incorrect authentication credentials"},
		{"login, 2FA", "/v2/users/login", map[string]string{"username": "bob", "password": "bob-pw"}, 401, "login_2fa_token", "Require secondary authentication on MFA enabled account"},
		{"login with trailing slash", "/v2/users/login/", map[string]string{"username": "alice", "password": "alice-pw"}, 200, "token", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := call(t, http.MethodPost, e.hub.URL+tt.path, "", tt.body)
			var out map[string]string
			a.decode(t, &out)
			if a.status != tt.status {
				t.Fatalf("status %d, want %d: %s", a.status, tt.status, a.body)
			}
			if tt.field != "" && !jwtShaped(out[tt.field]) {
				t.Errorf("%s = %q, want a JWT-shaped token", tt.field, out[tt.field])
			}
			if tt.detail != "" && out["detail"] != tt.detail {
				t.Errorf("detail %q, want %q", out["detail"], tt.detail)
			}
		})
	}
}

// TestIssuedTokens lists every token handed out, 2FA tokens included, for
// tests that grep a client's output for secrets.
func TestIssuedTokens(t *testing.T) {
	t.Parallel()
	e := newEnv(t, hubfake.WithAccount("alice", "alice-pw"), hubfake.WithAccount("bob", "bob-pw", hubfake.TwoFactor()))
	if got := e.fake.IssuedTokens(); len(got) != 0 {
		t.Fatalf("%d tokens issued before any login", len(got))
	}
	login := func(user, pass, field string) string {
		var out map[string]string
		call(t, http.MethodPost, e.hub.URL+"/v2/users/login", "", map[string]string{"username": user, "password": pass}).decode(t, &out)
		return out[field]
	}
	want := []string{e.token(t, "alice", "alice-pw"), login("alice", "alice-pw", "token"), login("bob", "bob-pw", "login_2fa_token")}
	login("alice", "wrong", "token")
	if d := cmp.Diff(want, e.fake.IssuedTokens()); d != "" {
		t.Errorf("issued tokens (-want +got):\n%s", d)
	}
}

// jwtShaped: three non-empty base64url parts, the first two JSON.
func jwtShaped(tok string) bool {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return false
	}
	for i, p := range parts {
		b, err := base64.RawURLEncoding.DecodeString(p)
		if err != nil || len(b) == 0 || (i < 2 && b[0] != '{') {
			return false
		}
	}
	return true
}

func TestTokenExpiry(t *testing.T) {
	t.Parallel()
	reg := newEnv(t).reg
	tests := []struct {
		name  string
		opts  []hubfake.Option
		valid time.Duration
	}{
		{"default", nil, hubfake.DefaultTokenTTL},
		{"WithTokenTTL", []hubfake.Option{hubfake.WithTokenTTL(time.Minute)}, time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := newClock()
			opts := append([]hubfake.Option{hubfake.WithClock(c.Now), hubfake.WithAccount("alice", "pw")}, tt.opts...)
			e := newEnvOn(t, reg, opts...)
			tok := e.token(t, "alice", "pw")
			const path = "/v2/namespaces/org/repositories"
			c.advance(tt.valid - time.Second)
			if a := e.get(t, path, tok); a.status != http.StatusOK {
				t.Errorf("a second before expiry: %d %s", a.status, a.body)
			}
			c.advance(time.Second)
			if a := e.get(t, path, tok); a.status != http.StatusUnauthorized {
				t.Errorf("at expiry: %d %s, want 401", a.status, a.body)
			}
			if a := e.get(t, path, "not-a-token"); a.status != http.StatusUnauthorized {
				t.Errorf("unknown token: %d, want 401", a.status)
			}
			if a := e.get(t, path, e.token(t, "alice", "pw")); a.status != http.StatusOK {
				t.Errorf("fresh token: %d %s", a.status, a.body)
			}
		})
	}
}

func TestAnonymousOffsetCap(t *testing.T) {
	t.Parallel()
	e := newEnv(t, hubfake.WithAnonymousOffsetCap(20), hubfake.WithAccount("alice", "pw"))
	for i := range 25 {
		e.seed(t, "org/"+tagName(i)+":v1")
		if err := harness.Tag(ctx, e.reg.Host()+"/org/t000:v1", e.reg.Host()+"/org/t000:"+tagName(i)); err != nil {
			t.Fatal(err)
		}
	}
	tok := e.token(t, "alice", "pw")
	const repos, tags = "/v2/namespaces/org/repositories", "/v2/namespaces/org/repositories/t000/tags"
	tests := []struct {
		name, path, token string
		status            int
	}{
		{"anonymous below the cap", repos + "?page=2&page_size=10", "", 200},
		{"anonymous at the cap", repos + "?page=3&page_size=10", "", 403},
		{"anonymous past the end and the cap", repos + "?page=30&page_size=10", "", 403},
		{"signed in past the cap", repos + "?page=3&page_size=10", tok, 200},
		{"tags, anonymous below the cap", tags + "?page=2&page_size=10", "", 200},
		{"tags, anonymous at the cap", tags + "?page=3&page_size=10", "", 403},
		{"tags, signed in past the cap", tags + "?page=3&page_size=10", tok, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := e.get(t, tt.path, tt.token)
			if a.status != tt.status {
				t.Fatalf("%d, want %d: %s", a.status, tt.status, a.body)
			}
			if tt.status == http.StatusForbidden && string(a.body) != `{"message":"pagination offset too large for anonymous requests; sign in to page further"}`+"\n" {
				t.Errorf("403 body %s", a.body)
			}
		})
	}
}
