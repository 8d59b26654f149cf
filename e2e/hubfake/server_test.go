package hubfake_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/crane-migrate/crane-migrate/e2e/harness"
	"github.com/crane-migrate/crane-migrate/e2e/hubfake"
)

func TestRoutesAndCounts(t *testing.T) {
	t.Parallel()
	e := newEnv(t, hubfake.WithAccount("alice", "pw"))
	e.seed(t, "org/app:v1")
	tok := e.token(t, "alice", "pw")
	tests := []struct {
		method, path string
		status       int
	}{
		{"GET", "/v2/namespaces/org/repositories", 200},
		{"GET", "/v2/namespaces/org/repositories/", 200},
		{"GET", "/v2/namespaces/org/repositories/app", 200},
		{"GET", "/v2/namespaces/org/repositories/app/tags", 200},
		{"GET", "/v2/namespaces/org/repositories/app/tags/", 200},
		{"GET", "/v2/namespaces/org/repositories/nope/tags", 404},
		{"GET", "/v2/repositories/org/app/tags", 404},
		{"DELETE", "/v2/namespaces/org/repositories/app", 404},
		{"GET", "/", 404},
	}
	for _, tt := range tests {
		a := call(t, tt.method, e.hub.URL+tt.path, tok, nil)
		var body map[string]any
		a.decode(t, &body) // every answer is JSON
		if a.status != tt.status || a.header.Get("Content-Type") != "application/json" {
			t.Errorf("%s %s: %d %s, want %d JSON", tt.method, tt.path, a.status, a.header.Get("Content-Type"), tt.status)
		}
	}
	want := map[string]int{hubfake.RouteAuthToken: 1, hubfake.RouteRepositories: 2, hubfake.RouteRepository: 1,
		hubfake.RouteTags: 3, hubfake.RouteNotFound: 3}
	if d := cmp.Diff(want, e.fake.Counts()); d != "" {
		t.Errorf("counts (-want +got):\n%s", d)
	}
	reqs := e.fake.Requests()
	if last := reqs[len(reqs)-1]; last.User != "alice" || last.Status != 404 || last.Route != hubfake.RouteNotFound {
		t.Errorf("last request %+v", last)
	}
	e.fake.Reset()
	if n := len(e.fake.Requests()); n != 0 {
		t.Errorf("%d requests after Reset", n)
	}
}

// TestRegistryAuth reads an htpasswd-protected registry, with and without
// the credentials, through a counting proxy.
func TestRegistryAuth(t *testing.T) {
	t.Parallel()
	reg := harness.MustStartRegistry(t, harness.WithHtpasswd(map[string]string{"reader": "reader-pw"}))
	p := harness.MustNewProxy(t, reg.URL())
	if _, err := harness.SeedImage(ctx, reg.Host()+"/org/app:v1", harness.WithAuth(basic("reader", "reader-pw"))); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		opts   []hubfake.Option
		status int
	}{
		{"with credentials", []hubfake.Option{hubfake.WithRegistryAuth("reader", "reader-pw")}, http.StatusOK},
		{"without", nil, http.StatusBadGateway},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p.Reset()
			opts := append([]hubfake.Option{hubfake.WithRegistryTransport(http.DefaultTransport)}, tt.opts...)
			hub := httptest.NewServer(hubfake.New(p.URL(), opts...))
			defer hub.Close()
			a := call(t, http.MethodGet, hub.URL+"/v2/namespaces/org/repositories/app/tags", "", nil)
			if a.status != tt.status {
				t.Fatalf("%d %s, want %d", a.status, a.body, tt.status)
			}
			if tt.status == http.StatusOK && (p.Counts()[harness.TagsList] != 1 || p.Counts()[harness.ManifestGet] != 1) {
				t.Errorf("registry requests %v, want one tags list and one manifest GET", p.Counts())
			}
		})
	}
}

func TestDefaults(t *testing.T) {
	t.Parallel()
	want := map[string]any{"DefaultTokenTTL": "10m0s", "DefaultAnonymousOffsetCap": 1000,
		"DefaultPageSize": 10, "MaxPageSize": 100}
	got := map[string]any{"DefaultTokenTTL": hubfake.DefaultTokenTTL.String(), "DefaultAnonymousOffsetCap": hubfake.DefaultAnonymousOffsetCap,
		"DefaultPageSize": hubfake.DefaultPageSize, "MaxPageSize": hubfake.MaxPageSize}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("defaults drifted from the Hub's (-want +got):\n%s", d)
	}
}

func TestNewPanicsOnMisuse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		url  string
		opts []hubfake.Option
	}{
		{"no scheme", "127.0.0.1:5000", nil},
		{"not http", "ftp://127.0.0.1:5000", nil},
		{"zero TTL", "http://127.0.0.1:5000", []hubfake.Option{hubfake.WithTokenTTL(0)}},
		{"zero rate", "http://127.0.0.1:5000", []hubfake.Option{hubfake.WithRateLimit(0)}},
		{"account without secret", "http://127.0.0.1:5000", []hubfake.Option{hubfake.WithAccount("a", "")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("New did not panic")
				}
			}()
			hubfake.New(tt.url, tt.opts...)
		})
	}
}
