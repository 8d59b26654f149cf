package auth

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// repositoryPath matches the registry API's per-repository routes. The name
// is greedy, so a repository that has "blobs" or "manifests" among its own
// components still parses.
var repositoryPath = regexp.MustCompile(`^/v2/(.+)/(?:manifests/[^/]+|blobs/uploads/[^/]*|blobs/[^/]+|tags/list|referrers/[^/]+)$`)

// scopes are the token scopes a request to reg needs, most specific first:
// some registries only read the first. nil means none: the ping route, or a
// path this package does not know (see Transport.transport).
func scopes(reg name.Registry, u *url.URL, method string, write bool) []string {
	if u.Path == "/v2/_catalog" {
		return []string{"registry:catalog:*"}
	}
	m := repositoryPath.FindStringSubmatch(u.Path)
	if m == nil {
		return nil
	}
	repo := reg.Repo(m[1])
	action := transport.PullScope
	if write || (method != http.MethodGet && method != http.MethodHead) {
		action = transport.PushScope
	}
	out := []string{repo.Scope(action)}
	// A mount from the repository itself (is it here already?) needs no
	// second scope, nor a second token.
	if from := u.Query().Get("from"); from != "" && from != m[1] && strings.HasSuffix(strings.TrimSuffix(u.Path, "/"), "/blobs/uploads") {
		out = append(out, reg.Repo(from).Scope(transport.PullScope))
	}
	return out
}
