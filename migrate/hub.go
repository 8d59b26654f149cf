package migrate

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"

	"github.com/crane-migrate/crane-migrate/enumerate"
	"github.com/crane-migrate/crane-migrate/hub"
	"github.com/crane-migrate/crane-migrate/report"
)

// The Docker Hub side of a migration, which Docker's guide leaves to hand,
// done per repository when both sides have a Docker Hub API: visibility
// checked, description and README copied and — once every tag of the
// repository is copied and confirmed — the source deprecated and its
// immutable-tag rules applied to the destination.

// bothHubs: the sync needs the Hub API on both sides.
func (r *run) bothHubs() bool { return r.src.Hub != nil && r.dst.Hub != nil }

// ErrPublicDestination: a private source repository would land in an
// existing public destination.
var ErrPublicDestination = errors.New("the source repository is private but the destination exists and is public")

// syncMetadata checks visibility and copies the descriptions of srcRepo to
// dstRepo before its tags are copied. created says dstRepo was just created
// (with the source's visibility and texts already); texts false checks the
// visibility only (a single-tag copy). A private source whose
// existing destination is public is refused (unless --allow-public-destination):
// its images would be published. Docker documents no endpoint to change a
// repository's visibility, so the user has to make it private by hand.
// source is the source's details when they were already read, else nil.
func (r *run) syncMetadata(ctx context.Context, srcRepo, dstRepo name.Repository, created, texts bool, source *hub.Repository) error {
	if !r.bothHubs() || r.o.check {
		return nil
	}
	note := func(f func(*report.Repository)) { r.results.Repository(srcRepo.String(), dstRepo.String(), f) }
	src, srcListed, err := r.sourceEntry(ctx, srcRepo, source)
	if err != nil {
		note(func(p *report.Repository) { p.Metadata = "failed: " + err.Error() })
		return nil
	}
	if texts && r.o.metadata && len(src.Categories) > 0 {
		note(func(p *report.Repository) { p.Categories = categoriesLeft(src.Categories) })
	}
	if created { // texts went with the creation; createDestination noted the outcome
		return nil
	}
	dst, dstListed, err := r.destinationEntry(ctx, dstRepo)
	if err != nil {
		note(func(p *report.Repository) { p.Metadata = "failed: " + err.Error() })
		return nil
	}
	if err := r.checkVisibility(srcRepo, dstRepo, src, dst); err != nil {
		return err
	}
	if !texts || !r.o.metadata {
		return nil
	}
	if srcListed && dstListed && src.Description == dst.Description && !modifiedAfter(src, dst) {
		// The destination changed after the source last did and the short
		// texts agree: the README was copied then. No GET on a re-run.
		note(func(p *report.Repository) { p.Metadata = "unchanged" })
		return nil
	}
	r.syncTexts(ctx, srcRepo, dstRepo, src, dst, srcListed, dstListed, note)
	return nil
}

// syncTexts copies description and README, reading the full texts of
// whichever side only a listing gave.
func (r *run) syncTexts(ctx context.Context, srcRepo, dstRepo name.Repository, src, dst hub.Repository, srcListed, dstListed bool, note func(func(*report.Repository))) {
	var err error
	if srcListed {
		sns, srel := enumerate.HubPath(srcRepo)
		src, err = r.src.Hub.Repository(ctx, sns, srel)
	}
	dns, drel := enumerate.HubPath(dstRepo)
	if err == nil && dstListed {
		dst, err = r.dst.Hub.Repository(ctx, dns, drel)
	}
	if err != nil {
		note(func(p *report.Repository) { p.Metadata = "failed: " + err.Error() })
		return
	}
	desc, full, outcome := withinLimits(src.Description, src.FullDescription, dst.Description, dst.FullDescription)
	switch {
	case desc == dst.Description && full == dst.FullDescription:
		if outcome == "copied" {
			outcome = "unchanged"
		}
	case r.o.dryRun:
		outcome = "would copy"
	default:
		if err := r.dst.Hub.UpdateDescriptions(ctx, dns, drel, desc, full); err != nil {
			outcome = "failed: " + err.Error()
		}
	}
	note(func(p *report.Repository) { p.Metadata = outcome })
}

