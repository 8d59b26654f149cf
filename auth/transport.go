package auth

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"

	"github.com/crane-migrate/crane-migrate/flight"
)

// Transport authenticates requests to one registry. Requests to other hosts
// (a blob store a registry redirects to) pass through untouched, with no
// credentials.
type Transport struct {
	reg   name.Registry
	kc    authn.Keychain
	inner http.RoundTripper
	o     options

	creds  *keychainAuth
	ping   flight.Group[*pinged]
	scoped flight.Group[http.RoundTripper] // scopes, joined → authenticated transport
}

// New returns a Transport for reg, with credentials from kc, sending
// through inner (which carries the retries and TLS settings).
func New(reg name.Registry, kc authn.Keychain, inner http.RoundTripper, opts ...Option) (*Transport, error) {
	o := defaults()
	for _, opt := range opts {
		if err := opt(&o); err != nil {
			return nil, fmt.Errorf("auth: %w", err)
		}
	}
	return &Transport{reg: reg, kc: kc, inner: inner, o: o,
		creds: &keychainAuth{kc: kc, reg: reg, ttl: o.credentialTTL, now: time.Now}}, nil
}

// Wrap returns t as go-containerregistry's *transport.Wrapper: the one
// transport type it uses as it is, without pinging or exchanging tokens of
// its own, and without adding its own retries.
func (t *Transport) Wrap() http.RoundTripper {
	w, err := transport.FromToken(t.reg, authn.Anonymous, t, &transport.Challenge{}, nil)
	if err != nil {
		panic(err) // not a bearer challenge: FromToken cannot fail
	}
	return w
}

// Ping learns, once for the whole run, how the registry wants to be
// authenticated and whether it speaks HTTPS. A failure is not remembered.
func (t *Transport) Ping(ctx context.Context) error {
	_, err := t.pinged(ctx)
	return err
}

func (t *Transport) pinged(ctx context.Context) (*pinged, error) {
	return t.ping.Do(ctx, "", func() (*pinged, error) {
		rec := &recorder{inner: t.inner, answers: map[string]answer{}}
		ch, err := transport.Ping(ctx, t.reg, transport.NewUserAgent(rec, t.o.agent))
		if err != nil {
			return nil, err
		}
		scheme := "https"
		if ch.Insecure {
			scheme = "http"
		}
		return &pinged{scheme: scheme, answer: rec.get(scheme)}, nil
	})
}

// RoundTrip sends req with the token its repository scope needs. A request
// to another host (the registry redirected it: a blob store, a gateway's
// real registry) goes through a scoped transport too, which sends it
// without this registry's credentials and, if that host challenges, gets
// it an anonymous token of its own, as go-containerregistry does.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	var s []string
	if sameHost(req, t.reg.RegistryStr()) {
		s = scopes(t.reg, req.URL, req.Method, t.o.write)
	}
	rt, err := t.transport(req.Context(), s)
	if err != nil {
		return nil, err
	}
	return rt.RoundTrip(req)
}

// transport is the authenticated transport for a set of scopes, made once,
// by go-containerregistry's own handshake (so tokens are read, refreshed
// and widened exactly as it does) over a transport that answers its ping
// from the run's one real ping. nil scopes get a token for no repository,
// which the registry's challenge widens if the request needs more.
func (t *Transport) transport(ctx context.Context, scopes []string) (http.RoundTripper, error) {
	return t.scoped.Do(ctx, strings.Join(scopes, " "), func() (http.RoundTripper, error) {
		p, err := t.pinged(ctx)
		if err != nil {
			return nil, err
		}
		base := transport.NewUserAgent(&replay{inner: t.inner, host: t.reg.RegistryStr(), p: p}, t.o.agent)
		return transport.NewWithContext(ctx, t.reg, t.creds, base, scopes)
	})
}

// sameHost reports whether req is for host, default ports made explicit:
// a registry named with ":443" may hand out upload locations without it,
// and the other way round.
func sameHost(req *http.Request, host string) bool {
	want := canonical(host, req.URL.Scheme)
	return canonical(req.URL.Host, req.URL.Scheme) == want || (req.Host != "" && canonical(req.Host, req.URL.Scheme) == want)
}

func canonical(host, scheme string) string {
	if _, _, err := net.SplitHostPort(host); err == nil {
		return host
	}
	port := "443"
	if scheme == "http" {
		port = "80"
	}
	return net.JoinHostPort(strings.Trim(host, "[]"), port)
}

// pinged is what the run's one ping learned: the scheme the registry
// speaks, and its answer, to replay.
type pinged struct {
	scheme string
	answer answer
}

// answer is a ping's response, without its (unread) body.
type answer struct {
	status int
	header http.Header
}

// recorder keeps the answers to the ping, by scheme: transport.Ping may try
// https and http at once.
type recorder struct {
	inner   http.RoundTripper
	mu      sync.Mutex
	answers map[string]answer
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.inner.RoundTrip(req)
	if err == nil {
		r.mu.Lock()
		r.answers[req.URL.Scheme] = answer{status: resp.StatusCode, header: resp.Header.Clone()}
		r.mu.Unlock()
	}
	return resp, err
}

func (r *recorder) get(scheme string) answer {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.answers[scheme]
}

// replay answers go-containerregistry's ping of the registry with the run's
// recorded one, and refuses the other scheme, so its handshake picks the
// same scheme and challenge without a round trip. Everything else goes to
// inner.
type replay struct {
	inner http.RoundTripper
	host  string
	p     *pinged
}

func (r *replay) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method != http.MethodGet || !sameHost(req, r.host) || req.URL.Path != "/v2/" {
		return r.inner.RoundTrip(req)
	}
	if req.URL.Scheme != r.p.scheme {
		return nil, fmt.Errorf("%s speaks %s, not %s (learned by this run's ping)", r.host, r.p.scheme, req.URL.Scheme)
	}
	return &http.Response{
		Status:     http.StatusText(r.p.answer.status),
		StatusCode: r.p.answer.status,
		Proto:      "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:  r.p.answer.header.Clone(),
		Body:    io.NopCloser(strings.NewReader("")),
		Request: req,
	}, nil
}
