package copy

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/crane-migrate/crane-migrate/enumerate"
	"github.com/crane-migrate/crane-migrate/report"
	"github.com/crane-migrate/crane-migrate/verify"
)

// Platforms is what --platform keeps of a tag. An index that has other
// platforms becomes a new index listing exactly the kept ones, plus the
// attestation manifests that point at them; an index that has no other is
// copied unchanged, and so is an image of a kept platform. With Flatten
// (one platform) the tag gets that platform's own manifest instead.
type Platforms struct {
	Want    []v1.Platform
	Flatten bool
}

// Annotations of a filtered index. They name the source index it was made
// from and the platforms kept, so that a re-run can tell, from the
// destination alone, that the destination's index is this source filtered
// this way: the filtered digest cannot be computed without the source index,
// and reading that would cost a pull.
const (
	AnnotationSourceDigest = "io.github.crane-migrate.source.digest"
	AnnotationPlatforms    = "io.github.crane-migrate.platforms"
)

// BuildKit's annotations of an attestation manifest in an index.
const (
	refDigestAnnotation = "vnd.docker.reference.digest"
	refTypeAnnotation   = "vnd.docker.reference.type"
)

// ErrNoPlatform means an index has none of the platforms --platform keeps.
var ErrNoPlatform = errors.New("none of the wanted platforms")

// filtered is an index as --platform rewrites it.
type filtered struct {
	raw     []byte // nil: nothing dropped, the source index is copied as it is
	digest  v1.Hash
	index   *v1.IndexManifest
	kept    []v1.Descriptor // the kept platforms' manifests, no attestations
	dropped []string
}

// FilterIndex rewrites raw, the index whose digest is src, to list only the
// platforms in want and the attestations of those platforms. The result is
// byte-for-byte a function of its inputs: entries are kept as they are
// (compacted), keys sorted, the annotations above added. A nil raw result
// means nothing was dropped.
func FilterIndex(raw []byte, src v1.Hash, want []v1.Platform) ([]byte, error) {
	f, err := filterIndex(raw, src, want)
	return f.raw, err
}

func filterIndex(raw []byte, src v1.Hash, want []v1.Platform) (filtered, error) {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(raw, &doc); err != nil {
		return filtered{}, fmt.Errorf("parsing index %s: %w", src, err)
	}
	var entries []json.RawMessage
	if err := json.Unmarshal(doc["manifests"], &entries); err != nil {
		return filtered{}, fmt.Errorf("parsing index %s: %w", src, err)
	}
	descs := make([]v1.Descriptor, len(entries))
	keptDigests := map[string]bool{}
	var f filtered
	for i, e := range entries {
		if err := json.Unmarshal(e, &descs[i]); err != nil {
			return filtered{}, fmt.Errorf("parsing index %s: %w", src, err)
		}
		if d := descs[i]; d.Platform != nil && !attestation(d) && enumerate.MatchPlatform(*d.Platform, want) {
			keptDigests[d.Digest.String()] = true
			f.kept = append(f.kept, d)
		}
	}
	if len(f.kept) == 0 {
		return filtered{}, fmt.Errorf("index %s: %w (%s): it has %s", src, ErrNoPlatform, enumerate.PlatformsString(want), strings.Join(platformsOf(descs), ", "))
	}
	var keep []json.RawMessage
	for i, d := range descs {
		switch {
		case keptDigests[d.Digest.String()], attestation(d) && keptDigests[d.Annotations[refDigestAnnotation]]:
			keep = append(keep, entries[i])
		default:
			f.dropped = append(f.dropped, describePlatform(d))
		}
	}
	if len(f.dropped) == 0 {
		return f, nil
	}
	slices.Sort(f.dropped)
	return f, f.rewrite(doc, keep, src, want)
}

// rewrite writes f's index: doc listing only keep, annotated with the
// source digest and the platforms asked for; then its digest.
func (f *filtered) rewrite(doc map[string]json.RawMessage, keep []json.RawMessage, src v1.Hash, want []v1.Platform) error {
	var err error
	if doc["manifests"], err = marshal(keep); err != nil {
		return err
	}
	annotations := map[string]string{}
	if a, ok := doc["annotations"]; ok {
		if err := json.Unmarshal(a, &annotations); err != nil {
			return fmt.Errorf("parsing index %s: %w", src, err)
		}
	}
	annotations[AnnotationSourceDigest] = src.String()
	annotations[AnnotationPlatforms] = enumerate.PlatformsString(want)
	if doc["annotations"], err = marshal(annotations); err != nil {
		return err
	}
	if f.raw, err = marshal(doc); err != nil {
		return err
	}
	sum := sha256.Sum256(f.raw)
	f.digest = v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(sum[:])}
	f.index, err = v1.ParseIndexManifest(bytes.NewReader(f.raw))
	return err
}

