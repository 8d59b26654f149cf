package harness

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"sync"
	"testing"

	"github.com/google/go-containerregistry/pkg/registry"
)

// GGCRRegistry is go-containerregistry's in-memory registry served on
// 127.0.0.1 in this process. Unlike docker-registry 2.8 it can serve the
// OCI 1.1 referrers API, so tests can have one side with it and one
// without.
type GGCRRegistry struct {
	host      string
	srv       *http.Server
	closeOnce sync.Once
	closeErr  error
}

// GGCROption configures StartGGCRRegistry.
type GGCROption func(*ggcrOptions) error

type ggcrOptions struct {
	middleware func(http.Handler) http.Handler
}

// WithMiddleware wraps the registry's handler, e.g. to refuse some
// requests or count them. Default: none.
func WithMiddleware(m func(http.Handler) http.Handler) GGCROption {
	return func(o *ggcrOptions) error {
		if m == nil {
			return errors.New("WithMiddleware: nil middleware")
		}
		o.middleware = m
		return nil
	}
}

// StartGGCRRegistry serves go-containerregistry's registry, with the
// referrers API if referrers is true, on a free port of 127.0.0.1 over
// plain HTTP. It is ready when it returns; ctx bounds the start-up only.
func StartGGCRRegistry(ctx context.Context, referrers bool, opts ...GGCROption) (*GGCRRegistry, error) {
	o := &ggcrOptions{}
	for _, opt := range opts {
		if err := opt(o); err != nil {
			return nil, err
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("starting ggcr registry: %w", err)
	}
	var h http.Handler = registry.New(registry.WithReferrersSupport(referrers),
		registry.Logger(log.New(io.Discard, "", 0)))
	if o.middleware != nil {
		h = o.middleware(h)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("starting ggcr registry: %w", err)
	}
	r := &GGCRRegistry{host: l.Addr().String(), srv: &http.Server{Handler: h}}
	go func() { _ = r.srv.Serve(l) }()
	return r, nil
}

// Host is the registry's address, "127.0.0.1:PORT", ready to prefix a
// repository in a reference.
func (r *GGCRRegistry) Host() string { return r.host }

// Close stops serving and drops the registry's content. It may be called
// more than once.
func (r *GGCRRegistry) Close() error {
	r.closeOnce.Do(func() {
		if err := r.srv.Close(); err != nil {
			r.closeErr = fmt.Errorf("closing ggcr registry: %w", err)
		}
	})
	return r.closeErr
}

// MustStartGGCRRegistry starts a GGCRRegistry for a test and closes it
// when the test ends.
func MustStartGGCRRegistry(tb testing.TB, referrers bool, opts ...GGCROption) *GGCRRegistry {
	tb.Helper()
	r, err := StartGGCRRegistry(context.Background(), referrers, opts...)
	if err != nil {
		tb.Fatalf("starting ggcr registry: %v", err)
	}
	tb.Cleanup(func() {
		if err := r.Close(); err != nil {
			tb.Errorf("%v", err)
		}
	})
	return r
}
