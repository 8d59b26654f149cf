package harness

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// probeInterval is how often StartRegistry asks GET /v2/ while it waits.
const probeInterval = 20 * time.Millisecond

// waitReady polls GET /v2/ until our registry answers 200 or 401, the process
// exits, or ctx ends. With TLS it trusts the registry's own certificate only.
func (r *Registry) waitReady(ctx context.Context) error {
	client := &http.Client{Timeout: time.Second, Transport: &http.Transport{DisableKeepAlives: true, TLSClientConfig: r.clientTLS()}}
	tick := time.NewTicker(probeInterval)
	defer tick.Stop()
	for {
		select {
		case <-r.exited:
			if r.out.contains(errAddrInUse.Error()) {
				return fmt.Errorf("registry on %s: %w", r.host, errAddrInUse)
			}
			return fmt.Errorf("%w (%v): %s", ErrRegistryExited, r.err, strings.TrimSpace(r.out.String()))
		case <-ctx.Done():
			return fmt.Errorf("waiting for docker-registry on %s: %w: %s", r.host, ctx.Err(), strings.TrimSpace(r.out.String()))
		case <-tick.C:
		}
		if r.answers(ctx, client) {
			return nil
		}
	}
}

// answers tells whether GET /v2/ reaches our registry: the id header tells it
// from another process that took the port.
func (r *Registry) answers(ctx context.Context, client *http.Client) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.URL()+"/v2/", nil)
	if err != nil {
		return false
	}
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	_ = resp.Body.Close()
	ok := resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusUnauthorized
	return ok && resp.Header.Get(idHeader) == r.id
}
