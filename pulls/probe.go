package pulls

import (
	"context"
	"fmt"
	"net/http"

	"github.com/google/go-containerregistry/pkg/name"
)

// Probe learns ref's registry's pull limit without spending a pull: a
// manifest HEAD is not a pull on Docker Hub, and it carries the
// ratelimit-limit and ratelimit-remaining headers. rt must authenticate (an
// auth.Transport does). ok is false when the registry
// reports no limit.
func Probe(ctx context.Context, rt http.RoundTripper, ref name.Reference) (l Limit, ok bool, err error) {
	u := fmt.Sprintf("%s://%s/v2/%s/manifests/%s", ref.Context().Scheme(), ref.Context().RegistryStr(), ref.Context().RepositoryStr(), ref.Identifier())
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, u, nil)
	if err != nil {
		return l, false, err
	}
	req.Header.Set("Accept", "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, "+
		"application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.docker.distribution.manifest.v2+json")
	resp, err := rt.RoundTrip(req)
	if err != nil {
		return l, false, fmt.Errorf("probing the pull limit of %s: %w", ref.Context().Registry, err)
	}
	resp.Body.Close()
	limit, window, ok1 := parseLimit(resp.Header.Get("Ratelimit-Limit"))
	remaining, _, ok2 := parseLimit(resp.Header.Get("Ratelimit-Remaining"))
	if !ok1 || !ok2 {
		return l, false, nil
	}
	return Limit{Limit: limit, Remaining: remaining, Window: window}, true, nil
}
