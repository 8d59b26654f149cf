package e2e

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
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

// proxy is a counting reverse proxy in front of a registry that can delay
// requests and inject faults.
type proxy struct {
	srv   *httptest.Server
	mu    sync.Mutex
	reqs  []request
	delay time.Duration
	fault func(r *http.Request, n int) *fault
}

// fault replaces an answer: a status of its own, or the real answer cut
// after cutAfter bytes of body.
type fault struct {
	status   int
	header   http.Header
	body     string
	cutAfter int
}

type proxyOption func(*proxy)

// withDelay adds d to every request, like a registry far away.
func withDelay(d time.Duration) proxyOption { return func(p *proxy) { p.delay = d } }

// withFault consults f for each request (n counts from 0); nil forwards it.
func withFault(f func(r *http.Request, n int) *fault) proxyOption {
	return func(p *proxy) { p.fault = f }
}

// cutWriter aborts the connection after n bytes of body.
type cutWriter struct {
	http.ResponseWriter
	n int
}

func (c *cutWriter) Write(b []byte) (int, error) {
	if len(b) < c.n {
		c.n -= len(b)
		return c.ResponseWriter.Write(b)
	}
	_, _ = c.ResponseWriter.Write(b[:c.n])
	c.ResponseWriter.(http.Flusher).Flush()
	panic(http.ErrAbortHandler) // the server closes the connection mid-body
}

func (c *cutWriter) Flush() { c.ResponseWriter.(http.Flusher).Flush() }

func (p *proxy) Host() string { return strings.TrimPrefix(p.srv.URL, "http://") }

func newProxy(t *testing.T, target string, opts ...proxyOption) *proxy {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{}
	for _, o := range opts {
		o(p)
	}
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
		n := len(p.reqs)
		p.reqs = append(p.reqs, request{Method: r.Method, Path: r.URL.Path, User: user, Kind: classify(r)})
		p.mu.Unlock()
		if p.delay > 0 {
			time.Sleep(p.delay)
		}
		if p.fault != nil {
			if f := p.fault(r, n); f != nil {
				if f.cutAfter > 0 {
					rp.ServeHTTP(&cutWriter{ResponseWriter: w, n: f.cutAfter}, r)
					return
				}
				for k, v := range f.header {
					w.Header()[k] = v
				}
				w.WriteHeader(f.status)
				_, _ = w.Write([]byte(f.body))
				return
			}
		}
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
