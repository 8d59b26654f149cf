package hub_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/crane-migrate/crane-migrate/hub"
)

// reply is one canned answer.
type reply struct {
	status int
	body   string
}

// loginServer answers the two login routes as told and counts the requests
// that carried the secret.
type loginServer struct {
	token, users reply
	mu           sync.Mutex
	calls        []string // paths of the login requests, in order
}

func (s *loginServer) handler() http.Handler {
	mux := http.NewServeMux()
	answer := func(r reply) http.HandlerFunc {
		return func(w http.ResponseWriter, req *http.Request) {
			s.mu.Lock()
			s.calls = append(s.calls, req.URL.Path)
			s.mu.Unlock()
			if r.status == http.StatusTooManyRequests {
				w.Header().Set("Retry-After", "1")
			}
			w.WriteHeader(r.status)
			fmt.Fprint(w, r.body)
		}
	}
	mux.Handle("POST /v2/auth/token", answer(s.token))
	mux.Handle("POST /v2/users/login", answer(s.users))
	mux.HandleFunc("GET /v2/namespaces/org/repositories/app", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"name":"app","namespace":"org"}`)
	})
	return mux
}

// TestLoginFallsBackOnlyWithoutTheTokenRoute: /v2/users/login is tried
// only when /v2/auth/token does not exist. After a 401, 429 or 5xx the
// secret is not sent again, and the error says what happened.
func TestLoginFallsBackOnlyWithoutTheTokenRoute(t *testing.T) {
	t.Parallel()
	const (
		ok      = `{"access_token":"jwt"}`
		okOld   = `{"token":"jwt"}`
		badCred = `{"detail":"Incorrect authentication credentials"}`
		twoFA   = `{"detail":"Require secondary authentication on MFA enabled account","login_2fa_token":"abc"}`
	)
	const token, users = "/v2/auth/token", "/v2/users/login"
	tests := []struct {
		name       string
		token      reply
		users      reply
		wantErr    error // nil: logged in
		wantStatus int   // of the StatusError, when there is one to check
		wantCalls  []string
	}{
		{"token route works", reply{200, ok}, reply{500, ""}, nil, 0, []string{token}},
		{"no token route (404)", reply{404, `{"detail":"Not found."}`}, reply{200, okOld}, nil, 0, []string{token, users}},
		{"no token route (405)", reply{405, ""}, reply{200, okOld}, nil, 0, []string{token, users}},
		{"no token route, 2FA password", reply{404, ""}, reply{401, twoFA}, hub.ErrTwoFactor, 0, []string{token, users}},
		{"no token route, wrong password", reply{404, ""}, reply{401, badCred}, hub.ErrUnauthorized, 401, []string{token, users}},
		{"wrong credentials", reply{401, badCred}, reply{200, okOld}, hub.ErrUnauthorized, 401, []string{token}},
		{"2FA challenge on the token route", reply{401, twoFA}, reply{200, okOld}, hub.ErrTwoFactor, 0, []string{token}},
		{"rate limited", reply{429, `{"detail":"Rate limit exceeded","error":false}`}, reply{200, okOld}, hub.ErrRateLimited, 429, []string{token}},
		{"hub down", reply{503, "<html>maintenance</html>"}, reply{200, okOld}, nil, 503, []string{token}},
		{"hub error", reply{500, ""}, reply{200, okOld}, nil, 500, []string{token}},
		{"no token in the answer", reply{200, `{}`}, reply{200, okOld}, hub.ErrBadResponse, 0, []string{token}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ls := &loginServer{token: tt.token, users: tt.users}
			srv := httptest.NewServer(ls.handler())
			defer srv.Close()
			c, err := hub.New(srv.URL, hub.WithCredentials("bob", "hunter2"))
			if err != nil {
				t.Fatal(err)
			}
			err = c.Login(context.Background())
			var se *hub.StatusError
			switch {
			case tt.wantErr == nil && tt.wantStatus == 0 && err != nil:
				t.Fatalf("Login: %v", err)
			case tt.wantErr != nil && !errors.Is(err, tt.wantErr):
				t.Fatalf("Login: %v, want %v", err, tt.wantErr)
			case tt.wantStatus != 0 && (!errors.As(err, &se) || se.StatusCode != tt.wantStatus):
				t.Fatalf("Login: %v, want HTTP %d", err, tt.wantStatus)
			}
			if err != nil && strings.Contains(err.Error(), "hunter2") {
				t.Errorf("the error leaks the secret: %v", err)
			}
			if d := cmp.Diff(tt.wantCalls, ls.calls); d != "" {
				t.Errorf("login requests (-want +got):\n%s", d)
			}
		})
	}
}

// TestUnauthorizedPointsAtPATs: a wrong secret says what to check, 2FA included.
func TestUnauthorizedPointsAtPATs(t *testing.T) {
	t.Parallel()
	ls := &loginServer{token: reply{401, `{"detail":"Incorrect authentication credentials"}`}}
	srv := httptest.NewServer(ls.handler())
	defer srv.Close()
	c, _ := hub.New(srv.URL, hub.WithCredentials("bob", "hunter2"))
	_, err := c.Repository(context.Background(), "org", "app")
	if !errors.Is(err, hub.ErrUnauthorized) || !strings.Contains(err.Error(), "personal access token") {
		t.Errorf("err = %v, want ErrUnauthorized pointing at personal access tokens", err)
	}
}

// TestLegacyLoginIsRemembered: once /v2/auth/token turned out missing, a
// fresh login (after a rejected token) goes straight to /v2/users/login.
func TestLegacyLoginIsRemembered(t *testing.T) {
	t.Parallel()
	ls := &loginServer{token: reply{404, ""}, users: reply{200, `{"token":"jwt"}`}}
	var rejected sync.Once
	mux := http.NewServeMux()
	mux.Handle("/v2/", ls.handler())
	mux.HandleFunc("GET /v2/namespaces/org/repositories/app", func(w http.ResponseWriter, r *http.Request) {
		reject := false
		rejected.Do(func() { reject = true })
		if reject {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		fmt.Fprint(w, `{"name":"app","namespace":"org"}`)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	c, _ := hub.New(srv.URL, hub.WithCredentials("bob", "hunter2"))
	if _, err := c.Repository(context.Background(), "org", "app"); err != nil {
		t.Fatal(err)
	}
	want := []string{"/v2/auth/token", "/v2/users/login", "/v2/users/login"}
	if d := cmp.Diff(want, ls.calls); d != "" {
		t.Errorf("login requests (-want +got):\n%s", d)
	}
}
