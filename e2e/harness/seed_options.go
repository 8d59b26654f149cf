package harness

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/google/go-containerregistry/pkg/authn"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// DefaultLayerSize is the size of the random file in each seeded image's own
// layer: a few KiB per image keeps seeding hundreds of tags fast.
const DefaultLayerSize = 1024

// DefaultPlatform is the platform SeedImage writes into its image's config.
var DefaultPlatform = v1.Platform{OS: "linux", Architecture: "amd64"}

// SeedOption configures SeedImage, SeedIndex and Tag.
type SeedOption func(*seedOptions) error

type seedOptions struct {
	auth        authn.Authenticator
	transport   http.RoundTripper
	base        v1.Layer
	layerSize   int64
	platform    v1.Platform
	mediaType   types.MediaType
	attestation bool
}

func makeSeedOptions(opts ...SeedOption) (*seedOptions, error) {
	o := &seedOptions{auth: authn.Anonymous, transport: remote.DefaultTransport,
		layerSize: DefaultLayerSize, platform: DefaultPlatform, mediaType: types.DockerManifestSchema2}
	for _, opt := range opts {
		if err := opt(o); err != nil {
			return nil, err
		}
	}
	return o, nil
}

func (o *seedOptions) remote(ctx context.Context) []remote.Option {
	return []remote.Option{remote.WithContext(ctx), remote.WithAuth(o.auth), remote.WithTransport(o.transport)}
}

// WithAuth authenticates to the registry. Default: anonymous.
func WithAuth(a authn.Authenticator) SeedOption {
	return func(o *seedOptions) error {
		if a == nil {
			return errors.New("WithAuth: nil authenticator")
		}
		o.auth = a
		return nil
	}
}

// WithTransport sends the requests through t, e.g. to count them.
// Default: remote.DefaultTransport.
func WithTransport(t http.RoundTripper) SeedOption {
	return func(o *seedOptions) error {
		if t == nil {
			return errors.New("WithTransport: nil transport")
		}
		o.transport = t
		return nil
	}
}

// WithSharedBase puts layer under each image's own random layer, so that
// images share a base. Default: one random layer only.
func WithSharedBase(layer v1.Layer) SeedOption {
	return func(o *seedOptions) error {
		if layer == nil {
			return errors.New("WithSharedBase: nil layer")
		}
		o.base = layer
		return nil
	}
}

// WithLayerSize sets the size of the random file in each image's own layer.
// Default: DefaultLayerSize.
func WithLayerSize(n int64) SeedOption {
	return func(o *seedOptions) error {
		if n <= 0 {
			return fmt.Errorf("WithLayerSize: %d is not positive", n)
		}
		o.layerSize = n
		return nil
	}
}

// WithPlatform sets the platform in SeedImage's config. Default:
// DefaultPlatform (linux/amd64). SeedIndex takes its platforms as an argument.
func WithPlatform(p v1.Platform) SeedOption {
	return func(o *seedOptions) error {
		if p.OS == "" || p.Architecture == "" {
			return errors.New("WithPlatform: os and architecture are required")
		}
		o.platform = p
		return nil
	}
}

// WithImageMediaType sets SeedImage's manifest media type:
// types.DockerManifestSchema2 (the default) or types.OCIManifestSchema1.
// SeedIndex's children follow the index's media type instead.
func WithImageMediaType(mt types.MediaType) SeedOption {
	return func(o *seedOptions) error {
		if mt != types.DockerManifestSchema2 && mt != types.OCIManifestSchema1 {
			return fmt.Errorf("WithImageMediaType: %q is not an image manifest media type", mt)
		}
		o.mediaType = mt
		return nil
	}
}

// WithAttestation adds to SeedIndex's index an in-toto attestation manifest
// for the first platform, with platform unknown/unknown as BuildKit writes
// it. Default: none.
func WithAttestation() SeedOption {
	return func(o *seedOptions) error {
		o.attestation = true
		return nil
	}
}
