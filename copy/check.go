package copy

import (
	"context"

	"github.com/crane-migrate/crane-migrate/report"
	"github.com/crane-migrate/crane-migrate/verify"
)

// check compares a task's two sides without copying, for the verify command.
func (e *Engine) check(ctx context.Context, t Task) report.Result {
	res := report.Result{Source: t.Source.String(), Destination: t.Destination.String()}
	out, err := verify.Compare(ctx, e.src, e.dstRead, t.Source, t.Destination)
	res.SourceDigest, res.DestinationDigest, res.Platforms = out.SourceDigest, out.DestinationDigest, out.Platforms
	if err != nil {
		res.Status, res.Error, res.Kind = report.StatusFailed, e.hintByHost(err, t).Error(), KindOf(err)
		return res
	}
	res.Status, res.Verified, res.VerifiedBy = report.StatusVerified, true, report.VerifiedByRegistry
	return res
}
