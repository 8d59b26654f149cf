package copy

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/sirupsen/logrus"
	"golang.org/x/sync/errgroup"

	"github.com/crane-migrate/crane-migrate/pulls"
	"github.com/crane-migrate/crane-migrate/report"
	"github.com/crane-migrate/crane-migrate/verify"
)

// job is one task on its way through the engine's stages.
type job struct {
	t    Task
	res  report.Result
	log  logrus.FieldLogger
	src  v1.Hash
	desc *remote.Descriptor // the source manifest, read while planning
	idx  *v1.IndexManifest  // the source index, when it is one: verify checks its platforms
	// mediaType is the source manifest's, when planning learnt it (a HEAD).
	mediaType types.MediaType
	// verified: planning found the destination already right (a skip);
	// the confirm stage only moves what is attached.
	verified bool
	// filtered: --platform made a new index of the source's (src is its
	// digest, idx its manifest). What is attached to the source index does
	// not apply to it and does not follow; its platforms' own do.
	filtered bool
	// pull is what is left of planning that reads the source's manifests
	// (pulls, on Docker Hub): the pull stage runs it, --jobs at a time.
	// done means j.res is final. nil when planning read nothing.
	pull func(ctx context.Context) (done bool)
}

// one plans, copies and verifies a single task, stage after stage.
func (e *Engine) one(ctx context.Context, t Task) *job {
	j, done := e.plan(ctx, t)
	if !done && j.pull != nil {
		done = j.pull(ctx)
	}
	if !done {
		done = e.transfer(ctx, j)
	}
	if !done {
		e.confirm(ctx, j)
	}
	return j
}

// fail ends j with err: pending when the run was aborted or the source's
// pull limit is spent, failed otherwise.
func (e *Engine) fail(ctx context.Context, j *job, err error) {
	switch {
	case errors.Is(err, context.Canceled) && ctx.Err() != nil:
		j.res.Status, j.res.Kind = report.StatusPending, report.KindInterrupted
		j.res.Error = "not completed: aborted (nothing half written; a re-run copies it)"
	case pulls.IsLimit(err, j.t.Source.Context().RegistryStr()):
		e.limited.Store(true)
		j.res.Status, j.res.Kind = report.StatusPending, report.KindPullLimit
		j.res.Error = fmt.Errorf("not copied: %w: %w", pulls.ErrLimit, err).Error()
		j.log.Warn("source pull limit reached; starting no more copies")
	default:
		j.res.Status, j.res.Error, j.res.Kind, j.res.Side = report.StatusFailed, err.Error(), KindOf(err), SideOf(err)
		j.log.WithError(err).Debug("tag failed") // the summary reports it
	}
}

// plan learns both sides' digests (from the listings when they gave them)
// and decides: skipped, conflict, planned (dry run), or to be copied. done
// means j.res is final; otherwise j.pull, when set, still reads what is to
// be copied (and may still decide: an image of another platform).
func (e *Engine) plan(ctx context.Context, t Task) (j *job, done bool) {
	j = &job{t: t, res: report.Result{Source: t.Source.String(), Destination: t.Destination.String(), Platforms: t.Platforms,
		Signature: t.Signature, Selection: t.Selection}}
	j.log = e.o.log.WithFields(logrus.Fields{"source": j.res.Source, "destination": j.res.Destination})
	if e.readsDirectly(t) {
		j.pull = func(ctx context.Context) bool { return e.pullByTag(ctx, j) }
		return j, false
	}
	src, mediaType, dst, by, err := e.digests(ctx, t)
	if err != nil {
		e.fail(ctx, j, err)
		return j, true
	}
	j.src, j.res.SourceDigest, j.mediaType = src, src.String(), mediaType
	j.res.DestinationDigest = dst
	if t.Keep != nil {
		if handled, done := e.planPlatforms(ctx, j, dst, by); handled {
			return j, done
		}
	}
	switch {
	case dst == src.String():
		j.res.Status, j.res.Verified, j.res.VerifiedBy = report.StatusSkipped, true, by
		j.log.Debug("already at destination")
	case dst != "" && e.o.noClobber:
		j.res.Status, j.res.Error = report.StatusConflict, fmt.Sprintf("destination has %s; left as it is (--no-clobber)", dst)
	case e.o.dryRun:
		e.pulls.Add(t.Source.Context().Digest(src.String()).String(), e.isIndex(ctx, t, mediaType), t.Children)
		j.res.Status = report.StatusPlanned
		j.log.Debug("planned")
	default:
		j.pull = func(ctx context.Context) bool {
			var err error
			if j.desc, err = e.prefetch(ctx, t.Source.Context(), src); err != nil {
				e.fail(ctx, j, err)
				return true
			}
			return false
		}
		return j, false
	}
	return j, true
}

