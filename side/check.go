package side

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"syscall"

	"github.com/google/go-containerregistry/pkg/name"
)

// ErrUnreachable means a side's registry did not answer at all.
var ErrUnreachable = errors.New("not reachable")

// Check checks, before any work starts, that each side's registry answers
// and that its Docker Hub login works: a typo in a host name or a wrong
// password is one clear line, not a failure per tag. Both sides are checked
// at once; the first side's error wins.
func Check(ctx context.Context, sides ...*Side) error {
	errs := make([]error, len(sides))
	var wg sync.WaitGroup
	for i, s := range sides {
		wg.Go(func() { errs[i] = s.check(ctx) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func (s *Side) check(ctx context.Context) error {
	// The side's own ping is the run's only one; when it fails, a plain
	// GET tells "not there" from "there, but odd", which the first
	// request then reports.
	if err := s.Auth.Ping(ctx); err != nil {
		if err := ping(ctx, s.RT, s.TLS, s.Registry); err != nil {
			return fmt.Errorf("%s registry %s: %w", s.Label, s.Registry, err)
		}
	}
	if s.Hub != nil && s.Hub.Authenticated() {
		if err := s.Hub.Login(ctx); err != nil {
			return fmt.Errorf("%s Docker Hub API %s: %w", s.Label, s.Hub.BaseURL(), err)
		}
	}
	return nil
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