// marshal is compact JSON, map keys sorted (encoding/json's rule), without
// escaping <, > and &: the source's strings stay as they were.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// attestation: BuildKit's attestation manifests, unknown/unknown, which
// point at the platform image they describe.
func attestation(d v1.Descriptor) bool {
	return d.Annotations[refTypeAnnotation] == "attestation-manifest" ||
		verify.IsAttestation(d.Platform)
}

func describePlatform(d v1.Descriptor) string {
	switch {
	case attestation(d):
		return "attestation of " + d.Annotations[refDigestAnnotation]
	case d.Platform == nil:
		return d.Digest.String()
	}
	return verify.Platform(d.Platform)
}

func platformsOf(ds []v1.Descriptor) []string {
	var out []string
	for _, d := range ds {
		if d.Platform != nil && !attestation(d) {
			out = append(out, verify.Platform(d.Platform))
		}
	}
	return out
}

// listed is what the source listing says of a task's platforms: its
// platform images, kept or not. known false: the listing named none.
func (p *Platforms) listed(t Task) (kept []v1.Descriptor, dropped []string, known bool) {
	for _, d := range t.Images {
		if d.Platform == nil || attestation(d) {
			continue
		}
		known = true
		if enumerate.MatchPlatform(*d.Platform, p.Want) {
			kept = append(kept, d)
		} else {
			dropped = append(dropped, verify.Platform(d.Platform))
		}
	}
	slices.Sort(dropped)
	return kept, dropped, known
}

// planPlatforms plans a task under --platform. handled false: plan it as
// any other (an image of a kept platform, an index that loses nothing).
// Otherwise j.res is final when done, or j.desc is what to write. It reads
// no source manifest to find a filtered copy already at the destination:
// that costs one GET of the destination's index (see sameFiltered).
func (e *Engine) planPlatforms(ctx context.Context, j *job, dst, by string) (handled, done bool) {
	t, p := j.t, j.t.Keep
	kept, dropped, known := p.listed(t)
	isIndex := e.isIndex(ctx, t, j.mediaType)
	switch {
	case known && !isIndex && len(kept) == 0:
		e.exclude(j, fmt.Sprintf("--platform %s (image is %s)", enumerate.PlatformsString(p.Want), strings.Join(dropped, ", ")))
		return true, true
	case !isIndex && (known || dst == j.src.String()):
		return false, false // an image of a kept platform, or one already there
	case !isIndex:
		return e.planImagePlatform(ctx, j, dst)
	case known && len(dropped) == 0 && !p.Flatten:
		return false, false // nothing to drop: the index as it is
	case known && len(kept) == 0:
		e.exclude(j, fmt.Sprintf("--platform %s (index has %s)", enumerate.PlatformsString(p.Want), strings.Join(dropped, ", ")))
		return true, true
	}
	j.res.Filtered = &report.Filtered{SourceDigest: j.src.String(), Platforms: platformStrings(kept), Dropped: dropped, Flattened: p.Flatten}
	if !known {
		j.res.Filtered.Platforms = strings.Split(enumerate.PlatformsString(p.Want), ",")
	}
	if dst != "" && dst != j.src.String() && e.sameFiltered(ctx, j, kept, known, dst, by) {
		return true, true
	}
	if e.o.dryRun {
		e.pulls.Add(t.Source.Context().Digest(j.src.String()).String(), true, len(kept))
		// nothing attached to the source index follows the new one
		j.res.Status, j.filtered = report.StatusPlanned, true
		return true, true
	}
	j.pull = func(ctx context.Context) bool { return e.filterSource(ctx, j, dst, by) }
	return true, false
}

