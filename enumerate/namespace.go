package enumerate

import (
	"fmt"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
)

// Namespace is a registry plus a path prefix: "oldorg" on Docker Hub, or
// "registry.example.com/team".
type Namespace struct {
	Registry name.Registry
	Path     string
	opts     []name.Option // name.Insecure, for repositories made from it
}

// ParseNamespace parses a namespace the way docker parses a repository: a
// first component with a dot or a colon, or "localhost", names the registry;
// anything else is on Docker Hub. (name.NewRepository would turn a lone
// "oldorg" into "library/oldorg", which is not what a namespace means.)
func ParseNamespace(s string, opts ...name.Option) (Namespace, error) {
	s = strings.TrimSuffix(strings.TrimSpace(s), "/")
	host, path := name.DefaultRegistry, s
	if first, rest, ok := strings.Cut(s, "/"); ok && (strings.ContainsAny(first, ".:") || first == "localhost") {
		host, path = first, rest
	} else if strings.ContainsAny(s, ".:") && !ok {
		return Namespace{}, fmt.Errorf("%w %q: a registry needs a namespace after it (registry.example.com/team)", ErrBadNamespace, s)
	}
	if path == "" {
		return Namespace{}, fmt.Errorf("%w %q: empty", ErrBadNamespace, s)
	}
	reg, err := name.NewRegistry(host, opts...)
	if err != nil {
		return Namespace{}, fmt.Errorf("%w %q: %w", ErrBadNamespace, s, err)
	}
	// The path must be a valid repository path prefix.
	if _, err := name.NewRepository(reg.Name()+"/"+path+"/x", opts...); err != nil {
		return Namespace{}, fmt.Errorf("%w %q: %w", ErrBadNamespace, s, err)
	}
	return Namespace{Registry: reg, Path: path, opts: opts}, nil
}

// String renders the namespace as the user would type it.
func (n Namespace) String() string { return n.Registry.Name() + "/" + n.Path }

// Repository returns the repository rel inside the namespace.
func (n Namespace) Repository(rel string) (name.Repository, error) {
	return name.NewRepository(n.Registry.Name()+"/"+n.Path+"/"+rel, n.opts...)
}

// HubPath splits a repository into the Docker Hub namespace and name:
// oldorg/myapp → ("oldorg", "myapp"). Nested paths keep the rest as the name.
func HubPath(repo name.Repository) (ns, rel string) {
	ns, rel, _ = strings.Cut(repo.RepositoryStr(), "/")
	return ns, rel
}
