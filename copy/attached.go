package copy

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"golang.org/x/sync/errgroup"

	"github.com/crane-migrate/crane-migrate/flight"
	"github.com/crane-migrate/crane-migrate/referrers"
	"github.com/crane-migrate/crane-migrate/report"
)

// ErrReferrerMissing means an artifact attached to the source image is not
// attached to the destination's.
var ErrReferrerMissing = errors.New("attached artifact missing at the destination")

// attached moves what is attached to each image (package referrers): it is
// nil when WithReferrers is off. Cosign's .sig/.att/.sbom tags are not its
// business: the run sends them as tasks of their own.
type attached struct {
	src, dst *referrers.Finder
	sync     *referrers.Syncer
	idx      *referrers.Index
	// done keeps, per destination repository @ subject, that its
	// referrers were moved: tags sharing a digest (and indexes sharing a
	// platform image) move them once, and report them once.
	done flight.Group[struct{}]
	// lookups counts the image digests whose attachments were looked up,
	// each at most one referrers listing (or fallback-tag HEAD) at the
	// source, none when its repository's listing showed no fallback tag.
	lookups     atomic.Int64
	fromListing atomic.Int64 // of those, looked up in the tag listing
}

func (e *Engine) newAttached() error {
	fopts := func(s string) []referrers.Option {
		return []referrers.Option{referrers.WithArtifactTypes(e.o.referrerTypes...), referrers.WithoutCosignTags(),
			referrers.WithLogger(e.o.log.WithField("side", s))}
	}
	src, err := referrers.NewFinder(e.src, append(fopts("source"), referrers.WithTransport(e.srcSide.Auth))...)
	if err != nil {
		return err
	}
	dst, err := referrers.NewFinder(e.dstRead, append(fopts("destination"), referrers.WithTransport(e.dstSide.Auth))...)
	if err != nil {
		return err
	}
	idx, err := referrers.NewIndex(dst, e.dst)
	if err != nil {
		return err
	}
	sync, err := referrers.NewSyncer(src, idx, e.putDigest)
	if err != nil {
		return err
	}
	e.att = &attached{src: src, dst: dst, sync: sync, idx: idx}
	return nil
}

// putTagged writes a tag's manifest. One with a subject (a referrer that
// has a tag of its own) goes under its subject's lock in the destination's
// Index: go-containerregistry's write updates the subject's fallback tag by
// read-modify-write, which must not race the same subject's referrers
// being moved by another worker.
func (e *Engine) putTagged(ctx context.Context, src name.Repository, ref name.Tag, desc *remote.Descriptor, fresh bool) error {
	put := func(ctx context.Context) error { return e.put(ctx, src, ref, desc, fresh) }
	subject, artifactType := subjectOf(desc.Manifest)
	if e.att == nil || e.dst == nil || subject == nil {
		return put(ctx)
	}
	d := v1.Descriptor{MediaType: desc.MediaType, Size: desc.Size, Digest: desc.Digest, ArtifactType: artifactType}
	return e.att.idx.Attach(ctx, ref.Context().Digest(subject.Digest.String()), d, put)
}

// subjectOf reads a manifest's subject and artifact type (its own, else
// its config's media type, as the referrers API reports it).
func subjectOf(raw []byte) (*v1.Descriptor, string) {
	var m struct {
		Subject      *v1.Descriptor `json:"subject"`
		ArtifactType string         `json:"artifactType"`
		Config       struct {
			MediaType string `json:"mediaType"`
		} `json:"config"`
	}
	if json.Unmarshal(raw, &m) != nil || m.Subject == nil {
		return nil, ""
	}
	if m.ArtifactType == "" {
		m.ArtifactType = m.Config.MediaType
	}
	return m.Subject, m.ArtifactType
}

// putDigest copies one manifest by digest on the engine's push path: a
// referrer goes the way images go (mounts, one-PUT uploads, blobs first).
func (e *Engine) putDigest(ctx context.Context, src, dst name.Digest) error {
	desc, err := e.prefetch(ctx, src.Context(), mustHash(src))
	if err != nil {
		return err
	}
	return e.put(ctx, src.Context(), dst, desc, false)
}

func mustHash(d name.Digest) v1.Hash {
	h, _ := v1.NewHash(d.DigestStr()) // name.Digest checked the digest already
	return h
}

// follow copies (or, in a dry run, plans) what is attached to j's image
// and, for an index, to each platform's image, after the image itself, and
// confirms at the destination what it copied. A referrer that cannot be
// copied or confirmed fails the tag.
func (e *Engine) follow(ctx context.Context, j *job) {
	if e.att == nil || !followed(j.res.Status) {
		return
	}
	subjects, err := e.subjects(ctx, j)
	if err != nil {
		e.fail(ctx, j, fmt.Errorf("listing the platforms of %s for their attached artifacts: %w", j.t.Destination, err))
		return
	}
	rc := &report.Referrers{}
	var mu sync.Mutex
	var errs []error
	var g errgroup.Group
	g.SetLimit(pushJobs)
	for _, s := range subjects {
		g.Go(func() error {
			var one report.Referrers
			err := e.moveAttached(ctx, j, s, &one)
			mu.Lock()
			defer mu.Unlock()
			rc.Add(&one)
			if err != nil {
				errs = append(errs, err)
			}
			return nil
		})
	}
	_ = g.Wait() // the errors are collected above, one per subject
	if rc.Found == 0 && len(errs) == 0 {
		return
	}
	j.res.Referrers = rc
	if len(errs) > 0 {
		for _, err := range errs {
			rc.Errors = append(rc.Errors, err.Error())
		}
		e.failAttached(ctx, j, errors.Join(errs...))
	}
}