// readsDirectly says t is copied without first asking the source for its
// digest: the destination tag is known to be absent (a listing said so),
// so the source manifest is read anyway, and its digest comes with it. A
// first migration's tag then costs a round trip and a HEAD less. Not from
// a registry that counts pulls, nor from Docker Hub even when it reports no
// limit (there a HEAD is free and tags sharing a digest are pulled once),
// not in a dry run (which reads no manifest), nor with --platform (which
// decides from the listing before reading).
func (e *Engine) readsDirectly(t Task) bool {
	return t.SourceDigest == "" && t.DestinationKnown && t.DestinationDigest == "" && t.Keep == nil && !e.o.dryRun && !e.o.check &&
		e.srcSide.Hub == nil && e.srcSide.Quota != nil && !e.srcSide.Quota.Counted(t.Source.Context().RegistryStr())
}

// pullByTag reads t's source manifest by its reference (a pull), then
// what prefetch reads for it; the one read by digest is the one read by
// tag. done means j.res is final.
func (e *Engine) pullByTag(ctx context.Context, j *job) bool {
	d, err := e.src.Get(ctx, j.t.Source)
	if err != nil {
		e.fail(ctx, j, explain(e.srcSide, report.SideSource, j.t.Source, "reading it", err))
		return true
	}
	j.src, j.res.SourceDigest, j.mediaType = d.Digest, d.Digest.String(), d.MediaType
	ref := j.t.Source.Context().Digest(d.Digest.String())
	_, _ = e.fetched.Do(ctx, ref.String(), func() (*remote.Descriptor, error) { return d, nil })
	if j.desc, err = e.prefetch(ctx, j.t.Source.Context(), d.Digest); err != nil {
		e.fail(ctx, j, err)
		return true
	}
	return false
}

// prefetch reads the source manifest to be copied and, for an index, its
// children: reads belong to planning, so that the transfer stage's workers
// spend their round trips on writes only.
func (e *Engine) prefetch(ctx context.Context, src name.Repository, h v1.Hash) (*remote.Descriptor, error) {
	desc, err := e.fetch(ctx, src.Digest(h.String()))
	if err != nil || !desc.MediaType.IsIndex() {
		return desc, err
	}
	_, children, err := references(desc.Manifest)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", src.Digest(h.String()), err)
	}
	var g errgroup.Group
	g.SetLimit(pushJobs)
	for _, c := range children {
		if c.MediaType.IsImage() || c.MediaType.IsIndex() {
			g.Go(func() error {
				_, err := e.prefetch(ctx, src, c.Digest)
				return err
			})
		}
	}
	return desc, g.Wait()
}

// transfer copies j's manifest (and what it needs) to the destination tag.
// done means j.res is final: it failed, or it is not to be verified.
func (e *Engine) transfer(ctx context.Context, j *job) (done bool) {
	t, desc := j.t, j.desc
	if err := e.putTagged(ctx, t.Source.Context(), t.Destination, desc, t.DestinationNew); err != nil {
		if immutable(err) {
			err = fmt.Errorf("%s: %w: it has %s, the source %s (%w)", t.Destination, ErrImmutableTag, j.res.DestinationDigest, j.src, err)
		} else {
			err = e.explainByHost(err, t, "pushing")
		}
		e.fail(ctx, j, err)
		return true
	}
	j.res.Overwritten = j.res.DestinationDigest // planning skips an equal one: this was another
	j.res.Status, j.res.DestinationDigest = report.StatusCopied, j.src.String()
	if j.filtered { // made here, not read: j.idx is its manifest already
		j.res.Platforms = verify.Platforms(j.idx)
		j.log.Info(copiedMsg(j.res))
		return !e.o.verify
	}
	idx, platforms, err := describe(desc)
	if err != nil {
		e.fail(ctx, j, fmt.Errorf("reading %s: %w", t.Source, err))
		return true
	}
	if platforms != nil {
		j.res.Platforms = platforms
	}
	j.idx = idx
	j.log.Info(copiedMsg(j.res))
	return !e.o.verify
}

