package referrers

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/crane-migrate/crane-migrate/flight"
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// Finder finds what is attached to images on one registry side. Build one
// per side and share it: the API probe and the default transports are
// cached in it for the run.
type Finder struct {
	puller     *remote.Puller
	o          *options
	probes     flight.Group[bool]              // registry host → API supported
	transports flight.Group[http.RoundTripper] // repository → default transport
}

// NewFinder returns a Finder reading through puller (manifests and tags)
// and, for the referrers API, through WithTransport's round tripper.
func NewFinder(puller *remote.Puller, opts ...Option) (*Finder, error) {
	if puller == nil {
		return nil, errors.New("referrers: nil puller")
	}
	o, err := makeOptions(opts...)
	if err != nil {
		return nil, fmt.Errorf("referrers: %w", err)
	}
	return &Finder{puller: puller, o: o}, nil
}

// client is an HTTP client for repo's registry API.
func (f *Finder) client(ctx context.Context, repo name.Repository) (*http.Client, error) {
	if f.o.transport != nil {
		return &http.Client{Transport: f.o.transport}, nil
	}
	rt, err := f.transports.Do(ctx, repo.String(), func() (http.RoundTripper, error) {
		scopes := []string{repo.Scope(transport.PullScope)}
		return transport.NewWithContext(ctx, repo.Registry, authn.Anonymous, remote.DefaultTransport, scopes)
	})
	if err != nil {
		return nil, fmt.Errorf("authenticating to %s: %w", repo, err)
	}
	return &http.Client{Transport: rt}, nil
}

// keep reports whether an artifact type passes WithArtifactTypes.
func (f *Finder) keep(artifactType string) bool {
	return f.o.artifactTypes == nil || f.o.artifactTypes[artifactType]
}