// moveAttached moves (or plans) subject's referrers once per destination
// repository for the run, counting them into rc on the tag that moved
// them. A failure is not kept: the next tag with that subject tries again.
func (e *Engine) moveAttached(ctx context.Context, j *job, s v1.Hash, rc *report.Referrers) error {
	srcRepo, dstRepo := j.t.Source.Context(), j.t.Destination.Context()
	_, err := e.att.done.Do(ctx, dstRepo.Digest(s.String()).String(), func() (struct{}, error) {
		e.att.lookups.Add(1)
		if j.t.RepoTags != nil {
			e.att.fromListing.Add(1)
		}
		out, err := e.att.sync.SyncWithTags(ctx, srcRepo, dstRepo, s, j.t.RepoTags, e.o.dryRun)
		tally(rc, out)
		if err == nil && e.o.verify && !e.o.dryRun && out.Count(referrers.StatusCopied) > 0 {
			err = e.confirmCopied(ctx, dstRepo, s, out)
		}
		return struct{}{}, err
	})
	return err
}

// followed: only an image that is (or would be) at the destination gets
// its attached artifacts.
func followed(s report.Status) bool {
	return s == report.StatusCopied || s == report.StatusSkipped || s == report.StatusPlanned
}

// failAttached fails j for its attached artifacts, keeping the kind of a
// refusal (denied, not found…) and calling the rest missing.
func (e *Engine) failAttached(ctx context.Context, j *job, err error) {
	e.fail(ctx, j, fmt.Errorf("attached artifacts of %s: %w", j.t.Destination, err))
	if j.res.Status == report.StatusFailed {
		j.res.Verified, j.res.VerifiedBy = false, ""
		if k := KindOf(err); k == report.KindOther || errors.Is(err, ErrReferrerMissing) {
			j.res.Kind = report.KindReferrerMissing
		}
	}
}

// confirmCopied asks the destination registry whether everything out found
// at the source is attached to subject there now: one listing at the
// destination (the source's was just read).
func (e *Engine) confirmCopied(ctx context.Context, dstRepo name.Repository, s v1.Hash, out referrers.Outcome) error {
	have, err := e.att.dst.Find(ctx, dstRepo.Digest(s.String()))
	if err != nil {
		return fmt.Errorf("verifying attached artifacts: %w", err)
	}
	there := map[v1.Hash]bool{}
	for _, r := range have {
		there[r.Descriptor.Digest] = true
	}
	var missing []referrers.Referrer
	for _, it := range out.Items {
		if !there[it.Digest] {
			missing = append(missing, referrers.Referrer{Subject: it.Subject, Descriptor: v1.Descriptor{Digest: it.Digest, ArtifactType: it.ArtifactType}})
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return missingError(s, missing)
}

// confirmAttached asks the destination registry whether every referrer of
// subject at the source is attached there now.
func (e *Engine) confirmAttached(ctx context.Context, srcRepo, dstRepo name.Repository, s v1.Hash) []error {
	missing, _, err := referrers.Compare(ctx, e.att.src, e.att.dst, srcRepo.Digest(s.String()), dstRepo.Digest(s.String()))
	if err != nil {
		return []error{fmt.Errorf("verifying attached artifacts: %w", err)}
	}
	if len(missing) == 0 {
		return nil
	}
	return []error{missingError(s, missing)}
}

func missingError(s v1.Hash, missing []referrers.Referrer) error {
	var ds []string
	for _, m := range missing {
		ds = append(ds, m.Descriptor.Digest.String()+" ("+m.Descriptor.ArtifactType+")")
	}
	return fmt.Errorf("%w: of %s: %s", ErrReferrerMissing, s, strings.Join(ds, ", "))
}

// tally adds one subject's outcome to a tag's counts.
func tally(rc *report.Referrers, out referrers.Outcome) {
	for _, it := range out.Items {
		rc.Found++
		switch it.Status {
		case referrers.StatusCopied:
			rc.Copied++
		case referrers.StatusSkipped:
			rc.Skipped++
		case referrers.StatusFound:
			rc.Planned++
		case referrers.StatusFailed:
			rc.Failed++
		}
		if it.ArtifactType != "" && !slices.Contains(rc.Types, it.ArtifactType) {
			rc.Types = append(rc.Types, it.ArtifactType)
		}
	}
	slices.Sort(rc.Types)
}

// subjects are the manifests whose attached artifacts follow j's tag: its
// own and, for an index, each child's. A copied index's children are in
// hand; a skipped one's are read from the destination (a GET there, never
// a pull at the source).
//
// An index --platform rewrote is no subject: what was attached to the
// source index (signed its digest) does not apply to the new one, so it
// does not follow; the kept platforms' own artifacts do.
func (e *Engine) subjects(ctx context.Context, j *job) ([]v1.Hash, error) {
	var out []v1.Hash
	if !j.filtered {
		out = append(out, j.src)
	}
	idx := j.idx
	if idx == nil && j.res.Status == report.StatusSkipped && e.isIndex(ctx, j.t, j.mediaType) {
		d, err := e.dstRead.Get(ctx, j.t.Destination.Context().Digest(j.src.String()))
		if err != nil {
			return nil, err
		}
		if idx, err = v1.ParseIndexManifest(bytes.NewReader(d.Manifest)); err != nil {
			return nil, err
		}
	}
	if idx != nil {
		for _, c := range idx.Manifests {
			out = append(out, c.Digest)
		}
	}
	return out, nil
}

// AttachedLookups is how many image digests had what is attached to them
// looked up, and how many of those in their repository's tag listing
// rather than with a request: what following attached artifacts costs.
func (e *Engine) AttachedLookups() (digests, fromListing int64) {
	if e.att == nil {
		return 0, 0
	}
	return e.att.lookups.Load(), e.att.fromListing.Load()
}
