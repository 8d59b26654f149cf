package migrate

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/crane-migrate/crane-migrate/copy"
	"github.com/crane-migrate/crane-migrate/enumerate"
	"github.com/crane-migrate/crane-migrate/hub"
	"github.com/crane-migrate/crane-migrate/report"
)

// errNoRepositories: an empty namespace is almost always a typo or missing
// credentials, so it fails rather than "succeeds" at nothing.
func errNoRepositories(ns fmt.Stringer) error {
	return fmt.Errorf("no repositories found in %s (check the name, and that the credentials can see it)", ns)
}

// repoTasks sends one task per tag of srcRepo that passes the filter, then
// the signature tags of the images sent.
func (r *run) repoTasks(ctx context.Context, srcRepo, dstRepo name.Repository, tasks chan<- copy.Task, fromCatalog bool) {
	have, ready := r.prepareWhileListing(ctx, srcRepo, dstRepo)
	defer ready() // wait for it even when the listing fails
	clean := false
	defer func() { r.listed(dstRepo, clean) }()
	if r.o.selection.needsDates() && !r.srcList.HasHub() { // CheckSelection refuses this before a run
		r.fail(ctx, srcRepo.String(), dstRepo.String(), needsHub(r.o.selection, srcRepo.RegistryStr()))
		return
	}
	sel := selection{pick: r.picker(), flatten: r.o.selection.Flatten}
	defer r.release(ctx, tasks, &sel) // what a failed listing held back still goes
	// --keep-latest chooses among the whole listing: the tags that pass
	// the other filters wait until it is read. Otherwise tags stream.
	var candidates []enumerate.Tag
	tags, spared := r.sourceTags(ctx, srcRepo, dstRepo)
	for t, err := range tags {
		if (fromCatalog || spared) && errors.Is(err, enumerate.ErrRepositoryNotFound) {
			r.note(srcRepo, dstRepo, func(p *report.Repository) { p.Empty = true })
			clean = true
			return
		}
		if err != nil {
			r.fail(ctx, srcRepo.String(), dstRepo.String(), err)
			return
		}
		if !ready() || !r.seen(ctx, tasks, t.Name, &sel) {
			return
		}
		if !r.choose(srcRepo, dstRepo, t, &sel) {
			continue
		}
		if sel.pick.KeepLatest > 0 {
			candidates = append(candidates, t)
			continue
		}
		if !r.send(ctx, tasks, r.task(srcRepo, dstRepo, t, *have), &sel) {
			return
		}
	}
	if !ready() || !r.listingDone(ctx, tasks, &sel) { // an empty listing waits for it here
		return
	}
	if sel.pick.KeepLatest > 0 {
		if !r.sendLatest(ctx, srcRepo, dstRepo, candidates, *have, &sel, tasks) {
			return
		}
	}
	clean = r.sendSignatures(ctx, srcRepo, dstRepo, *have, &sel, tasks)
}

// prepareWhileListing prepares the destination (lists, creates,
// describes) while the source is listed: two round trips apart, not one
// after the other. No task is sent before ready says so; *have is the
// destination's snapshot once it has.
func (r *run) prepareWhileListing(ctx context.Context, srcRepo, dstRepo name.Repository) (have *enumerate.Snapshot, ready func() bool) {
	have = &enumerate.Snapshot{}
	if r.o.check {
		return have, func() bool { return true }
	}
	prepared := make(chan bool, 1)
	go func() {
		h, ok := r.prepare(ctx, srcRepo, dstRepo, true)
		*have = h
		prepared <- ok
	}()
	return have, sync.OnceValue(func() bool { return <-prepared })
}

