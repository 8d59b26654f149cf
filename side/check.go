package side

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// Preflight bounds, each checked by a test.
const (
	// DialTimeout bounds the TCP connection that tells "nothing there"
	// from a registry that answers slowly.
	DialTimeout = 3 * time.Second
	// PreflightTimeout bounds a side's registry checks (ping and
	// credentials), retries included: a registry that accepts connections
	// but does not answer fails the run in seconds, not minutes. It is
	// shorter than net/http's 10 s TLS handshake timeout, so a silent
	// registry ends the check as one "no answer" and never as a handshake
	// timeout that the retry layer would retry (and warn about) first.
	PreflightTimeout = 8 * time.Second
)

var (
	// ErrUnreachable means a side's registry did not answer at all.
	ErrUnreachable = errors.New("not reachable")
	// ErrRefused means the registry refused the side's credentials (401).
	ErrRefused = errors.New("credentials refused")
	// ErrCredentials means the side's credentials could not be read: a
	// malformed config.json, a credential helper missing or failing.
	ErrCredentials = errors.New("credentials unavailable")
)

// CheckError is a side that failed its preflight: Err wraps one of the
// errors above, or the Docker Hub API login's.
type CheckError struct {
	Label    string // the side's ("source", "destination")
	Registry string // its registry host
	Err      error
}

func (e *CheckError) Error() string { return e.Label + " " + e.Err.Error() }
func (e *CheckError) Unwrap() error { return e.Err }

// Probe is a side with the repository its preflight may ask about: the
// first one the run will read or write ("" for none).
type Probe struct {
	Side       *Side
	Repository string
}

// Check checks, before any work starts, that each side's registry answers,
// that its credentials can be read and, when the side has any, that the
// registry (or the Docker Hub API) accepts them: a typo in a host name, a
// missing credential helper or a wrong password is one clear line, not a
// failure per tag. Sides are checked at once; the first side's error wins.
func Check(ctx context.Context, probes ...Probe) error {
	errs := make([]error, len(probes))
	var wg sync.WaitGroup
	for i, p := range probes {
		wg.Go(func() { errs[i] = p.Side.check(ctx, p.Repository) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return &CheckError{Label: probes[i].Side.Label, Registry: probes[i].Side.Registry.RegistryStr(), Err: err}
		}
	}
	return nil
}

func (s *Side) check(ctx context.Context, repo string) error {
	host := s.Registry.RegistryStr()
	if err := dial(ctx, s.Registry, s.TLS); err != nil {
		return fmt.Errorf("registry %s: %w: %w", host, ErrUnreachable, err)
	}
	pctx, cancel := context.WithTimeout(ctx, PreflightTimeout)
	defer cancel()
	// The side's own ping is the run's only one; when it fails, a plain
	// GET tells "not there" from "there, but odd", which the first
	// request then reports.
	if err := s.Auth.Ping(pctx); err != nil {
		if pctx.Err() != nil && ctx.Err() == nil {
			return fmt.Errorf("registry %s: %w: no answer within %v", host, ErrUnreachable, PreflightTimeout)
		}
		if err := ping(pctx, s.RT, s.TLS, s.Registry); err != nil {
			return fmt.Errorf("registry %s: %w", host, err)
		}
	}
	ac, _, err := s.Keychain.LookupContext(ctx, host)
	if err != nil {
		return fmt.Errorf("%w for %s: %w", ErrCredentials, host, err)
	}
	if s.Hub != nil && s.Hub.Authenticated() {
		// The API login checks the same credentials, without a registry
		// request.
		if err := s.Hub.Login(ctx); err != nil {
			return fmt.Errorf("Docker Hub API %s: %w", s.Hub.BaseURL(), err)
		}
		return nil
	}
	if ac == (authn.AuthConfig{}) || repo == "" {
		return nil // nothing to check: anonymous access is the registry's to allow, per repository
	}
	if err := s.tryCredentials(pctx, repo); err != nil {
		return fmt.Errorf("registry %s: %w: %s (%w)", host, ErrRefused, s.Describe(), err)
	}
	return nil
}

// tryCredentials lists at most one tag of repo with the side's
// credentials: no Docker Hub pull, and the token it needs is the one the
// run uses for that repository. Only a refusal of the credentials
// themselves is an error: a token server's 401, or a 401 to a request that
// carried them that is not about scope (a Basic registry). A missing
// repository or a denied one is the run's to report, per repository.
func (s *Side) tryCredentials(ctx context.Context, repo string) error {
	u := url.URL{Scheme: s.Registry.Scheme(), Host: s.Registry.RegistryStr(), Path: "/v2/" + repo + "/tags/list", RawQuery: "n=1"}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil
	}
	resp, err := s.Auth.RoundTrip(req)
	var te *transport.Error
	switch {
	case errors.As(err, &te) && te.StatusCode == http.StatusUnauthorized:
		return errors.New("401 Unauthorized")
	case err != nil:
		return nil // not about the credentials: the run meets it and says so
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusUnauthorized && !strings.Contains(resp.Header.Get("WWW-Authenticate"), "insufficient_scope") {
		return errors.New(resp.Status)
	}
	return nil
}

// dial opens (and closes) a TCP connection to the registry, where the
// registry would be spoken to directly: refused or unresolvable is
// "not reachable" at once, without the retries a registry request gets.
// Behind an HTTP proxy, the proxy decides: nothing is dialled.
func dial(ctx context.Context, reg name.Registry, tls TLSPolicy) error {
	host := reg.RegistryStr()
	req, err := http.NewRequest(http.MethodGet, "https://"+host+"/v2/", nil)
	if err != nil {
		return nil
	}
	if p, err := http.ProxyFromEnvironment(req); err != nil || p != nil {
		return nil
	}
	addrs := []string{host}
	if _, _, err := net.SplitHostPort(host); err != nil {
		addrs = []string{net.JoinHostPort(host, "443")}
		if tls.PlainAllowed(host) {
			addrs = append(addrs, net.JoinHostPort(host, "80"))
		}
	}
	d := net.Dialer{Timeout: DialTimeout}
	var firstErr error
	for _, a := range addrs {
		c, err := d.DialContext(ctx, "tcp", a)
		if err == nil {
			c.Close()
			return nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	return firstErr
}

// ping GETs /v2/ the way go-containerregistry does: https first, then plain
// HTTP where the TLS policy allows it. Any HTTP answer (401 included) means
// the registry is there.
func ping(ctx context.Context, rt http.RoundTripper, tls TLSPolicy, reg name.Registry) error {
	var firstErr error
	for _, scheme := range []string{"https", "http"} {
		if scheme == "http" && !tls.PlainAllowed(reg.RegistryStr()) {
			break
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, scheme+"://"+reg.RegistryStr()+"/v2/", nil)
		if err != nil {
			return err
		}
		resp, err := rt.RoundTrip(req)
		if err == nil {
			resp.Body.Close()
			return nil
		}
		if firstErr == nil {
			firstErr = err
		}
		var dns *net.DNSError
		if errors.Is(err, syscall.ECONNREFUSED) || errors.As(err, &dns) {
			break // nothing listens there, whatever the scheme
		}
	}
	return fmt.Errorf("%w: %w", ErrUnreachable, firstErr)
}
