package auth

import (
	"context"
	"fmt"
	"net/http"
	"strings"

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

	ping   flight.Group[*transport.Challenge]
	creds  flight.Group[authn.Authenticator] // resolved once: a credential helper is a process to run
	scoped flight.Group[http.RoundTripper]   // scopes, joined → authenticated transport
}

// New returns a Transport for reg, with credentials from kc, sending
// through inner (which carries the retries and TLS settings).
func New(reg name.Registry, kc authn.Keychain, inner http.RoundTripper, opts ...Option) *Transport {
	o := defaults()
	for _, opt := range opts {
		opt(&o)
	}
	return &Transport{reg: reg, kc: kc, inner: inner, o: o}
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
func (t *Transport) Ping(ctx context.Context) (*transport.Challenge, error) {
	return t.ping.Do(ctx, "", func() (*transport.Challenge, error) {
		return transport.Ping(ctx, t.reg, t.inner)
	})
}

// RoundTrip sends req with the token its repository scope needs.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Host != t.reg.RegistryStr() {
		return t.inner.RoundTrip(req)
	}
	ch, err := t.Ping(req.Context())
	if err != nil {
		return nil, err
	}
	rt, err := t.transport(req.Context(), ch, scopes(t.reg, req.URL, req.Method, t.o.write))
	if err != nil {
		return nil, err
	}
	return rt.RoundTrip(req)
}

// transport is the authenticated transport for a set of scopes, made once.
// A registry that answered the ping without a bearer challenge needs no
// token: its transport attaches the keychain's credentials, if any.
func (t *Transport) transport(ctx context.Context, ch *transport.Challenge, scopes []string) (http.RoundTripper, error) {
	return t.scoped.Do(ctx, strings.Join(scopes, " "), func() (http.RoundTripper, error) {
		a, err := t.creds.Do(ctx, "", func() (authn.Authenticator, error) {
			a, err := authn.Resolve(ctx, t.kc, t.reg)
			if err != nil {
				return nil, fmt.Errorf("credentials for %s: %w", t.reg, err)
			}
			return a, nil
		})
		if err != nil {
			return nil, err
		}
		base := &scheme{inner: t.inner, host: t.reg.RegistryStr(), https: !ch.Insecure, agent: t.o.agent}
		if !strings.EqualFold(ch.Scheme, "bearer") {
			return transport.FromToken(t.reg, a, base, ch, nil)
		}
		tok, err := transport.Exchange(ctx, t.reg, a, base, scopes, ch)
		if err != nil {
			return nil, fmt.Errorf("token for %s: %w", strings.Join(scopes, " "), err)
		}
		return transport.FromToken(t.reg, a, base, ch, tok)
	})
}

// scheme sends the registry's requests over the scheme its ping found (a
// loopback reference says http, a registry there may speak https), with the
// user agent set.
type scheme struct {
	inner http.RoundTripper
	host  string
	https bool
	agent string
}

func (s *scheme) RoundTrip(req *http.Request) (*http.Response, error) {
	want := "http"
	if s.https {
		want = "https"
	}
	if req.URL.Host == s.host && (req.URL.Scheme != want || (s.agent != "" && req.Header.Get("User-Agent") == "")) {
		req = req.Clone(req.Context())
		req.URL.Scheme = want
		if s.agent != "" && req.Header.Get("User-Agent") == "" {
			req.Header.Set("User-Agent", s.agent)
		}
	}
	return s.inner.RoundTrip(req)
}
