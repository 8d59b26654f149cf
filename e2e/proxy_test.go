package e2e

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// kind classifies a registry request, so tests can count what a registry
// charges for: manifest GETs (Docker Hub pulls), HEADs, blob traffic, mounts.
type kind string

const (
	manifestGet  kind = "manifest GET"
	manifestHead kind = "manifest HEAD"
	manifestPut  kind = "manifest PUT"
	blobGet      kind = "blob GET"
	blobHead     kind = "blob HEAD"
	blobMount    kind = "blob mount"
	blobUpload   kind = "blob upload"
	tagsList     kind = "tags list"
	catalogList  kind = "catalog"
	otherRequest kind = "other"
)

func classify(r *http.Request) kind {
	p := r.URL.Path
	switch {
	case strings.Contains(p, "/manifests/"):
		switch r.Method {
		case http.MethodGet:
			return manifestGet
		case http.MethodHead:
			return manifestHead
		case http.MethodPut:
			return manifestPut
		}
	case strings.Contains(p, "/blobs/uploads"):
		if r.Method == http.MethodPost && r.URL.Query().Get("mount") != "" {
			return blobMount
		}
		return blobUpload
	case strings.Contains(p, "/blobs/"):
		if r.Method == http.MethodHead {
			return blobHead
		}
		return blobGet
	case strings.HasSuffix(p, "/tags/list"):
		return tagsList
	case strings.HasSuffix(p, "/_catalog"):
		return catalogList
	}
	return otherRequest
}

// request is one request the proxy saw.
type request struct {
	Method, Path, User string
	Kind               kind
}

// proxy is a counting reverse proxy in front of a registry.
type proxy struct {
	srv  *httptest.Server
	mu   sync.Mutex
	reqs []request
}

func (p *proxy) Host() string { return strings.TrimPrefix(p.srv.URL, "http://") }

func newProxy(t *testing.T, target string) *proxy {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{}
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.ModifyResponse = func(resp *http.Response) error {
		// Upload locations name the registry: keep clients on the proxy.
		if loc := resp.Header.Get("Location"); loc != "" {
			resp.Header.Set("Location", strings.Replace(loc, u.Host, p.Host(), 1))
		}
		return nil
	}
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, _, _ := r.BasicAuth()
		p.mu.Lock()
		p.reqs = append(p.reqs, request{Method: r.Method, Path: r.URL.Path, User: user, Kind: classify(r)})
		p.mu.Unlock()
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(p.srv.Close)
	return p
}

// Counts tallies requests by kind.
func (p *proxy) Counts() map[kind]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	m := map[kind]int{}
	for _, r := range p.reqs {
		m[r.Kind]++
	}
	return m
}

// Requests returns a copy of what the proxy saw.
func (p *proxy) Requests() []request {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]request(nil), p.reqs...)
}

// Reset forgets what the proxy saw.
func (p *proxy) Reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.reqs = nil
}
