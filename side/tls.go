package side

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
)

// TLSPolicy keeps TLS verification on everywhere except the hosts named with
// --insecure-registry, which may use plain HTTP or unverified TLS. Loopback
// hosts may use plain HTTP too, as go-containerregistry allows. ggcr would
// also fall back to HTTP for private-range addresses; the guard refuses that
// unless the user named the host, so a failed TLS handshake can never
// downgrade a copy silently.
type TLSPolicy struct {
	insecure map[string]bool
}

// NewTLSPolicy allows plain HTTP or unverified TLS to hosts (and plain HTTP
// to loopback).
func NewTLSPolicy(hosts []string) TLSPolicy {
	p := TLSPolicy{insecure: map[string]bool{}}
	for _, h := range hosts {
		p.insecure[h] = true
	}
	return p
}

// PlainAllowed says whether host may be spoken to without TLS.
func (p TLSPolicy) PlainAllowed(host string) bool {
	if p.insecure[host] {
		return true
	}
	h, _, err := net.SplitHostPort(host)
	if err != nil {
		h = host
	}
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// NameOptions returns name.Insecure for a reference (or namespace) on a
// host the user named, so ggcr tries plain HTTP there.
func (p TLSPolicy) NameOptions(ref string) []name.Option {
	host, _, _ := strings.Cut(ref, "/")
	if p.insecure[host] {
		return []name.Option{name.Insecure}
	}
	return nil
}

// Wrap returns a transport that refuses plain HTTP to hosts not allowed it,
// and skips certificate checks only for the named hosts.
func (p TLSPolicy) Wrap(base *http.Transport) http.RoundTripper {
	unverified := base.Clone()
	unverified.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // only for --insecure-registry hosts
	return roundTripFunc(func(req *http.Request) (*http.Response, error) {
		if req.URL.Scheme == "http" && !p.PlainAllowed(req.URL.Host) {
			return nil, fmt.Errorf("refusing plain HTTP to %s: pass --insecure-registry %s if that registry has no TLS", req.URL.Host, req.URL.Host)
		}
		if p.insecure[req.URL.Host] {
			return unverified.RoundTrip(req)
		}
		return base.RoundTrip(req)
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
