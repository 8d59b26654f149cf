package migrate

import (
	"context"

	"github.com/google/go-containerregistry/pkg/name"
	"golang.org/x/sync/errgroup"

	"github.com/crane-migrate/crane-migrate/copy"
	"github.com/crane-migrate/crane-migrate/enumerate"
	"github.com/crane-migrate/crane-migrate/report"
)

// Target is what a run migrates (or, WithCheckOnly, compares): one
// reference, one repository, or a namespace.
type Target interface {
	produce(ctx context.Context, r *run, tasks chan<- copy.Task)
}

// Reference is one tag or digest copied to one tag.
func Reference(src name.Reference, dst name.Tag) Target { return refTarget{src, dst} }

// Repository is every tag of src, to dst.
func Repository(src, dst name.Repository) Target { return repoTarget{src, dst} }

// Namespace is every repository of src (or those repos names, relative to
// it) to the same names under dst.
func Namespace(src, dst enumerate.Namespace, repos []string) Target {
	return nsTarget{src, dst, repos}
}

type refTarget struct {
	src name.Reference
	dst name.Tag
}

// produce sends the one task. A Docker Hub destination is prepared first
// (created with the source's visibility when missing); its listing then
// says whether the tag is there, so the plan needs no HEAD for it.
func (t refTarget) produce(ctx context.Context, r *run, tasks chan<- copy.Task) {
	task := copy.Task{Source: t.src, Destination: t.dst}
	if r.dst.Hub != nil && !r.o.check {
		have, ok := r.prepare(ctx, t.src.Context(), t.dst.Context(), false)
		if !ok {
			return
		}
		r.fillDestination(&task, have, t.dst.TagStr())
	}
	r.queue(ctx, tasks, task)
}

type repoTarget struct{ src, dst name.Repository }

func (t repoTarget) produce(ctx context.Context, r *run, tasks chan<- copy.Task) {
	r.repoTasks(ctx, t.src, t.dst, tasks, false)
}

// listWidth is the repositories listed at once per job.
const listWidth = 4

type nsTarget struct {
	src, dst enumerate.Namespace
	repos    []string
}

// produce streams every repository's tags into the engine: repositories
// from the repos file when given, else from the source's listing. Up to
// listWidth × --jobs repositories are listed and prepared at once (a
// listing is a read or two; the engine's look stage is as wide), so a
// repository that is slow to list (or fails) holds up only itself; the
// report is sorted, so its order does not depend on theirs.
func (t nsTarget) produce(ctx context.Context, r *run, tasks chan<- copy.Task) {
	var g errgroup.Group
	g.SetLimit(r.o.jobs * listWidth)
	each := func(rel string, fromCatalog bool) {
		if !r.o.shard.Owns(rel) {
			return
		}
		r.owned = append(r.owned, rel)
		g.Go(func() error {
			r.namespaceRepo(ctx, t.src, t.dst, rel, fromCatalog, tasks)
			return nil
		})
	}
	defer func() { _ = g.Wait() }() // failures are recorded per repository
	if t.repos != nil {
		for _, rel := range t.repos {
			each(rel, false)
		}
		return
	}
	found, private := 0, 0
	if r.dst.Hub != nil {
		r.listings.coverDestination(t.dst.Path) // the whole namespace: one listing beats a request each
	}
	for repo, err := range r.srcList.Repositories(ctx, t.src) {
		if err != nil {
			r.failIn(ctx, report.ScopeNamespace, t.src.String(), t.dst.String(), err)
			return
		}
		found++
		if repo.Private {
			private++
		}
		if repo.Entry != nil {
			r.listings.listedSource(*repo.Entry)
		}
		each(repo.Name, !r.srcList.HasHub())
	}
	if found == 0 {
		r.failEmpty(ctx, t.src.String(), t.dst.String(), errNoRepositories(t.src))
	}
	if r.srcList.HasHub() && private == 0 {
		r.log.Warnf("the Docker Hub listing of %s shows no private repositories: if it has some, these credentials "+
			"cannot see them (an organization access token needs scope-repository-list) and they were not migrated", t.src.Path)
	}
}

// namespaceRepo migrates one repository of a namespace. fromCatalog says
// the registry's _catalog named it: a 404 from its tags/list then means a
// repository with no tags, not a typo.
func (r *run) namespaceRepo(ctx context.Context, src, dst enumerate.Namespace, rel string, fromCatalog bool, tasks chan<- copy.Task) {
	srcRepo, err := src.Repository(rel)
	if err != nil {
		r.fail(ctx, src.String()+"/"+rel, dst.String()+"/"+rel, err)
		return
	}
	dstRepo, err := dst.Repository(rel)
	if err != nil {
		r.fail(ctx, srcRepo.String(), dst.String()+"/"+rel, err)
		return
	}
	r.repoTasks(ctx, srcRepo, dstRepo, tasks, fromCatalog)
}

// note updates the report's record of a repository.
func (r *run) note(srcRepo, dstRepo name.Repository, f func(*report.Repository)) {
	r.results.Repository(srcRepo.String(), dstRepo.String(), f)
}