// selection is what repoTasks chose so far.
type selection struct {
	pick       enumerate.Selection
	flatten    bool
	signatures []enumerate.Tag
	digests    map[string]bool   // of the images being migrated unchanged (and kept platforms), when the listing gave them
	rewritten  map[string]string // indexes --platform rewrites ("") or may (why not read): their signatures stay behind
	tags       []string
	filtered   bool

	// listed is every tag name listed so far; held the tasks kept back
	// until the listing ends or passes heldTags. A repository listed
	// whole by then hands its tag names to its tasks (copy.Task.RepoTags),
	// so what is attached to its images is looked up in them: a
	// fallback tag or cosign tag absent from the listing costs no
	// request.
	listed    []string
	held      []copy.Task
	streaming bool
	complete  bool
}

// heldTags is how many tags a repository's listing may reach before its
// tasks stream without the repository's tag names: one Hub page, or a
// typical registry's whole tags/list answer.
const heldTags = 100

// send queues a task, or holds it while the repository's listing may
// still end within heldTags.
func (r *run) send(ctx context.Context, tasks chan<- copy.Task, t copy.Task, sel *selection) bool {
	if sel.complete {
		t.RepoTags = sel.listed
	}
	if sel.streaming || sel.complete {
		return r.queue(ctx, tasks, t)
	}
	sel.held = append(sel.held, t)
	return true
}

// seen counts a listed tag name; past heldTags the held tasks go, and the
// rest stream.
func (r *run) seen(ctx context.Context, tasks chan<- copy.Task, name string, sel *selection) bool {
	sel.listed = append(sel.listed, name)
	if sel.streaming || len(sel.listed) <= heldTags {
		return true
	}
	sel.streaming = true
	return r.release(ctx, tasks, sel)
}

// listingDone marks the repository listed whole (unless it streamed) and
// sends what was held.
func (r *run) listingDone(ctx context.Context, tasks chan<- copy.Task, sel *selection) bool {
	sel.complete = !sel.streaming
	return r.release(ctx, tasks, sel)
}

func (r *run) release(ctx context.Context, tasks chan<- copy.Task, sel *selection) bool {
	held := sel.held
	sel.held = nil
	for _, t := range held {
		if sel.complete {
			t.RepoTags = sel.listed
		}
		if !r.queue(ctx, tasks, t) {
			return false
		}
	}
	return true
}

// choose says whether t is sent now; signature tags wait for their image.
func (r *run) choose(srcRepo, dstRepo name.Repository, t enumerate.Tag, sel *selection) bool {
	switch {
	case fallbackTag.MatchString(t.Name):
		if !r.o.referrers {
			r.exclude(srcRepo, dstRepo)
		}
		return false // its entries follow their subject
	case isSignature(t.Name):
		if !r.attachedWanted(signatureType(t.Name)) {
			r.exclude(srcRepo, dstRepo)
			return false
		}
		sel.signatures = append(sel.signatures, t) // they follow their image: sent after it
		return false
	}
	if v := sel.pick.Check(t); !v.Keep {
		r.drop(srcRepo, dstRepo, t, v)
		sel.filtered = true
		return false
	}
	sel.keep(t)
	return true
}

// attachedWanted says whether a cosign tag of this artifact type follows
// its image: --with-signatures and --referrers both leave them behind when
// off, and --referrer-type keeps only the types it names.
func (r *run) attachedWanted(artifactType string) bool {
	if !r.o.signatures || !r.o.referrers {
		return false
	}
	return len(r.o.referrerTypes) == 0 || slices.Contains(r.o.referrerTypes, artifactType)
}

