package commands

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/google/go-containerregistry/pkg/name"

	"github.com/crane-migrate/crane-migrate/enumerate"
	"github.com/crane-migrate/crane-migrate/hub"
	"github.com/crane-migrate/crane-migrate/report"
)

// Docker Hub's limits on repository texts.
const (
	maxDescription     = 100
	maxFullDescription = 25000
)

// hubSync is the part of a migration Docker's guide leaves to hand, done per
// repository when both sides have a Docker Hub API: visibility checked,
// description and README copied, and — once every tag of the repository
// copied and verified — the source deprecated and its immutable-tag rules
// applied to the destination.
type hubSync struct {
	mu    sync.Mutex
	repos map[string]*repoProgress // destination repository → its tags so far
}

type repoProgress struct {
	src, dst   name.Repository
	sent, done int
	closed     bool
	clean      bool
}

// bothHubs: the sync needs the Hub API on both sides.
func (r *run) bothHubs() bool { return r.src.hub != nil && r.dst.hub != nil }

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
	if !r.bothHubs() || r.check {
		return nil
	}
	dns, drel := enumerate.HubPath(dstRepo)
	note := func(f func(*report.Repository)) { r.results.Repository(srcRepo.String(), dstRepo.String(), f) }
	var src hub.Repository
	var err error
	if source != nil {
		src = *source
	} else {
		sns, srel := enumerate.HubPath(srcRepo)
		src, err = r.src.hub.Repository(ctx, sns, srel)
	}
	if err != nil {
		note(func(p *report.Repository) { p.Metadata = "failed: " + err.Error() })
		return nil
	}
	if texts && r.cfg.metadata && len(src.Categories) > 0 {
		note(func(p *report.Repository) { p.Categories = categoriesLeft(src.Categories) })
	}
	if created { // texts went with the creation; createDestination noted the outcome
		return nil
	}
	dst, err := r.dst.hub.Repository(ctx, dns, drel)
	if err != nil {
		note(func(p *report.Repository) { p.Metadata = "failed: " + err.Error() })
		return nil
	}
	if src.IsPrivate && !dst.IsPrivate && !r.cfg.allowPublic {
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
	if !texts || !r.cfg.metadata {
		return nil
	}
	desc, full, outcome := withinLimits(src.Description, src.FullDescription, dst.Description, dst.FullDescription)
	switch {
	case desc == dst.Description && full == dst.FullDescription:
		if outcome == "copied" {
			outcome = "unchanged"
		}
	case r.cfg.dryRun:
		outcome = "would copy"
	default:
		if err := r.dst.hub.UpdateDescriptions(ctx, dns, drel, desc, full); err != nil {
			outcome = "failed: " + err.Error()
		}
	}
	note(func(p *report.Repository) { p.Metadata = outcome })
	return nil
}

// withinLimits keeps a text that Docker Hub would refuse or cut at its
// current value (fallback), and says so: a README is never cut silently.
func withinLimits(desc, full, descFallback, fullFallback string) (string, string, string) {
	outcome := "copied"
	if len(desc) > maxDescription {
		outcome = fmt.Sprintf("skipped: the description is %d characters, over Docker Hub's %d", len(desc), maxDescription)
		desc = descFallback
	}
	if len(full) > maxFullDescription {
		outcome = fmt.Sprintf("skipped: the README is %d bytes, over Docker Hub's %d (not cut)", len(full), maxFullDescription)
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

// sent counts a task of dstRepo on its way to the pool.
func (r *run) sent(srcRepo, dstRepo name.Repository) {
	r.sync.mu.Lock()
	defer r.sync.mu.Unlock()
	if r.sync.repos == nil {
		r.sync.repos = map[string]*repoProgress{}
	}
	p := r.sync.repos[dstRepo.String()]
	if p == nil {
		p = &repoProgress{src: srcRepo, dst: dstRepo, clean: true}
		r.sync.repos[dstRepo.String()] = p
	}
	p.sent++
}

// listed says every task of dstRepo has been sent (clean: none was lost to
// a listing error); the after-work runs when the last one is done.
func (r *run) listed(ctx context.Context, dstRepo name.Repository, clean bool) {
	r.sync.mu.Lock()
	p := r.sync.repos[dstRepo.String()]
	if p == nil {
		r.sync.mu.Unlock()
		return
	}
	p.closed, p.clean = true, p.clean && clean
	ready := p.done == p.sent
	r.sync.mu.Unlock()
	if ready {
		r.afterRepository(ctx, p)
	}
}

// finished records a task's result for its repository's after-work.
func (r *run) finished(ctx context.Context, res report.Result) {
	tag, err := name.NewTag(res.Destination)
	if err != nil {
		return
	}
	r.sync.mu.Lock()
	p := r.sync.repos[tag.Context().String()]
	if p == nil {
		r.sync.mu.Unlock()
		return
	}
	p.done++
	ok := (res.Status == report.StatusCopied || res.Status == report.StatusSkipped) && res.Verified
	p.clean = p.clean && ok
	ready := p.closed && p.done == p.sent
	r.sync.mu.Unlock()
	if ready {
		r.afterRepository(ctx, p)
	}
}

// afterRepository runs once all of a repository's tags are done: only a
// repository that migrated and verified cleanly is deprecated at the source.
func (r *run) afterRepository(ctx context.Context, p *repoProgress) {
	if !r.bothHubs() || r.check || r.cfg.dryRun {
		return
	}
	note := func(f func(*report.Repository)) { r.results.Repository(p.src.String(), p.dst.String(), f) }
	sns, srel := enumerate.HubPath(p.src)
	dns, drel := enumerate.HubPath(p.dst)
	if r.cfg.copyImmutable {
		src, err := r.src.hub.Repository(ctx, sns, srel)
		switch {
		case err != nil:
			note(func(x *report.Repository) { x.Immutable = "failed: " + err.Error() })
		case src.ImmutableTags == nil || !src.ImmutableTags.Enabled:
			note(func(x *report.Repository) { x.Immutable = "none at the source" })
		default:
			err := r.dst.hub.SetImmutableTags(ctx, dns, drel, *src.ImmutableTags)
			note(func(x *report.Repository) { x.Immutable = outcome(err, "applied") })
		}
	}
	if !r.cfg.deprecate {
		return
	}
	if !p.clean {
		note(func(x *report.Repository) { x.Error = "source not deprecated: not every tag copied and verified" })
		return
	}
	err := r.src.hub.SetDescription(ctx, sns, srel, "Moved to "+dns+"/"+drel)
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
