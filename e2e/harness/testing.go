package harness

import (
	"context"
	"testing"
)

// MustStartRegistry starts a registry for a test or benchmark, fails it if
// the registry does not start (never skips: a missing docker-registry is a
// broken environment), and closes the registry when it ends.
func MustStartRegistry(tb testing.TB, opts ...Option) *Registry {
	tb.Helper()
	r, err := StartRegistry(context.Background(), opts...)
	if err != nil {
		tb.Fatalf("starting docker-registry: %v", err)
	}
	tb.Cleanup(func() {
		if err := r.Close(); err != nil {
			tb.Errorf("closing docker-registry: %v", err)
		}
	})
	return r
}

// MustNewProxy starts a proxy to target for a test, and closes it when the
// test ends.
func MustNewProxy(tb testing.TB, target string, opts ...ProxyOption) *Proxy {
	tb.Helper()
	p, err := NewProxy(target, opts...)
	if err != nil {
		tb.Fatalf("starting proxy to %s: %v", target, err)
	}
	tb.Cleanup(func() { _ = p.Close() })
	return p
}
