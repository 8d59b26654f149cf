package hubfake

import (
	"cmp"
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"golang.org/x/sync/errgroup"
)

// registryJobs bounds the registry requests one Hub request makes at once.
const registryJobs = 8

// listRepositories is GET /v2/namespaces/{ns}/repositories.
func (s *Server) listRepositories(w http.ResponseWriter, r *http.Request) {
	ns := r.PathValue("ns")
	sess, ok := s.authorize(w, r)
	if !ok {
		return
	}
	p, ok := parsePaging(w, r)
	if !ok || !s.capAnonymous(w, sess, p) {
		return
	}
	names, err := s.visible(r.Context(), ns, sess.listsPrivate(ns))
	if err != nil {
		writeError(w, http.StatusBadGateway, err.Error())
		return
	}
	lo, hi, ok := window(w, p, len(names))
	if !ok {
		return
	}
	repos, err := s.orderedPage(r.Context(), ns, names, r.URL.Query().Get("ordering"), lo, hi)
	if err != nil {
		writeError(w, http.StatusBadGateway, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, newPage(r, p, len(names), repos))
}

// getRepository is GET /v2/namespaces/{ns}/repositories/{repo}.
func (s *Server) getRepository(w http.ResponseWriter, r *http.Request) {
	ns, name := r.PathValue("ns"), r.PathValue("repo")
	sess, ok := s.readable(w, r, ns, name)
	if !ok {
		return
	}
	s.writeDetail(w, r, ns, name, sess)
}

// writeDetail answers with the single-repository shape of ns/name.
func (s *Server) writeDetail(w http.ResponseWriter, r *http.Request, ns, name string, sess *session) {
	repo, err := s.describeOne(r.Context(), ns, name)
	if err != nil {
		writeRegistryError(w, err)
		return
	}
	perms := permissions{Read: true, Write: sess.writes(ns, name), Admin: sess.administers(ns)}
	m := s.metaOf(ns, name)
	rules := append([]string{}, m.ImmutableRules...)
	writeJSON(w, http.StatusOK, repositoryDetail{repository: repo, FullDescription: m.FullDescription,
		Permissions: perms, ImmutableTagsSettings: immutableTagSet{Enabled: m.ImmutableTags, Rules: rules}})
}

// visible lists the names of ns's repositories, those in the registry and
// those created here, private ones only if asked.
func (s *Server) visible(ctx context.Context, ns string, private bool) ([]string, error) {
	all, err := s.reg.catalog(ctx)
	if err != nil {
		return nil, err
	}
	names := s.createdIn(ns)
	for _, full := range all {
		if name, ok := strings.CutPrefix(full, ns+"/"); ok {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	names = slices.Compact(names) // a created repository that was pushed since
	return slices.DeleteFunc(names, func(name string) bool { return !private && s.metaOf(ns, name).Private }), nil
}

// orderedPage describes the repositories names[lo:hi] of the requested
// order. By name or pull_count (always 0 here, so by name) that takes the
// page's repositories only; by last_updated, all of them. An unknown ordering
// is ignored, as Django REST framework does.
func (s *Server) orderedPage(ctx context.Context, ns string, names []string, ordering string, lo, hi int) ([]repository, error) {
	field, desc := strings.TrimPrefix(ordering, "-"), strings.HasPrefix(ordering, "-")
	if field != "last_updated" {
		if field == "name" && desc {
			slices.Reverse(names)
		}
		return s.describe(ctx, ns, names[lo:hi])
	}
	repos, err := s.describe(ctx, ns, names)
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(repos, func(a, b repository) int {
		c := cmp.Compare(deref(a.LastUpdated), deref(b.LastUpdated))
		if desc {
			return -c
		}
		return c
	})
	return repos[lo:hi], nil
}

// describe builds the entries of names, registryJobs at a time.
func (s *Server) describe(ctx context.Context, ns string, names []string) ([]repository, error) {
	repos := make([]repository, len(names))
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(registryJobs)
	for i, name := range names {
		g.Go(func() error {
			var err error
			repos[i], err = s.repository(ctx, ns, name)
			if errors.Is(err, errNotFound) { // listed by _catalog without a tag
				repos[i], err = s.entry(ns, name, nil, time.Time{}), nil
			}
			return err
		})
	}
	return repos, g.Wait()
}

// describeOne is repository, or an entry without tags for a repository
// created here that nothing was pushed to yet.
func (s *Server) describeOne(ctx context.Context, ns, name string) (repository, error) {
	repo, err := s.repository(ctx, ns, name)
	if errors.Is(err, errNotFound) && s.isCreated(ns, name) {
		return s.entry(ns, name, nil, time.Time{}), nil
	}
	return repo, err
}

// repository describes ns/name from its tags: a HEAD per tag gives the media
// types and, with the fake's memory of when it first saw each digest, the
// last update. storage_size stays 0: it would take every manifest's GET.
func (s *Server) repository(ctx context.Context, ns, name string) (repository, error) {
	tags, err := s.reg.tags(ctx, ns+"/"+name)
	if err != nil {
		return repository{}, err
	}
	// HEADs registryJobs at a time: a repository of 10,000 tags would
	// otherwise take seconds to describe.
	descs := make([]*v1.Descriptor, len(tags))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(registryJobs)
	for i, t := range tags {
		g.Go(func() error {
			var err error
			descs[i], err = s.reg.head(gctx, ns+"/"+name, t)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return repository{}, err
	}
	types := map[string]bool{}
	var last time.Time
	now := s.o.now()
	for i, d := range descs {
		types[string(d.MediaType)] = true
		if p := s.pushedAt(ns, name, tags[i], d.Digest.String(), now); p.at.After(last) {
			last = p.at
		}
	}
	return s.entry(ns, name, types, last), nil
}

// entry is a repository's listing entry.
func (s *Server) entry(ns, name string, mediaTypes map[string]bool, last time.Time) repository {
	m := s.metaOf(ns, name)
	registered := s.registered(ns, name)
	repo := repository{Name: name, Namespace: ns, RepositoryType: "image", Status: 1, StatusDescription: "active",
		Description: m.Description, IsPrivate: m.Private, DateRegistered: stamp(registered),
		LastModified: stamp(latest(registered, m.modified)), MediaTypes: []string{}, ContentTypes: []string{},
		Categories: append([]Category{}, m.Categories...)}
	for mt := range mediaTypes {
		repo.MediaTypes = append(repo.MediaTypes, mt)
	}
	slices.Sort(repo.MediaTypes)
	if len(mediaTypes) > 0 {
		repo.ContentTypes = []string{"image"}
	}
	if !last.IsZero() {
		ts := stamp(last)
		repo.LastUpdated = &ts
	}
	return repo
}

func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// writeRegistryError answers 404 for what the registry does not have and 502
// for a registry that failed.
func writeRegistryError(w http.ResponseWriter, err error) {
	if errors.Is(err, errNotFound) {
		writeError(w, http.StatusNotFound, "object not found")
		return
	}
	writeError(w, http.StatusBadGateway, err.Error())
}
