package referrers

import (
	"context"
	"errors"

	"github.com/google/go-containerregistry/pkg/name"
)

// probeDigest is the digest the probe lists the referrers of: the empty
// blob's, which no test or registry treats specially. Only the shape of the
// answer matters.
const probeDigest = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// Supported reports whether repo's registry serves the referrers API. It
// asks once per registry host per Finder, concurrent callers sharing one
// request, by listing the referrers of probeDigest: only a 200 whose body
// is an OCI image index counts. The OCI-Subject header on a manifest PUT is
// not trusted (Docker Hub sends it without serving the API), nor is a bare
// 200 (go-containerregistry's own write path trusts one). A 404
// NAME_UNKNOWN (go-containerregistry's registry before the repository
// exists) is inconclusive: reported as false, not cached.
func (f *Finder) Supported(ctx context.Context, repo name.Repository) (bool, error) {
	ok, err := f.probes.Do(ctx, repo.RegistryStr(), func() (bool, error) {
		_, ok, err := f.listAPI(ctx, repo.Digest(probeDigest))
		if err == nil {
			f.o.log.WithField("registry", repo.RegistryStr()).WithField("supported", ok).Debug("referrers API probed")
		}
		return ok, err
	})
	if errors.Is(err, errInconclusive) {
		return false, nil
	}
	return ok, err
}