// checkVisibility refuses a private source whose existing destination is
// public (unless --allow-public-destination): its images would be
// published. Docker documents no endpoint to change a repository's
// visibility, so the user has to make it private by hand. Any other
// difference is reported, not changed.
func (r *run) checkVisibility(srcRepo, dstRepo name.Repository, src, dst hub.Repository) error {
	note := func(f func(*report.Repository)) { r.results.Repository(srcRepo.String(), dstRepo.String(), f) }
	if src.IsPrivate && !dst.IsPrivate && !r.o.allowPublic {
		err := fmt.Errorf("%w: nothing copied to %s; make it private on Docker Hub (Settings → Visibility) and re-run, or pass --allow-public-destination", ErrPublicDestination, dstRepo)
		note(func(p *report.Repository) {
			p.Visibility, p.Error = "refused: source private, destination public", err.Error()
		})
		return err
	}
	if src.IsPrivate != dst.IsPrivate {
		msg := fmt.Sprintf("visibility differs: source is %s, destination is %s (not changed)", visibility(src.IsPrivate), visibility(dst.IsPrivate))
		r.log.WithField("repository", dstRepo.String()).Warn(msg)
		note(func(p *report.Repository) { p.Visibility = msg })
	}
	return nil
}

// withinLimits keeps a text that Docker Hub would refuse or cut at its
// current value (fallback), and says so: a README is never cut silently.
func withinLimits(desc, full, descFallback, fullFallback string) (string, string, string) {
	outcome := "copied"
	if n := hub.Chars(desc); n > hub.MaxDescription {
		outcome = fmt.Sprintf("skipped: the description is %d characters, over Docker Hub's %d", n, hub.MaxDescription)
		desc = descFallback
	}
	if n := hub.Chars(full); n > hub.MaxFullDescription {
		outcome = fmt.Sprintf("skipped: the README is %d characters, over Docker Hub's %d (not cut)", n, hub.MaxFullDescription)
		full = fullFallback
	}
	return desc, full, outcome
}

// categoriesLeft says which categories the user has to set by hand.
func categoriesLeft(cs []hub.Category) string {
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = c.Name
	}
	return "not copied (Docker Hub's API cannot set them; set by hand): " + strings.Join(names, ", ")
}

func visibility(private bool) string {
	if private {
		return "private"
	}
	return "public"
}

// afterRepository runs once all of a repository's tags are done, on the
// run's goroutine: only a repository whose every tag was copied (or was
// there) and confirmed by the destination registry is deprecated at the
// source — two listings agreeing is not enough.
func (r *run) afterRepository(ctx context.Context, p *repoProgress) {
	if !r.bothHubs() || r.o.check || r.o.dryRun {
		return
	}
	note := func(f func(*report.Repository)) { r.results.Repository(p.src.String(), p.dst.String(), f) }
	sns, srel := enumerate.HubPath(p.src)
	dns, drel := enumerate.HubPath(p.dst)
	if r.o.copyImmutable {
		src, err := r.src.Hub.Repository(ctx, sns, srel)
		switch {
		case err != nil:
			note(func(x *report.Repository) { x.Immutable = "failed: " + err.Error() })
		case src.ImmutableTags == nil || !src.ImmutableTags.Enabled:
			note(func(x *report.Repository) { x.Immutable = "none at the source" })
		default:
			err := r.dst.Hub.SetImmutableTags(ctx, dns, drel, *src.ImmutableTags)
			note(func(x *report.Repository) { x.Immutable = outcome(err, "applied") })
		}
	}
	if !r.o.deprecate {
		return
	}
	if !p.clean {
		note(func(x *report.Repository) {
			x.Error = "source not deprecated: not every tag copied and confirmed by the destination registry"
		})
		return
	}
	err := r.src.Hub.SetDescription(ctx, sns, srel, "Moved to "+dns+"/"+drel)
	note(func(x *report.Repository) {
		x.Deprecated = err == nil
		if err != nil {
			x.Error = "deprecating the source: " + err.Error()
		}
	})
}

func outcome(err error, ok string) string {
	if err != nil {
		return "failed: " + err.Error()
	}
	return ok
}
