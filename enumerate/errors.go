package enumerate

import "errors"

// Sentinel errors; callers branch with errors.Is.
var (
	// ErrBadNamespace means a namespace argument could not be parsed.
	ErrBadNamespace = errors.New("invalid namespace")
	// ErrBadReposFile means a repos file is unreadable, empty or has an invalid line.
	ErrBadReposFile = errors.New("invalid repos file")
	// ErrBadFilter means an --include or --exclude expression is not valid RE2.
	ErrBadFilter = errors.New("invalid tag filter")
	// ErrRepositoryNotFound means the registry answered 404 to a repository's tags/list.
	ErrRepositoryNotFound = errors.New("repository not found")
)