// sendSignatures sends the signature tags whose image was sent.
// An index that --platform rewrites is no image sent: what signed its
// digest does not apply to the new index; its kept platforms' do. A
// signature follows its image: one whose image was filtered out stays
// behind too. Without filters every image goes, so every signature does.
func (r *run) sendSignatures(ctx context.Context, srcRepo, dstRepo name.Repository, have enumerate.Snapshot, sel *selection, tasks chan<- copy.Task) bool {
	// A tag listed without its digest (a registry's tags/list) is HEADed
	// to match its signatures; a Docker Hub listing gave them all.
	if len(sel.signatures) > 0 && sel.filtered && sel.digests[""] {
		r.digestsOf(ctx, srcRepo, sel)
	}
	for _, t := range sel.signatures {
		if signed := signedDigest(t.Name); sel.filtered && !sel.digests[signed] {
			unread, index := sel.rewritten[signed]
			r.drop(srcRepo, dstRepo, t, signatureVerdict(signed, index, unread))
			continue
		}
		if !r.send(ctx, tasks, r.task(srcRepo, dstRepo, t, have), sel) {
			return false
		}
	}
	return true
}

// signatureVerdict says why a signature tag stays behind: its image was
// not selected, or it signs an index --platform rewrites, or may (unread
// says why it was not read). Those of an index are reported even without
// --explain, as every --platform exclusion is.
func signatureVerdict(signed string, index bool, unread string) enumerate.Verdict {
	switch {
	case index && unread == "":
		return enumerate.Verdict{Filter: "--platform", Detail: "signs index " + signed + ", which --platform rewrites: it does not apply to the new index"}
	case index:
		return enumerate.Verdict{Filter: "--platform", Detail: "signs index " + signed + ", which --platform may rewrite (not read: " + unread + "): left behind"}
	}
	return enumerate.Verdict{Filter: "signature", Detail: "signs " + signed + ", which is not migrated"}
}

// task is the copy task of one listed tag, with what the destination's
// listing said about it.
func (r *run) task(srcRepo, dstRepo name.Repository, t enumerate.Tag, have enumerate.Snapshot) copy.Task {
	task := copy.Task{Source: srcRepo.Tag(t.Name), Destination: dstRepo.Tag(t.Name),
		SourceDigest: t.Digest, Platforms: t.Platforms, Children: t.Children, Signature: isSignature(t.Name), Images: t.Images}
	if r.o.selection.Explain && !task.Signature {
		task.Selection = "kept"
	}
	r.fillDestination(&task, have, t.Name)
	return task
}

// fillDestination tells the planner what the destination's listing said
// about the task's tag: absent, or present with a digest. A registry's
// tags/list gives no digests (the planner HEADs those tags). With
// --deprecate-source a present tag is HEADed too, so that the destination
// registry, not a Docker Hub listing, confirms it.
func (r *run) fillDestination(task *copy.Task, have enumerate.Snapshot, tag string) {
	d, present := have.Tags[tag]
	if have.Known && (!present || (d.Digest != "" && !r.o.deprecate)) {
		task.DestinationKnown, task.DestinationDigest = true, d.Digest
		task.DestinationBy = report.VerifiedByRegistry
		if have.FromHub {
			task.DestinationBy = report.VerifiedByListing
		}
		switch {
		case have.FromHub && d.Children > 0: // an index, by the listing's media type
			task.DestinationImages = d.Images
		case have.FromHub && present: // an image: no filtered copy, known without a read
			task.DestinationImages = []v1.Descriptor{}
		}
	}
	task.DestinationNew = have.Known && !have.Exists
}

// prepare lists what dstRepo holds, on Docker Hub creates it with the
// source's visibility before anything is pushed, then checks visibility
// and copies the descriptions (texts false: visibility only, for a single
// tag). false means the repository's copy must not start (the failure is
// recorded). After the pull limit stopped the run, nothing is created: the
// tags are only counted.
func (r *run) prepare(ctx context.Context, srcRepo, dstRepo name.Repository, texts bool) (have enumerate.Snapshot, ok bool) {
	have, err := r.destinationSnapshot(ctx, dstRepo)
	if err != nil {
		r.fail(ctx, srcRepo.String(), dstRepo.String(), err)
		return have, false
	}
	created := false
	var source *hub.Repository
	// only Docker Hub needs (and allows) creating a repository before a push
	if !have.Exists && r.dst.Hub != nil && !r.engine.PullLimited() {
		if source, err = r.createDestination(ctx, srcRepo, dstRepo); err != nil {
			r.fail(ctx, srcRepo.String(), dstRepo.String(), err)
			r.note(srcRepo, dstRepo, func(p *report.Repository) { p.Error = err.Error() })
			return have, false
		}
		created = !r.o.dryRun
	}
	if err := r.syncMetadata(ctx, srcRepo, dstRepo, created, texts, source); err != nil {
		r.fail(ctx, srcRepo.String(), dstRepo.String(), err)
		return have, false
	}
	return have, true
}

