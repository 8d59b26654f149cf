package auth

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-containerregistry/pkg/name"
)

func TestScopes(t *testing.T) {
	t.Parallel()
	const digest = "sha256:" + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	local := name.MustParseReference("127.0.0.1:5000/x").Context().Registry
	hub, err := name.NewRegistry(name.DefaultRegistry)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		reg    name.Registry // default: local
		url    string
		method string
		write  bool
		want   []string
	}{
		// No scope: the ping route and paths this package does not know.
		{name: "ping", url: "/v2/", method: http.MethodGet},
		{name: "ping without slash", url: "/v2", method: http.MethodGet},
		{name: "ping, write", url: "/v2/", method: http.MethodGet, write: true},
		{name: "unknown route", url: "/v2/x/unknown/thing", method: http.MethodGet},
		{name: "not the v2 API", url: "/v1/x/manifests/latest", method: http.MethodGet},
		{name: "manifest reference with a slash", url: "/v2/x/manifests/a/b", method: http.MethodGet},
		{name: "empty repository", url: "/v2//manifests/latest", method: http.MethodGet},
		{name: "root", url: "/", method: http.MethodGet},

		{name: "catalog", url: "/v2/_catalog", method: http.MethodGet, want: []string{"registry:catalog:*"}},
		{name: "catalog page", url: "/v2/_catalog?n=100&last=a%2Fb", method: http.MethodGet, want: []string{"registry:catalog:*"}},
		{name: "catalog, write", url: "/v2/_catalog", method: http.MethodGet, write: true, want: []string{"registry:catalog:*"}},

		{name: "manifest GET", url: "/v2/x/manifests/latest", method: http.MethodGet, want: []string{"repository:x:pull"}},
		{name: "manifest HEAD by digest", url: "/v2/x/manifests/" + digest, method: http.MethodHead, want: []string{"repository:x:pull"}},
		{name: "manifest PUT", url: "/v2/x/manifests/v1", method: http.MethodPut, want: []string{"repository:x:push,pull"}},
		{name: "manifest DELETE", url: "/v2/x/manifests/" + digest, method: http.MethodDelete, want: []string{"repository:x:push,pull"}},
		{name: "manifest GET, write", url: "/v2/x/manifests/latest", method: http.MethodGet, write: true, want: []string{"repository:x:push,pull"}},
		{name: "manifest HEAD, write", url: "/v2/x/manifests/latest", method: http.MethodHead, write: true, want: []string{"repository:x:push,pull"}},
		{name: "nested repository", url: "/v2/org/team/app/manifests/1.0", method: http.MethodGet, want: []string{"repository:org/team/app:pull"}},

		{name: "blob GET", url: "/v2/x/blobs/" + digest, method: http.MethodGet, want: []string{"repository:x:pull"}},
		{name: "blob HEAD", url: "/v2/a/b/blobs/" + digest, method: http.MethodHead, want: []string{"repository:a/b:pull"}},
		{name: "blob DELETE", url: "/v2/x/blobs/" + digest, method: http.MethodDelete, want: []string{"repository:x:push,pull"}},

		{name: "upload start", url: "/v2/x/blobs/uploads/", method: http.MethodPost, want: []string{"repository:x:push,pull"}},
		{name: "upload start, monolithic", url: "/v2/x/blobs/uploads/?digest=" + digest, method: http.MethodPost, want: []string{"repository:x:push,pull"}},
		{name: "upload chunk", url: "/v2/x/blobs/uploads/6f1d3c1e-9a2b-4c1e-8d3f-2a1b3c4d5e6f", method: http.MethodPatch, want: []string{"repository:x:push,pull"}},
		{name: "upload finish", url: "/v2/x/blobs/uploads/6f1d3c1e?_state=abc&digest=" + digest, method: http.MethodPut, want: []string{"repository:x:push,pull"}},
		{name: "upload status", url: "/v2/x/blobs/uploads/6f1d3c1e", method: http.MethodGet, want: []string{"repository:x:pull"}},
		{
			name: "cross-repository mount", url: "/v2/dst/app/blobs/uploads/?mount=" + digest + "&from=other/repo", method: http.MethodPost,
			want: []string{"repository:dst/app:push,pull", "repository:other/repo:pull"},
		},
		{
			name: "mount, write", url: "/v2/dst/blobs/uploads/?mount=" + digest + "&from=src", method: http.MethodPost, write: true,
			want: []string{"repository:dst:push,pull", "repository:src:pull"},
		},
		{
			name: "mount from the repository itself: one scope, one token", url: "/v2/dst/app/blobs/uploads/?mount=" + digest + "&from=dst/app", method: http.MethodPost, write: true,
			want: []string{"repository:dst/app:push,pull"},
		},
		{
			name: "mount without from", url: "/v2/dst/blobs/uploads/?mount=" + digest, method: http.MethodPost,
			want: []string{"repository:dst:push,pull"},
		},
		{
			name: "from on a manifest is not a mount", url: "/v2/x/manifests/latest?from=other", method: http.MethodGet,
			want: []string{"repository:x:pull"},
		},
		{
			name: "from on an upload chunk is not a mount", url: "/v2/x/blobs/uploads/abc?from=other", method: http.MethodPatch,
			want: []string{"repository:x:push,pull"},
		},

		{name: "tags list", url: "/v2/x/y/tags/list", method: http.MethodGet, want: []string{"repository:x/y:pull"}},
		{name: "tags list page", url: "/v2/x/tags/list?n=50&last=v1", method: http.MethodGet, want: []string{"repository:x:pull"}},
		{name: "referrers", url: "/v2/x/referrers/" + digest, method: http.MethodGet, want: []string{"repository:x:pull"}},
		{name: "referrers filtered", url: "/v2/x/referrers/" + digest + "?artifactType=application%2Fvnd.example", method: http.MethodGet, want: []string{"repository:x:pull"}},

		// A repository whose own components are route words parses to its
		// full name.
		{name: "blobs component, manifest", url: "/v2/org/blobs/app/manifests/latest", method: http.MethodGet, want: []string{"repository:org/blobs/app:pull"}},
		{name: "blobs component, blob", url: "/v2/org/blobs/app/blobs/" + digest, method: http.MethodGet, want: []string{"repository:org/blobs/app:pull"}},
		{name: "blobs component, upload", url: "/v2/org/blobs/app/blobs/uploads/", method: http.MethodPost, want: []string{"repository:org/blobs/app:push,pull"}},
		{name: "blobs component, upload chunk", url: "/v2/org/blobs/app/blobs/uploads/abc", method: http.MethodPatch, want: []string{"repository:org/blobs/app:push,pull"}},
		{name: "manifests component, blob", url: "/v2/org/manifests/app/blobs/" + digest, method: http.MethodHead, want: []string{"repository:org/manifests/app:pull"}},
		{name: "manifests component, manifest", url: "/v2/manifests/manifests/v1", method: http.MethodPut, want: []string{"repository:manifests:push,pull"}},
		{name: "uploads component", url: "/v2/a/blobs/uploads/b/blobs/uploads/", method: http.MethodPost, want: []string{"repository:a/blobs/uploads/b:push,pull"}},
		{name: "tags component", url: "/v2/org/tags/list/tags/list", method: http.MethodGet, want: []string{"repository:org/tags/list:pull"}},
		{
			name: "blobs component, mount from one", url: "/v2/org/blobs/app/blobs/uploads/?mount=" + digest + "&from=src/manifests/x", method: http.MethodPost,
			want: []string{"repository:org/blobs/app:push,pull", "repository:src/manifests/x:pull"},
		},

		// Docker Hub's paths carry the library/ namespace already.
		{name: "docker hub", reg: hub, url: "/v2/library/alpine/manifests/3", method: http.MethodGet, want: []string{"repository:library/alpine:pull"}},
		{
			name: "docker hub mount", reg: hub, url: "/v2/me/app/blobs/uploads/?mount=" + digest + "&from=library/alpine", method: http.MethodPost,
			want: []string{"repository:me/app:push,pull", "repository:library/alpine:pull"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			reg := tt.reg
			if reg.RegistryStr() == "" {
				reg = local
			}
			u, err := url.Parse("http://" + reg.RegistryStr() + tt.url)
			if err != nil {
				t.Fatal(err)
			}
			got := scopes(reg, u, tt.method, tt.write)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("scopes(%s, %s %s, write=%t) (-want +got):\n%s", reg, tt.method, tt.url, tt.write, diff)
			}
		})
	}
}

