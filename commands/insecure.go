package commands

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
)

// tlsPolicy keeps TLS verification on everywhere except the hosts named with
// --insecure-registry, which may use plain HTTP or unverified TLS. Loopback
// hosts may use plain HTTP too, as go-containerregistry allows. ggcr would
// also fall back to HTTP for private-range addresses; the guard refuses that
// unless the user named the host, so a failed TLS handshake can never
// downgrade a copy silently.
type tlsPolicy struct {
	insecure map[string]bool
}

func newTLSPolicy(hosts []string) tlsPolicy {
	p := tlsPolicy{insecure: map[string]bool{}}
	for _, h := range hosts {
		p.insecure[h] = true
	}
	return p
}

func (p tlsPolicy) plainAllowed(host string) bool {
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

// nameOptions returns name.Insecure for a reference (or namespace) on a
// host the user named, so ggcr tries plain HTTP there.
func (p tlsPolicy) nameOptions(ref string) []name.Option {
	host, _, _ := strings.Cut(ref, "/")
	if p.insecure[host] {
		return []name.Option{name.Insecure}
	}
	return nil
}

// wrap returns a transport that refuses plain HTTP to hosts not allowed it,
// and skips certificate checks only for the named hosts.
func (p tlsPolicy) wrap(base *http.Transport) http.RoundTripper {
	unverified := base.Clone()
	unverified.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // only for --insecure-registry hosts
	return roundTripFunc(func(req *http.Request) (*http.Response, error) {
		if req.URL.Scheme == "http" && !p.plainAllowed(req.URL.Host) {
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
