package migrate

import (
	"context"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/crane-migrate/crane-migrate/copy"
	"github.com/crane-migrate/crane-migrate/enumerate"
	"github.com/crane-migrate/crane-migrate/report"
	"github.com/crane-migrate/crane-migrate/verify"
)

// keep records a tag chosen: its name, and the digests whose signature
// tags may follow it. An index --platform rewrites (the listing shows a
// platform it drops, or --flatten) adds its kept platforms' digests, not
// its own: what signed the source index does not sign the new one.
func (s *selection) keep(t enumerate.Tag) {
	if s.digests == nil {
		s.digests = map[string]bool{}
	}
	s.tags = append(s.tags, t.Name)
	if len(s.pick.Platforms) == 0 {
		s.digests[t.Digest] = true
		return
	}
	if len(t.Images) == 0 { // a registry's listing: HEADs tell the digests (digestsOf)
		s.filtered, s.digests[""] = true, true
		return
	}
	kept, rewritten := keptImages(t, s.pick.Platforms)
	if rewritten || s.flatten && t.Children > 0 {
		s.filtered = true
		s.rewritten = mapWith(s.rewritten, t.Digest, "")
	} else {
		s.digests[t.Digest] = true
	}
	for _, d := range kept {
		s.digests[d] = true
	}
}

// keptImages are the digests of t's platform images that --platform keeps,
// and whether t is an index that loses some (so a new index is written).
func keptImages(t enumerate.Tag, want []v1.Platform) (kept []string, rewritten bool) {
	for _, d := range t.Images {
		if d.Platform == nil || verify.IsAttestation(d.Platform) {
			continue
		}
		if enumerate.MatchPlatform(*d.Platform, want) {
			kept = append(kept, d.Digest.String())
		} else if t.Children > 0 {
			rewritten = true
		}
	}
	return kept, rewritten
}

// drop counts a tag a filter left out and reports it with the filter's
// verdict: with --explain, and always for --platform (an image of another
// platform is reported excluded, whichever side of the engine found it).
func (r *run) drop(srcRepo, dstRepo name.Repository, t enumerate.Tag, v enumerate.Verdict) {
	r.exclude(srcRepo, dstRepo)
	if !r.o.selection.Explain && !strings.HasPrefix(v.Filter, "--platform") {
		return
	}
	r.results.Add(report.Result{Source: srcRepo.Tag(t.Name).String(), Destination: dstRepo.Tag(t.Name).String(),
		Status: report.StatusExcluded, SourceDigest: t.Digest, Platforms: t.Platforms, Selection: v.String()})
}

// sendLatest applies --keep-latest to the tags that passed the other
// filters, once the whole listing is read, and sends those kept, newest
// first. Signatures then follow only those.
func (r *run) sendLatest(ctx context.Context, srcRepo, dstRepo name.Repository, candidates []enumerate.Tag, have enumerate.Snapshot,
	sel *selection, tasks chan<- copy.Task) bool {
	keep, dropped, verdicts := sel.pick.Latest(candidates)
	if len(dropped) > 0 {
		sel.filtered, sel.digests, sel.tags = true, nil, nil
		for _, t := range keep {
			sel.keep(t)
		}
		for i, t := range dropped {
			r.drop(srcRepo, dstRepo, t, verdicts[i])
		}
	}
	for _, t := range keep {
		if !r.send(ctx, tasks, r.task(srcRepo, dstRepo, t, have), sel) {
			return false
		}
	}
	return true
}

// excludedByEngine counts a tag the engine left out (an image of another
// platform, found once its manifest was read) on its repository, as
// filters' exclusions are.
func (r *run) excludedByEngine(res report.Result) {
	if res.Status != report.StatusExcluded {
		return
	}
	if tag, err := name.NewTag(res.Destination); err == nil {
		src := report.RepositoryOf(res.Source)
		r.results.Repository(src, tag.Context().String(), func(p *report.Repository) { p.Excluded++ })
	}
}
