package hubfake_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"

	"github.com/crane-migrate/crane-migrate/e2e/harness"
	"github.com/crane-migrate/crane-migrate/e2e/hubfake"
)

var ctx = context.Background()

// env is a real registry with the fake Hub in front of it.
type env struct {
	reg  *harness.Registry
	fake *hubfake.Server
	hub  *httptest.Server
}

func newEnv(t *testing.T, opts ...hubfake.Option) *env {
	t.Helper()
	reg := harness.MustStartRegistry(t)
	return newEnvOn(t, reg, opts...)
}

func newEnvOn(t *testing.T, reg *harness.Registry, opts ...hubfake.Option) *env {
	t.Helper()
	fake := hubfake.New(reg.URL(), opts...)
	hub := httptest.NewServer(fake)
	t.Cleanup(hub.Close)
	return &env{reg: reg, fake: fake, hub: hub}
}

// seed pushes a small image to the registry under ref (no host).
func (e *env) seed(t *testing.T, ref string) {
	t.Helper()
	if _, err := harness.SeedImage(ctx, e.reg.Host()+"/"+ref); err != nil {
		t.Fatalf("seeding %s: %v", ref, err)
	}
}

// answer is one Hub answer.
type answer struct {
	status int
	header http.Header
	body   []byte
}

func (a answer) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(a.body, v); err != nil {
		t.Fatalf("answer %d is not JSON: %v\n%s", a.status, err, a.body)
	}
}

// call sends method url with an optional JSON body and bearer token.
func call(t *testing.T, method, url, token string, body any) answer {
	t.Helper()
	var rd *bytes.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	} else {
		rd = bytes.NewReader(nil)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(resp.Body); err != nil {
		t.Fatal(err)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: buf.Bytes()}
}

func (e *env) get(t *testing.T, path, token string) answer {
	t.Helper()
	return call(t, http.MethodGet, e.hub.URL+path, token, nil)
}

// token logs in through /v2/auth/token.
func (e *env) token(t *testing.T, user, secret string) string {
	t.Helper()
	a := call(t, http.MethodPost, e.hub.URL+"/v2/auth/token", "", map[string]string{"identifier": user, "secret": secret})
	var out struct {
		AccessToken string `json:"access_token"`
	}
	a.decode(t, &out)
	if a.status != http.StatusOK || out.AccessToken == "" {
		t.Fatalf("login as %s: %d %s", user, a.status, a.body)
	}
	return out.AccessToken
}

// page is the Hub's paged answer, decoded loosely.
type page struct {
	Count    int               `json:"count"`
	Next     *string           `json:"next"`
	Previous *string           `json:"previous"`
	Results  []json.RawMessage `json:"results"`
}

// names decodes the results' names.
func (p page) names(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, r := range p.Results {
		var n struct{ Name string }
		if err := json.Unmarshal(r, &n); err != nil {
			t.Fatal(err)
		}
		out = append(out, n.Name)
	}
	return out
}

// clock is a settable time for token expiry and rate limits.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func tagName(i int) string { return fmt.Sprintf("t%03d", i) }

func basic(user, pass string) *authn.Basic { return &authn.Basic{Username: user, Password: pass} }
