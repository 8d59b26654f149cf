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

	"github.com/crane-migrate/crane-migrate/report"
	"github.com/crane-migrate/crane-migrate/verify"
)

// one plans, copies and verifies a single task.
func (e *Engine) one(ctx context.Context, t Task) report.Result {
	res := report.Result{Source: t.Source.String(), Destination: t.Destination.String(), Platforms: t.Platforms, Signature: t.Signature}
	log := e.o.log.WithFields(logrus.Fields{"source": res.Source, "destination": res.Destination})
	fail := func(err error) report.Result {
		if errors.Is(err, context.Canceled) && ctx.Err() != nil {
			res.Status, res.Error = report.StatusPending, "not completed: aborted (nothing half written; a re-run copies it)"
			return res
		}
		if e.isSourcePullLimit(err, t) {
			e.limited.Store(true)
			res.Status, res.Error = report.StatusPending, fmt.Sprintf("not copied: %v: %v", ErrPullLimit, err)
			log.Warn("source pull limit reached; starting no more copies")
			return res
		}
		res.Status, res.Error = report.StatusFailed, err.Error()
		log.WithError(err).Debug("tag failed") // the summary reports it
		return res
	}

	src, mediaType, err := e.sourceDigest(ctx, t)
	if err != nil {
		return fail(err)
	}
	res.SourceDigest = src.String()
	dst, err := e.destinationDigest(ctx, t)
	if err != nil {
		return fail(err)
	}
	res.DestinationDigest = dst
	if dst == src.String() {
		res.Status, res.Verified = report.StatusSkipped, true
		log.Debug("already at destination")
		return res
	}
	if dst != "" && e.o.noClobber {
		res.Status, res.Error = report.StatusConflict, fmt.Sprintf("destination has %s; left as it is (--no-clobber)", dst)
		return res
	}
	if e.o.dryRun {
		e.pulls.add(t.Source.Context().Digest(src.String()).String(), t, e.isIndex(ctx, t, mediaType))
		res.Status = report.StatusPlanned
		log.Debug("planned")
		return res
	}

	desc, err := e.fetch(ctx, t.Source.Context().Digest(src.String()))
	if err != nil {
		return fail(err)
	}
	m := &mounting{homes: &e.homes, dst: t.Destination.Context()}
	target, err := m.pushable(desc)
	if err != nil {
		return fail(fmt.Errorf("reading %s: %w", t.Source, err))
	}
	if err := e.dst.Push(ctx, t.Destination, target); err != nil {
		if immutable(err) {
			return fail(fmt.Errorf("%s: %w: it has %s, the source %s (%w)", t.Destination, ErrImmutableTag, dst, src, err))
		}
		return fail(fmt.Errorf("pushing %s: %w", t.Destination, e.hintByHost(err, t)))
	}
	m.done()
	res.Status, res.DestinationDigest = report.StatusCopied, src.String()
	idx, platforms, err := describe(desc)
	if err != nil {
		return fail(fmt.Errorf("reading %s: %w", t.Source, err))
	}
	if platforms != nil {
		res.Platforms = platforms
	}
	log.Info("copied")
	if !e.o.verify {
		return res
	}
	out, err := verify.Destination(ctx, e.dstRead, t.Destination, src, idx)
	res.DestinationDigest = out.DestinationDigest
	if err != nil {
		return fail(fmt.Errorf("verifying: %w", err))
	}
	res.Verified = true
	return res
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
		return v1.Hash{}, "", fmt.Errorf("source %s: %w", t.Source, e.withHint(sourceSide, err))
	}
	return d.Digest, d.MediaType, nil
}

// destinationDigest returns the destination tag's digest, "" when absent.
func (e *Engine) destinationDigest(ctx context.Context, t Task) (string, error) {
	if t.DestinationKnown {
		return t.DestinationDigest, nil
	}
	d, err := e.dstRead.Head(ctx, t.Destination)
	if verify.IsNotFound(err) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("destination %s: %w", t.Destination, e.withHint(destinationSide, err))
	}
	return d.Digest.String(), nil
}

// fetch GETs a source manifest once per digest for the whole run.
func (e *Engine) fetch(ctx context.Context, ref name.Digest) (*remote.Descriptor, error) {
	return e.fetched.do(ctx, ref.String(), func() (*remote.Descriptor, error) {
		d, err := e.src.Get(ctx, ref)
		if err != nil {
			return nil, fmt.Errorf("fetching %s: %w", ref, e.withHint(sourceSide, err))
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
