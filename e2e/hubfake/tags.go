package hubfake

import (
	"cmp"
	"context"
	"errors"
	"net/http"
	"slices"
	"time"

	"golang.org/x/sync/errgroup"
)

// headAllLimit is the most tags a listing looks up (HEAD) all of to order
// them by date. A larger repository (the 10,000-tag benchmark) orders its
// known tags by the dates recorded when they were last looked up, and a
// tag never seen yet as pushed now: a tag moved since is noticed when its
// page is served.
const headAllLimit = 1000

// listTags is GET /v2/namespaces/{ns}/repositories/{repo}/tags, newest
// first (tag_last_pushed) unless ordering is name or -name; ties by name,
// so pages are stable.
func (s *Server) listTags(w http.ResponseWriter, r *http.Request) {
	ns, name := r.PathValue("ns"), r.PathValue("repo")
	sess, ok := s.readable(w, r, ns, name)
	if !ok {
		return
	}
	p, ok := parsePaging(w, r)
	if !ok || !s.capAnonymous(w, sess, p) {
		return
	}
	names, err := s.reg.tags(r.Context(), ns+"/"+name)
	if errors.Is(err, errNotFound) && s.isCreated(ns, name) {
		names, err = nil, nil // created here, nothing pushed yet
	}
	if err != nil {
		writeRegistryError(w, err)
		return
	}
	now := s.o.now()
	if err := s.order(r.Context(), ns, name, names, r.URL.Query().Get("ordering"), now); err != nil {
		writeRegistryError(w, err)
		return
	}
	lo, hi, ok := window(w, p, len(names))
	if !ok {
		return
	}
	tags, err := s.tags(r.Context(), ns, name, names[lo:hi], now)
	if err != nil {
		writeRegistryError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, newPage(r, p, len(names), tags))
}

// order sorts names as ordering asks: by name, or newest push first.
// Django REST framework ignores an unknown ordering; so does the fake.
func (s *Server) order(ctx context.Context, ns, name string, names []string, ordering string, now time.Time) error {
	switch ordering {
	case "name":
		slices.Sort(names)
		return nil
	case "-name":
		slices.Sort(names)
		slices.Reverse(names)
		return nil
	}
	at, err := s.pushDates(ctx, ns, name, names, now)
	if err != nil {
		return err
	}
	slices.SortFunc(names, func(a, b string) int {
		if c := at[b].Compare(at[a]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	return nil
}

// pushDates is when each tag of names was pushed: looked up in the registry
// (registryJobs HEADs at a time, which do not count as pulls), or for a
// repository over headAllLimit, as recorded.
func (s *Server) pushDates(ctx context.Context, ns, name string, names []string, now time.Time) (map[string]time.Time, error) {
	digests := make([]string, len(names))
	if len(names) <= headAllLimit {
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(registryJobs)
		for i, t := range names {
			g.Go(func() error {
				d, err := s.reg.head(gctx, ns+"/"+name, t)
				if err == nil {
					digests[i] = d.Digest.String()
				}
				return err
			})
		}
		if err := g.Wait(); err != nil {
			return nil, err
		}
	}
	at := make(map[string]time.Time, len(names))
	for i, t := range names {
		at[t] = s.pushedAt(ns, name, t, digests[i], now).at
	}
	return at, nil
}

// tags describes the named tags, registryJobs at a time.
func (s *Server) tags(ctx context.Context, ns, name string, names []string, now time.Time) ([]tag, error) {
	tags := make([]tag, len(names))
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(registryJobs)
	for i, t := range names {
		g.Go(func() error {
			var err error
			tags[i], err = s.tag(ctx, ns, name, t, now)
			return err
		})
	}
	return tags, g.Wait()
}

// tag describes one tag: its manifest's digest and media type, its dates
// and its images. full_size is the first non-attestation image's size,
// which is what the Hub shows for a multi-platform tag.
func (s *Server) tag(ctx context.Context, ns, name, t string, now time.Time) (tag, error) {
	desc, err := s.reg.get(ctx, ns+"/"+name, t)
	if err != nil {
		return tag{}, err
	}
	p := s.pushedAt(ns, name, t, desc.Digest.String(), now)
	at, pulled := stamp(p.at), stampOrNull(p.pulled)
	images, err := images(desc, at, pulled)
	if err != nil {
		return tag{}, err
	}
	out := tag{Name: t, Digest: desc.Digest.String(), MediaType: string(desc.MediaType), ContentType: "image",
		LastUpdated: at, LastUpdaterUsername: ns, TagStatus: "active", TagLastPushed: at, TagLastPulled: pulled, Images: images}
	for _, im := range images {
		if im.OS != unknown {
			out.FullSize = im.Size
			break
		}
	}
	return out, nil
}
