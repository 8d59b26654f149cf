package pulls

import (
	"net/http"
	"strings"
)

// Gate holds a side's manifest GETs to a host that counts pulls (Quota's
// Counted) to a number in flight, whichever part of a run sends them: an
// image's manifests, what is attached to it, an index read to match its
// signatures. Other requests, and hosts that count nothing, pass.
type Gate struct {
	inner http.RoundTripper
	q     *Quota
	slots chan struct{}
}

// NewGate lets n pulls at a time through to inner; n < 1 lets all through.
func NewGate(inner http.RoundTripper, q *Quota, n int) http.RoundTripper {
	if n < 1 || q == nil {
		return inner
	}
	return &Gate{inner: inner, q: q, slots: make(chan struct{}, n)}
}

// RoundTrip sends req, waiting for a slot when it is a pull.
func (g *Gate) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method != http.MethodGet || !isManifest(req) || !g.q.Counted(req.URL.Host) {
		return g.inner.RoundTrip(req)
	}
	select {
	case g.slots <- struct{}{}:
	case <-req.Context().Done():
		return nil, req.Context().Err()
	}
	defer func() { <-g.slots }()
	return g.inner.RoundTrip(req)
}

// isManifest says req is for a registry manifest: what a pull limit counts.
func isManifest(req *http.Request) bool {
	return req != nil && req.URL != nil && strings.HasPrefix(req.URL.Path, "/v2/") && strings.Contains(req.URL.Path, "/manifests/")
}