// TestScopesMatchGGCR ties the strings above to go-containerregistry's own:
// the registry reads the scope a client asks for, and ggcr's pusher and
// puller ask for these.
func TestScopesMatchGGCR(t *testing.T) {
	t.Parallel()
	repo := name.MustParseReference("127.0.0.1:5000/org/app").Context()
	tests := []struct {
		method string
		write  bool
		want   string
	}{
		{http.MethodGet, false, "repository:org/app:pull"},
		{http.MethodPut, false, "repository:org/app:push,pull"},
		{http.MethodGet, true, "repository:org/app:push,pull"},
		{http.MethodHead, false, "repository:org/app:pull"},
		{http.MethodPatch, false, "repository:org/app:push,pull"},
	}
	for _, tt := range tests {
		u := &url.URL{Scheme: "http", Host: repo.RegistryStr(), Path: "/v2/org/app/manifests/latest"}
		got := scopes(repo.Registry, u, tt.method, tt.write)
		if diff := cmp.Diff([]string{tt.want}, got); diff != "" {
			t.Errorf("scopes(%s, write=%t) (-want +got):\n%s", tt.method, tt.write, diff)
		}
	}
}

// TestSameHost: a registry and a URL agree on the host whether or not
// either spells out the scheme's default port; other hosts and ports differ.
func TestSameHost(t *testing.T) {
	t.Parallel()
	tests := []struct {
		registry, url, host string // host: the request's Host header, if any
		want                bool
	}{
		{"harbor.example.com:443", "https://harbor.example.com/v2/p/blobs/uploads/1", "", true},
		{"harbor.example.com", "https://harbor.example.com:443/v2/p/blobs/uploads/1", "", true},
		{"reg.local:80", "http://reg.local/v2/", "", true},
		{"127.0.0.1:5000", "http://127.0.0.1:5000/v2/", "", true},
		{"127.0.0.1:5000", "http://127.0.0.1:5001/v2/", "", false},
		{"index.docker.io", "https://production.cloudflare.docker.com/blob", "", false},
		{"index.docker.io", "https://10.0.0.1/blob", "index.docker.io", true},
		{"[::1]:5000", "http://[::1]:5000/v2/", "", true},
		{"[::1]", "https://[::1]:443/v2/", "", true},
	}
	for _, tt := range tests {
		u, err := url.Parse(tt.url)
		if err != nil {
			t.Fatal(err)
		}
		req := &http.Request{URL: u, Host: tt.host}
		if got := sameHost(req, tt.registry); got != tt.want {
			t.Errorf("sameHost(%s, %q) = %t, want %t", tt.url, tt.registry, got, tt.want)
		}
	}
}
