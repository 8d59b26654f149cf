package commands

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

// preflight checks, before any work starts, that each side's registry
// answers and that its Docker Hub login works: a typo in a host name or a
// wrong password is one clear line (exit 2), not a failure per tag.
func preflight(ctx context.Context, tls tlsPolicy, sides ...*side) error {
	errs := make([]error, len(sides)) // both sides at once; the first side's error wins
	var wg sync.WaitGroup
	for i, s := range sides {
		wg.Go(func() {
			// The side's own ping is the run's only one; when it fails, a
			// plain GET tells "not there" from "there, but odd", which
			// the first request then reports.
			if err := s.auth.Ping(ctx); err != nil {
				if err := ping(ctx, s.rt, tls, s.registry); err != nil {
					errs[i] = asUsage(fmt.Errorf("%s registry %s: %w", s.label, s.registry, err))
					return
				}
			}
			if s.hub != nil && s.hub.Authenticated() {
				if err := s.hub.Login(ctx); err != nil {
					errs[i] = asUsage(fmt.Errorf("%s Docker Hub API %s: %w", s.label, s.hub.BaseURL(), err))
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// ping GETs /v2/ the way go-containerregistry does: https first, then plain
// HTTP where the TLS policy allows it. Any HTTP answer (401 included) means
// the registry is there.
func ping(ctx context.Context, rt http.RoundTripper, tls tlsPolicy, reg name.Registry) error {
	var firstErr error
	for _, scheme := range []string{"https", "http"} {
		if scheme == "http" && !tls.plainAllowed(reg.RegistryStr()) {
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
	return fmt.Errorf("not reachable: %w", firstErr)
}
