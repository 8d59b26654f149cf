package harness

import (
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Proxy is a reverse proxy on 127.0.0.1 in front of one registry. It records
// every request, can slow requests down and inject faults, streams bodies,
// and rewrites the registry's absolute URLs so clients stay on the proxy.
type Proxy struct {
	target    *url.URL
	host      string
	opts      *proxyOptions
	srv       *http.Server
	rp        *httputil.ReverseProxy
	transport *http.Transport

	mu   sync.Mutex
	reqs []*Request

	closeOnce sync.Once
	closeErr  error
}

// cutKey carries a Fault's CutAfter from the handler to ModifyResponse.
type cutKey struct{}

// NewProxy starts a proxy to target ("http://127.0.0.1:PORT").
func NewProxy(target string, opts ...ProxyOption) (*Proxy, error) {
	u, err := url.Parse(target)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("proxy target %q: not an absolute URL (%v)", target, err)
	}
	o, err := makeProxyOptions(opts...)
	if err != nil {
		return nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("proxy listening: %w", err)
	}
	quiet := log.New(io.Discard, "", 0)
	p := &Proxy{target: u, host: l.Addr().String(), opts: o}
	p.transport = http.DefaultTransport.(*http.Transport).Clone()
	p.transport.MaxIdleConnsPerHost = 64
	p.rp = &httputil.ReverseProxy{
		Rewrite:        func(pr *httputil.ProxyRequest) { pr.SetURL(u) },
		ModifyResponse: p.modifyResponse,
		Transport:      p.transport,
		ErrorLog:       quiet,
	}
	p.srv = &http.Server{Handler: http.HandlerFunc(p.serve), ErrorLog: quiet}
	go func() { _ = p.srv.Serve(l) }()
	return p, nil
}

// Host is the proxy's address, "127.0.0.1:PORT".
func (p *Proxy) Host() string { return p.host }

// URL is "http://127.0.0.1:PORT".
func (p *Proxy) URL() string { return "http://" + p.host }

// Close stops the proxy and drops its connections. It may be called more
// than once.
func (p *Proxy) Close() error {
	p.closeOnce.Do(func() {
		p.closeErr = p.srv.Close()
		p.transport.CloseIdleConnections()
	})
	return p.closeErr
}

func (p *Proxy) serve(w http.ResponseWriter, r *http.Request) {
	rec := newRecord(r)
	p.add(rec)
	defer func() { p.update(func() { rec.Duration = time.Since(rec.Start) }) }()
	rw := &recordingWriter{ResponseWriter: w, p: p, rec: rec}
	r = r.WithContext(r.Context()) // a shallow copy whose Body we may replace
	if r.Body != nil {
		r.Body = &countingBody{ReadCloser: r.Body, p: p, rec: rec}
	}
	if d := p.opts.delay; d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return
		}
	}
	if p.opts.noMounts && r.Method == http.MethodPost && r.URL.Query().Has("mount") {
		u := *r.URL
		u.RawQuery = ""
		r.URL = &u
	}
	if f := p.opts.pullLimit.admit(r, rw.Header()); f != nil {
		answer(rw, f)
		return
	}
	if f := p.fault(r); f != nil {
		p.update(func() { rec.Fault = true })
		if f.Status != 0 {
			answer(rw, f)
			return
		}
		rw.flush = true
		r = r.WithContext(context.WithValue(r.Context(), cutKey{}, f.CutAfter))
	}
	p.rp.ServeHTTP(rw, r)
}

func (p *Proxy) fault(r *http.Request) *Fault {
	if p.opts.fault == nil {
		return nil
	}
	return p.opts.fault(r)
}

func newRecord(r *http.Request) *Request {
	kind, repo := Classify(r)
	user, _, _ := r.BasicAuth()
	return &Request{Kind: kind, Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery,
		Repository: repo, User: user, Start: time.Now()}
}

// answer writes a Fault's canned response.
func answer(w http.ResponseWriter, f *Fault) {
	for k, vs := range f.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	w.Header().Set("Content-Length", fmt.Sprint(len(f.Body)))
	w.WriteHeader(f.Status)
	_, _ = w.Write(f.Body)
}

// modifyResponse points the registry's absolute URLs at the proxy and applies
// a CutAfter fault.
func (p *Proxy) modifyResponse(resp *http.Response) error {
	from, to := "//"+p.target.Host, "//"+p.host
	for _, h := range []string{"Location", "Link", "Www-Authenticate"} {
		vs := resp.Header.Values(h)
		for i, v := range vs {
			vs[i] = strings.ReplaceAll(v, from, to)
		}
	}
	if n, ok := resp.Request.Context().Value(cutKey{}).(int64); ok {
		resp.Body = &cutBody{ReadCloser: resp.Body, left: n}
	}
	return nil
}
