package verify

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
	"golang.org/x/sync/errgroup"

	"github.com/crane-migrate/crane-migrate/report"
)

// Outcome is what a comparison found.
type Outcome struct {
	SourceDigest      string
	DestinationDigest string
	Platforms         []string
	// Filtered is set by CompareFiltered when --platform rewrote the copy.
	Filtered *report.Filtered
}

// Destination checks ref at the destination against a source already in
// hand: want is the source digest and srcIndex its index manifest (nil for an
// image). It costs one HEAD, plus one HEAD per index child, and no GET.
func Destination(ctx context.Context, dst *remote.Puller, ref name.Reference, want v1.Hash, srcIndex *v1.IndexManifest) (Outcome, error) {
	out := Outcome{SourceDigest: want.String()}
	d, err := head(ctx, dst, ref)
	if err != nil {
		return out, err
	}
	out.DestinationDigest = d.Digest.String()
	if d.Digest != want {
		return out, fmt.Errorf("%s: %w: source %s, destination %s", ref, ErrDigestMismatch, want, d.Digest)
	}
	if srcIndex == nil {
		return out, nil
	}
	out.Platforms = Platforms(srcIndex)
	return out, children(ctx, dst, ref.Context(), srcIndex)
}

// Compare checks dstRef against srcRef when neither is in hand, as the verify
// command does. Equal digests cost a HEAD on each side (plus, for an index, a
// GET of the destination's index and a HEAD per child there); the source is
// only read with GET to explain a mismatch between two indexes.
func Compare(ctx context.Context, src, dst *remote.Puller, srcRef, dstRef name.Reference) (Outcome, error) {
	var out Outcome
	sd, err := src.Head(ctx, srcRef)
	if err != nil {
		return out, fmt.Errorf("source %s: %w", srcRef, err)
	}
	out.SourceDigest = sd.Digest.String()
	dd, err := head(ctx, dst, dstRef)
	if err != nil {
		return out, err
	}
	out.DestinationDigest = dd.Digest.String()
	if sd.Digest == dd.Digest {
		if !dd.MediaType.IsIndex() {
			return out, nil
		}
		dm, err := indexManifest(ctx, dst, dstRef)
		if err != nil {
			return out, fmt.Errorf("destination %s: %w", dstRef, err)
		}
		out.Platforms = Platforms(dm)
		return out, children(ctx, dst, dstRef.Context(), dm)
	}
	mismatch := fmt.Errorf("%s: %w: source %s, destination %s", dstRef, ErrDigestMismatch, sd.Digest, dd.Digest)
	if !sd.MediaType.IsIndex() || !dd.MediaType.IsIndex() {
		return out, mismatch
	}
	sm, err := indexManifest(ctx, src, srcRef)
	if err != nil {
		return out, errors.Join(mismatch, err)
	}
	dm, err := indexManifest(ctx, dst, dstRef)
	if err != nil {
		return out, errors.Join(mismatch, err)
	}
	out.Platforms = Platforms(dm)
	if lack := missing(Platforms(sm), out.Platforms); len(lack) > 0 {
		return out, fmt.Errorf("%w; %w: %s", mismatch, ErrPlatformMissing, strings.Join(lack, ", "))
	}
	return out, mismatch
}

// children HEADs every child of m in repo, all at once: an index whose
// children are gone is an image nobody can pull.
func children(ctx context.Context, dst *remote.Puller, repo name.Repository, m *v1.IndexManifest) error {
	var (
		mu   sync.Mutex
		lack []string
	)
	g, gctx := errgroup.WithContext(ctx)
	for _, c := range m.Manifests {
		g.Go(func() error {
			_, err := dst.Head(gctx, repo.Digest(c.Digest.String()))
			if err == nil {
				return nil
			}
			if !isNotFound(err) {
				return fmt.Errorf("checking %s@%s: %w", repo, c.Digest, err)
			}
			p := Platform(c.Platform)
			if p == "" {
				p = c.Digest.String()
			}
			mu.Lock()
			lack = append(lack, p)
			mu.Unlock()
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	slices.Sort(lack)
	if len(lack) > 0 {
		return fmt.Errorf("%s: %w: %s", repo, ErrPlatformMissing, strings.Join(lack, ", "))
	}
	return nil
}

func head(ctx context.Context, dst *remote.Puller, ref name.Reference) (*v1.Descriptor, error) {
	d, err := dst.Head(ctx, ref)
	if isNotFound(err) {
		return nil, fmt.Errorf("%s: %w", ref, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("destination %s: %w", ref, err)
	}
	return d, nil
}

func indexManifest(ctx context.Context, p *remote.Puller, ref name.Reference) (*v1.IndexManifest, error) {
	d, err := p.Get(ctx, ref)
	if err != nil {
		return nil, err
	}
	return v1.ParseIndexManifest(strings.NewReader(string(d.Manifest)))
}

// IsNotFound reports whether err is a registry's 404 (or MANIFEST_UNKNOWN).
func IsNotFound(err error) bool { return isNotFound(err) }

func isNotFound(err error) bool {
	var te *transport.Error
	if !errors.As(err, &te) {
		return false
	}
	if te.StatusCode == http.StatusNotFound {
		return true
	}
	for _, d := range te.Errors {
		if d.Code == transport.ManifestUnknownErrorCode || d.Code == transport.NameUnknownErrorCode {
			return true
		}
	}
	return false
}