// sameFiltered says whether the destination's dst is already what
// --platform makes of the source, from the listings and the destination
// alone: with --flatten, the kept platform's own digest as the listing
// gives it (no request at all); on a Docker Hub destination, its listing's
// images are exactly the kept platforms at the source listing's digests
// (no request at all: a GET there is a pull); else an index whose
// annotations name this source index and these platforms, listing exactly
// the kept platforms at the listed digests (known) or only platforms the
// filter keeps (a registry's listing gives none) plus their attestations:
// one destination GET, no source GET. The annotations are ours and name
// the source by digest, which fixes its content; so a re-run skips a
// filtered copy at the cost of a destination read (no pull on a
// registry), where recomputing the filtered digest would cost a source
// pull. Then j is a skip.
func (e *Engine) sameFiltered(ctx context.Context, j *job, kept []v1.Descriptor, known bool, dst, by string) bool {
	if j.t.Keep.Flatten {
		if !known || len(kept) != 1 || kept[0].Digest.String() != dst {
			return false
		}
		j.src = kept[0].Digest
	} else if known && j.t.DestinationImages != nil {
		h, err := v1.NewHash(dst)
		if err != nil || !listedFilteredCopy(j.t.Images, j.t.DestinationImages, kept) {
			return false
		}
		// as listed (digests and platforms): what the attached artifacts
		// of the kept platforms are looked up by, with no read
		j.src, j.idx, j.filtered = h, &v1.IndexManifest{Manifests: j.t.DestinationImages}, true
	} else {
		d, err := e.dstRead.Get(ctx, j.t.Destination.Context().Digest(dst))
		if err != nil || !d.MediaType.IsIndex() {
			return false
		}
		idx, err := v1.ParseIndexManifest(bytes.NewReader(d.Manifest))
		if err != nil || !e.isFilteredCopy(j, idx, kept, known) {
			return false
		}
		j.src, j.idx, j.filtered = d.Digest, idx, true
	}
	j.res.Filtered.Digest = dst
	j.res.DestinationDigest = dst
	j.res.Status, j.res.Verified, j.res.VerifiedBy = report.StatusSkipped, true, by
	j.log.Debug("filtered copy already at destination")
	return true
}

// listedFilteredCopy says, from the two Docker Hub listings alone, that
// the destination tag lists exactly the kept platforms' manifests, plus
// attestations the source has (the listings do not say which platform an
// attestation is of: what is dropped with a platform is the source
// index's business, decided when the copy was written).
func listedFilteredCopy(src, dst, kept []v1.Descriptor) bool {
	want, attestations := map[v1.Hash]bool{}, map[v1.Hash]bool{}
	for _, d := range kept {
		want[d.Digest] = true
	}
	for _, d := range src {
		if verify.IsAttestation(d.Platform) {
			attestations[d.Digest] = true
		}
	}
	have := map[v1.Hash]bool{}
	for _, d := range dst {
		switch {
		case verify.IsAttestation(d.Platform) && attestations[d.Digest]:
		case !verify.IsAttestation(d.Platform) && want[d.Digest]:
			have[d.Digest] = true
		default:
			return false
		}
	}
	return len(have) == len(want) && len(have) > 0
}

// isFilteredCopy: idx names j's source and platforms, and lists exactly
// the kept platforms' manifests, plus attestations of those only.
func (e *Engine) isFilteredCopy(j *job, idx *v1.IndexManifest, kept []v1.Descriptor, known bool) bool {
	if idx.Annotations[AnnotationSourceDigest] != j.res.SourceDigest ||
		idx.Annotations[AnnotationPlatforms] != enumerate.PlatformsString(j.t.Keep.Want) {
		return false
	}
	want := map[string]bool{}
	for _, d := range kept {
		want[d.Digest.String()] = true
	}
	if !known { // no listed digests: the index's own platforms must all be kept ones
		for _, d := range idx.Manifests {
			if !attestation(d) && d.Platform != nil && enumerate.MatchPlatform(*d.Platform, j.t.Keep.Want) {
				want[d.Digest.String()] = true
			}
		}
	}
	have := map[string]bool{}
	for _, d := range idx.Manifests {
		switch {
		case attestation(d) && want[d.Annotations[refDigestAnnotation]]:
		case !attestation(d) && want[d.Digest.String()]:
			have[d.Digest.String()] = true
		default:
			return false
		}
	}
	return len(have) == len(want) && len(have) > 0
}

