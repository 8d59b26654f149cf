package verify

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/crane-migrate/crane-migrate/report"
)

// sourceAnnotation is the filtered index's note of the source index it was
// made from (copy.AnnotationSourceDigest; copy imports verify, not back).
const sourceAnnotation = "io.github.crane-migrate.source.digest"

// CompareFiltered checks dstRef against srcRef when the copy kept only the
// platforms in want (--platform): every kept platform's manifest at the
// destination has the source's child digest, and nothing else is listed
// there but the attestations of those platforms. With flatten, the
// destination tag must be the one kept platform's own manifest. An image,
// or an index that loses nothing to the filter, is compared as Compare
// does. It GETs both indexes: the verify command's price for a filtered copy.
func CompareFiltered(ctx context.Context, src, dst *remote.Puller, srcRef, dstRef name.Reference, want []v1.Platform, flatten bool) (Outcome, error) {
	var out Outcome
	sd, err := src.Head(ctx, srcRef)
	if err != nil {
		return out, fmt.Errorf("source %s: %w", srcRef, err)
	}
	if !sd.MediaType.IsIndex() {
		return Compare(ctx, src, dst, srcRef, dstRef)
	}
	sm, err := indexManifest(ctx, src, srcRef)
	if err != nil {
		return out, fmt.Errorf("source %s: %w", srcRef, err)
	}
	kept, attestations, dropped := split(sm, want)
	if len(dropped) == 0 && !flatten {
		return Compare(ctx, src, dst, srcRef, dstRef)
	}
	out.SourceDigest = sd.Digest.String()
	dd, err := head(ctx, dst, dstRef)
	if err != nil {
		return out, err
	}
	out.DestinationDigest = dd.Digest.String()
	out.Filtered = &report.Filtered{SourceDigest: out.SourceDigest, Digest: out.DestinationDigest, Platforms: keys(kept), Dropped: dropped, Flattened: flatten}
	if flatten {
		return out, flattened(dstRef, kept, dd.Digest)
	}
	if !dd.MediaType.IsIndex() {
		return out, fmt.Errorf("%s: %w: an image, want an index of %s", dstRef, ErrDigestMismatch, strings.Join(keys(kept), ", "))
	}
	dm, err := indexManifest(ctx, dst, dstRef)
	if err != nil {
		return out, fmt.Errorf("destination %s: %w", dstRef, err)
	}
	out.Platforms = Platforms(dm)
	if err := sameSelection(dstRef, dm, kept, attestations, out.SourceDigest); err != nil {
		return out, err
	}
	return out, children(ctx, dst, dstRef.Context(), dm)
}

// split sorts an index's entries into the kept platforms (platform →
// digest), the digests of their attestations, and the dropped ones.
func split(m *v1.IndexManifest, want []v1.Platform) (kept map[string]v1.Hash, attestations map[v1.Hash]bool, dropped []string) {
	kept, attestations = map[string]v1.Hash{}, map[v1.Hash]bool{}
	keptDigests := map[string]bool{}
	for _, d := range m.Manifests {
		if d.Platform != nil && !IsAttestation(d.Platform) && matches(*d.Platform, want) {
			kept[Platform(d.Platform)] = d.Digest
			keptDigests[d.Digest.String()] = true
		}
	}
	for _, d := range m.Manifests {
		switch {
		case keptDigests[d.Digest.String()]:
		case IsAttestation(d.Platform) && keptDigests[d.Annotations["vnd.docker.reference.digest"]]:
			attestations[d.Digest] = true
		case d.Platform == nil:
			dropped = append(dropped, d.Digest.String())
		default:
			dropped = append(dropped, Platform(d.Platform))
		}
	}
	slices.Sort(dropped)
	return kept, attestations, dropped
}

// sameSelection checks a filtered index against what the filter keeps of
// the source.
func sameSelection(ref name.Reference, dm *v1.IndexManifest, kept map[string]v1.Hash, attestations map[v1.Hash]bool, source string) error {
	if from := dm.Annotations[sourceAnnotation]; from != "" && from != source {
		return fmt.Errorf("%s: %w: filtered from %s, the source is now %s", ref, ErrDigestMismatch, from, source)
	}
	var extra, differ []string
	seen := map[string]bool{}
	for _, d := range dm.Manifests {
		p := Platform(d.Platform)
		switch want, ok := kept[p]; {
		case IsAttestation(d.Platform) && attestations[d.Digest]:
		case IsAttestation(d.Platform), !ok:
			extra = append(extra, cmpOr(p, d.Digest.String())+" "+d.Digest.String())
		case want != d.Digest:
			differ = append(differ, fmt.Sprintf("%s is %s, the source's %s", p, d.Digest, want))
		default:
			seen[p] = true
		}
	}
	var lack []string
	for p := range kept {
		if !seen[p] && !slices.ContainsFunc(differ, func(s string) bool { return strings.HasPrefix(s, p+" ") }) {
			lack = append(lack, p)
		}
	}
	slices.Sort(lack)
	switch {
	case len(extra) > 0:
		return fmt.Errorf("%s: %w: %s", ref, ErrPlatformExtra, strings.Join(extra, ", "))
	case len(differ) > 0:
		return fmt.Errorf("%s: %w: %s", ref, ErrDigestMismatch, strings.Join(differ, "; "))
	case len(lack) > 0:
		return fmt.Errorf("%s: %w: %s", ref, ErrPlatformMissing, strings.Join(lack, ", "))
	}
	return nil
}

// flattened: the destination tag is the one kept platform's manifest.
func flattened(ref name.Reference, kept map[string]v1.Hash, got v1.Hash) error {
	if len(kept) != 1 {
		return fmt.Errorf("%s: %w: --flatten keeps one platform, the source has %d of those selected", ref, ErrDigestMismatch, len(kept))
	}
	for p, want := range kept {
		if got != want {
			return fmt.Errorf("%s: %w: %s, want the source's %s manifest %s", ref, ErrDigestMismatch, got, p, want)
		}
	}
	return nil
}

// matches: os and architecture equal, and the variant when one is wanted.
func matches(p v1.Platform, want []v1.Platform) bool {
	for _, w := range want {
		if p.OS == w.OS && p.Architecture == w.Architecture && (w.Variant == "" || p.Variant == w.Variant) {
			return true
		}
	}
	return false
}

func keys(m map[string]v1.Hash) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