// exclude counts a tag that filters left out.
func (r *run) exclude(srcRepo, dstRepo name.Repository) {
	r.note(srcRepo, dstRepo, func(p *report.Repository) { p.Excluded++ })
}

// queue counts a task for its repository and the display, then sends it
// unless the run was stopped.
func (r *run) queue(ctx context.Context, tasks chan<- copy.Task, t copy.Task) bool {
	if s := r.o.selection; len(s.Platforms) > 0 && !t.Signature {
		t.Keep = &copy.Platforms{Want: s.Platforms, Flatten: s.Flatten}
	}
	r.repos.sent(t.Source.Context(), t.Destination.Context())
	r.o.progress.Add(t.Destination.Context().String(), 1)
	select {
	case tasks <- t:
		return true
	case <-ctx.Done():
		return false
	}
}

// digestsOf HEADs the kept tags (not a pull) to learn their digests when
// the listing did not give them: only needed to match signatures to
// filtered images. With --platform an index may be rewritten, which no
// HEAD can tell: it is read (indexImages), unless that read is a pull (a
// source that counts them, or a dry run): then its signatures stay
// behind, as those of a rewritten index do. An image's platform is in its
// config, which is not read here: a signature of an image the engine then
// excludes as another platform's still follows.
func (r *run) digestsOf(ctx context.Context, repo name.Repository, sel *selection) {
	tags := sel.tags
	sel.digests, sel.tags = map[string]bool{}, nil
	for _, t := range tags {
		d, err := r.src.Puller.Head(ctx, repo.Tag(t))
		switch {
		case err != nil:
		case len(sel.pick.Platforms) == 0 || !d.MediaType.IsIndex():
			sel.digests[d.Digest.String()] = true
		case r.o.dryRun:
			sel.rewritten = mapWith(sel.rewritten, d.Digest.String(), "a dry run reads no manifest")
		case r.src.Quota.Counted(repo.RegistryStr()):
			sel.rewritten = mapWith(sel.rewritten, d.Digest.String(), "reading it would be a pull")
		default: // which platforms stay, and whether it is rewritten
			if listed, err := r.indexImages(ctx, repo, t, d.Digest); err == nil {
				sel.keep(listed)
			}
		}
	}
}

// mapWith is m with k set to v, made when nil.
func mapWith(m map[string]string, k, v string) map[string]string {
	if m == nil {
		m = map[string]string{}
	}
	m[k] = v
	return m
}

// indexImages reads a registry source's index as a Docker Hub listing
// would have given it (its platform images, attestations as
// unknown/unknown), so that --platform decides its signatures as it
// does for a listed one: only for an index in a repository that has
// signature tags, only with --platform, and through the engine's read of
// it, so that the copy does not GET it a second time.
func (r *run) indexImages(ctx context.Context, repo name.Repository, tag string, h v1.Hash) (enumerate.Tag, error) {
	d, err := r.engine.Fetch(ctx, repo.Digest(h.String()))
	if err != nil {
		return enumerate.Tag{}, err
	}
	idx, err := v1.ParseIndexManifest(bytes.NewReader(d.Manifest))
	if err != nil {
		return enumerate.Tag{}, err
	}
	return enumerate.Tag{Name: tag, Digest: h.String(), Images: idx.Manifests, Children: len(idx.Manifests)}, nil
}