// filterSource reads the source index (a pull) and makes the manifest to
// write: the filtered index, or with --flatten the kept platform's own.
// A re-run finds it as dst and skips. done means j.res is final.
func (e *Engine) filterSource(ctx context.Context, j *job, dst, by string) (done bool) {
	t := j.t
	desc, err := e.prefetch(ctx, t.Source.Context(), j.src)
	if err != nil {
		e.fail(ctx, j, err)
		return true
	}
	if !desc.MediaType.IsIndex() { // the listing was out of date: an image now
		j.res.Filtered, j.desc = nil, desc
		return e.imagePlatform(ctx, j, dst)
	}
	f, err := filterIndex(desc.Manifest, j.src, t.Keep.Want)
	if errors.Is(err, ErrNoPlatform) {
		e.exclude(j, "--platform "+enumerate.PlatformsString(t.Keep.Want)+" ("+err.Error()+")")
		return true
	}
	if err != nil {
		e.fail(ctx, j, err)
		return true
	}
	j.res.Filtered.Platforms, j.res.Filtered.Dropped = platformStrings(f.kept), f.dropped
	switch {
	case t.Keep.Flatten:
		if len(f.kept) != 1 {
			e.fail(ctx, j, fmt.Errorf("--flatten: %s has %d manifests for %s, want one", t.Source, len(f.kept), enumerate.PlatformsString(t.Keep.Want)))
			return true
		}
		if j.desc, err = e.prefetch(ctx, t.Source.Context(), f.kept[0].Digest); err != nil {
			e.fail(ctx, j, err)
			return true
		}
		j.src = f.kept[0].Digest
	case f.raw == nil: // nothing dropped: the index as it is
		j.res.Filtered, j.desc = nil, desc
	default:
		j.desc = &remote.Descriptor{Descriptor: v1.Descriptor{MediaType: desc.MediaType, Size: int64(len(f.raw)), Digest: f.digest}, Manifest: f.raw}
		j.src, j.idx, j.filtered = f.digest, f.index, true
	}
	if j.res.Filtered != nil {
		j.res.Filtered.Digest = j.src.String()
		j.log.WithField("digest", j.src.String()).Info("--platform: the destination gets a new manifest, not the source index")
	}
	if dst == j.src.String() {
		j.res.DestinationDigest = dst
		j.res.Status, j.res.Verified, j.res.VerifiedBy = report.StatusSkipped, true, by
		return true
	}
	if dst != "" && e.o.noClobber {
		j.res.Status, j.res.Error = report.StatusConflict, fmt.Sprintf("destination has %s; left as it is (--no-clobber)", dst)
		return true
	}
	return false
}

// planImagePlatform: an image whose platform no listing gave is read
// (the manifest it is copied from anyway, and its config, a blob: no
// pull) before anything is written; one of another platform is excluded.
func (e *Engine) planImagePlatform(ctx context.Context, j *job, dst string) (handled, done bool) {
	if e.o.dryRun {
		return false, false // decided at copy time: a dry run reads no manifest
	}
	j.pull = func(ctx context.Context) bool {
		desc, err := e.prefetch(ctx, j.t.Source.Context(), j.src)
		if err != nil {
			e.fail(ctx, j, err)
			return true
		}
		j.desc = desc
		return e.imagePlatform(ctx, j, dst)
	}
	return true, false
}

// imagePlatform decides an image in hand (j.desc) by its config's platform.
func (e *Engine) imagePlatform(ctx context.Context, j *job, dst string) (done bool) {
	img, err := j.desc.Image()
	if err != nil {
		e.fail(ctx, j, fmt.Errorf("reading %s: %w", j.t.Source, err))
		return true
	}
	cf, err := img.ConfigFile()
	if err != nil {
		e.fail(ctx, j, fmt.Errorf("reading the config of %s: %w", j.t.Source, err))
		return true
	}
	if p := cf.Platform(); p == nil || !enumerate.MatchPlatform(*p, j.t.Keep.Want) {
		have := "no platform"
		if p != nil {
			have = verify.Platform(p)
		}
		e.exclude(j, fmt.Sprintf("--platform %s (image is %s)", enumerate.PlatformsString(j.t.Keep.Want), have))
		return true
	}
	if dst != "" && e.o.noClobber && dst != j.src.String() {
		j.res.Status, j.res.Error = report.StatusConflict, fmt.Sprintf("destination has %s; left as it is (--no-clobber)", dst)
		return true
	}
	return false
}

// exclude ends j as left out by a filter.
func (e *Engine) exclude(j *job, why string) {
	j.res.Status, j.res.Selection, j.res.Filtered = report.StatusExcluded, "dropped: "+why, nil
	j.log.WithField("reason", why).Info("excluded")
}

func platformStrings(ds []v1.Descriptor) []string {
	out := []string{}
	for _, d := range ds {
		out = append(out, verify.Platform(d.Platform))
	}
	slices.Sort(out)
	return out
}

// compare compares both sides of a task for the verify command: as they
// are, or under --platform as the copy made them.
func (e *Engine) compare(ctx context.Context, t Task) (verify.Outcome, error) {
	if t.Keep == nil {
		return verify.Compare(ctx, e.src, e.dstRead, t.Source, t.Destination)
	}
	return verify.CompareFiltered(ctx, e.src, e.dstRead, t.Source, t.Destination, t.Keep.Want, t.Keep.Flatten)
}
