package migrate

import (
	"github.com/google/go-containerregistry/pkg/name"

	"github.com/crane-migrate/crane-migrate/copy"
	"github.com/crane-migrate/crane-migrate/enumerate"
)

// What a caller needs to describe a run, so that the command line depends
// on this package alone and not on the engine or the listers behind it.

// DefaultJobs is the engine's workers per stage when WithJobs is not given.
const DefaultJobs = copy.DefaultJobs

// NamespaceName is a namespace on a registry: oldorg (Docker Hub) or
// registry.example.com/team.
type NamespaceName = enumerate.Namespace

// Filter selects tags by name (--include, --exclude).
type Filter = enumerate.Filter

// ParseNamespace reads a namespace argument.
func ParseNamespace(s string, opts ...name.Option) (NamespaceName, error) {
	return enumerate.ParseNamespace(s, opts...)
}

// ReadReposFile reads a repos file: repository names relative to ns.
func ReadReposFile(path string, ns NamespaceName) ([]string, error) {
	return enumerate.ReadReposFile(path, ns)
}

// NewFilter compiles --include and --exclude expressions (RE2).
func NewFilter(include, exclude []string) (Filter, error) {
	return enumerate.NewFilter(include, exclude)
}
