package copy

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/crane-migrate/crane-migrate/report"
	"github.com/crane-migrate/crane-migrate/verify"
	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// check compares a task's two sides without copying, for the verify command.
func (e *Engine) check(ctx context.Context, t Task) report.Result {
	res := report.Result{Source: t.Source.String(), Destination: t.Destination.String()}
	out, err := e.compare(ctx, t)
	res.SourceDigest, res.DestinationDigest, res.Platforms = out.SourceDigest, out.DestinationDigest, out.Platforms
	res.Filtered = out.Filtered
	if err != nil {
		err = e.explainByHost(err, t, "")
		res.Status, res.Error, res.Kind, res.Side = report.StatusFailed, err.Error(), KindOf(err), SideOf(err)
		return res
	}
	if err := e.checkAttached(ctx, t, out); err != nil {
		res.Status, res.Error, res.Kind = report.StatusFailed, err.Error(), report.KindReferrerMissing
		if k := KindOf(err); k != report.KindOther {
			res.Kind = k
		}
		return res
	}
	res.Status, res.Verified, res.VerifiedBy = report.StatusVerified, true, report.VerifiedByRegistry
	return res
}

// checkAttached compares what is attached to both sides' manifests (and,
// for an index, to each platform's), whatever form each side keeps them in.
func (e *Engine) checkAttached(ctx context.Context, t Task, out verify.Outcome) error {
	if e.att == nil {
		return nil
	}
	h, err := v1.NewHash(out.DestinationDigest)
	if err != nil {
		return err
	}
	// A copy --platform rewrote has no source counterpart of its own
	// digest: only its platforms' attached artifacts are compared.
	var subjects []v1.Hash
	if out.Filtered == nil || out.Filtered.Flattened {
		subjects = append(subjects, h)
	}
	if len(out.Platforms) > 0 {
		d, err := e.dstRead.Get(ctx, t.Destination.Context().Digest(h.String()))
		if err != nil {
			return fmt.Errorf("reading %s: %w", t.Destination, err)
		}
		idx, err := v1.ParseIndexManifest(bytes.NewReader(d.Manifest))
		if err != nil {
			return fmt.Errorf("reading %s: %w", t.Destination, err)
		}
		for _, c := range idx.Manifests {
			subjects = append(subjects, c.Digest)
		}
	}
	var errs []error
	for _, s := range subjects {
		errs = append(errs, e.confirmAttached(ctx, t.Source.Context(), t.Destination.Context(), s)...)
	}
	return errors.Join(errs...)
}
