package hubfake

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// registryPageSize is the n of _catalog and tags/list pages; ggcr follows
// the registry's Link headers from one page to the next.
const registryPageSize = 1000

// registry reads the backing registry through one shared Puller, so token
// exchanges and connections are reused.
type registry struct {
	reg    name.Registry
	puller *remote.Puller
}

func newRegistry(rawURL string, o *options) (*registry, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("registry URL %q: want http(s)://host[:port]", rawURL)
	}
	var nopts []name.Option
	if u.Scheme == "http" {
		nopts = append(nopts, name.Insecure)
	}
	reg, err := name.NewRegistry(u.Host, nopts...)
	if err != nil {
		return nil, fmt.Errorf("registry URL %q: %w", rawURL, err)
	}
	p, err := remote.NewPuller(remote.WithTransport(o.transport), remote.WithAuth(o.auth), remote.WithPageSize(registryPageSize))
	if err != nil {
		return nil, err
	}
	return &registry{reg: reg, puller: p}, nil
}

// catalog lists every repository of the registry.
func (g *registry) catalog(ctx context.Context) ([]string, error) {
	repos, err := g.puller.Catalog(ctx, g.reg)
	if err != nil {
		return nil, fmt.Errorf("listing the registry's catalog: %w", err)
	}
	return repos, nil
}

// tags lists the tags of repository path; errNotFound when there is none.
func (g *registry) tags(ctx context.Context, path string) ([]string, error) {
	tags, err := g.puller.List(ctx, g.reg.Repo(path))
	if err != nil {
		return nil, notFound(fmt.Errorf("listing tags of %s: %w", path, err))
	}
	return tags, nil
}

// head is the descriptor of path:tag, without a manifest GET.
func (g *registry) head(ctx context.Context, path, tag string) (*v1.Descriptor, error) {
	d, err := g.puller.Head(ctx, g.reg.Repo(path).Tag(tag))
	if err != nil {
		return nil, notFound(fmt.Errorf("HEAD %s:%s: %w", path, tag, err))
	}
	return d, nil
}

// get fetches the manifest of path:tag.
func (g *registry) get(ctx context.Context, path, tag string) (*remote.Descriptor, error) {
	d, err := g.puller.Get(ctx, g.reg.Repo(path).Tag(tag))
	if err != nil {
		return nil, notFound(fmt.Errorf("GET %s:%s: %w", path, tag, err))
	}
	return d, nil
}

// notFound marks the registry's 404s with errNotFound.
func notFound(err error) error {
	var te *transport.Error
	if errors.As(err, &te) && te.StatusCode == http.StatusNotFound {
		return fmt.Errorf("%w: %w", errNotFound, err)
	}
	return err
}