// confirm verifies a copied tag at the destination.
func (e *Engine) confirm(ctx context.Context, j *job) {
	out, err := verify.Destination(ctx, e.dstRead, j.t.Destination, j.src, j.idx)
	j.res.DestinationDigest = out.DestinationDigest
	if err != nil {
		e.fail(ctx, j, e.explainByHost(err, j.t, "verifying"))
		return
	}
	j.res.Verified, j.res.VerifiedBy = true, report.VerifiedByRegistry
}

// digests learns both sides' digests, asking both registries at once when
// neither listing gave its side's: a tag's plan is then one round trip,
// not two.
func (e *Engine) digests(ctx context.Context, t Task) (src v1.Hash, mt types.MediaType, dst, by string, err error) {
	if t.SourceDigest != "" || t.DestinationKnown {
		if src, mt, err = e.sourceDigest(ctx, t); err == nil {
			dst, by, err = e.destinationDigest(ctx, t)
		}
		return src, mt, dst, by, err
	}
	var dstErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		dst, by, dstErr = e.destinationDigest(ctx, t)
	}()
	src, mt, err = e.sourceDigest(ctx, t)
	<-done
	if err == nil { // the source's failure is the one to report
		err = dstErr
	}
	return src, mt, dst, by, err
}

// sourceDigest takes the digest from the listing when it has one (media
// type then unknown), else HEADs the source: a HEAD is not a Docker Hub pull.
func (e *Engine) sourceDigest(ctx context.Context, t Task) (v1.Hash, types.MediaType, error) {
	if t.SourceDigest != "" {
		h, err := v1.NewHash(t.SourceDigest)
		return h, "", err
	}
	d, err := e.src.Head(ctx, t.Source)
	if err != nil {
		return v1.Hash{}, "", explain(e.srcSide, report.SideSource, t.Source, "reading it", err)
	}
	return d.Digest, d.MediaType, nil
}

// destinationDigest returns the destination tag's digest ("" when absent)
// and who said so: the task's listing when it was authoritative, else the
// destination registry, asked with a HEAD.
func (e *Engine) destinationDigest(ctx context.Context, t Task) (string, string, error) {
	if t.DestinationKnown {
		return t.DestinationDigest, t.DestinationBy, nil
	}
	d, err := e.dstRead.Head(ctx, t.Destination)
	if verify.IsNotFound(err) {
		return "", report.VerifiedByRegistry, nil
	}
	if err != nil {
		return "", "", explain(e.dstSide, report.SideDestination, t.Destination, "reading it", err)
	}
	return d.Digest.String(), report.VerifiedByRegistry, nil
}

// Fetch is a source manifest, read once per digest for the whole run:
// what the engine reads to copy it, and what a caller reads for itself
// (migrate matching signatures to an index's platforms), is one GET.
func (e *Engine) Fetch(ctx context.Context, ref name.Digest) (*remote.Descriptor, error) {
	return e.fetch(ctx, ref)
}

// fetch GETs a source manifest once per digest for the whole run.
func (e *Engine) fetch(ctx context.Context, ref name.Digest) (*remote.Descriptor, error) {
	return e.fetched.Do(ctx, ref.String(), func() (*remote.Descriptor, error) {
		d, err := e.src.Get(ctx, ref)
		if err != nil {
			return nil, explain(e.srcSide, report.SideSource, ref, "fetching it", err)
		}
		return d, nil
	})
}

// describe returns the index manifest and its platforms when desc is an
// index. An image's platform lives in its config blob; reading it only for
// the report would cost a request per image, so images report the platform
// their listing gave, if any.
func describe(desc *remote.Descriptor) (*v1.IndexManifest, []string, error) {
	if !desc.MediaType.IsIndex() {
		return nil, nil, nil
	}
	idx, err := desc.ImageIndex()
	if err != nil {
		return nil, nil, err
	}
	m, err := idx.IndexManifest()
	if err != nil {
		return nil, nil, err
	}
	return m, verify.Platforms(m), nil
}
