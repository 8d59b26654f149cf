package hubfake

import (
	"context"
	"errors"
	"net/http"
	"slices"

	"golang.org/x/sync/errgroup"
)

// listTags is GET /v2/namespaces/{ns}/repositories/{repo}/tags, by tag name.
// The Hub's default is newest first, but the registry keeps no dates, and
// distribution 2.8 lists tags in no stable order: pages need one.
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
	slices.Sort(names)
	lo, hi, ok := window(w, p, len(names))
	if !ok {
		return
	}
	tags, err := s.tags(r.Context(), ns, name, names[lo:hi])
	if err != nil {
		writeRegistryError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, newPage(r, p, len(names), tags))
}

// tags describes the named tags, registryJobs at a time.
func (s *Server) tags(ctx context.Context, ns, name string, names []string) ([]tag, error) {
	tags := make([]tag, len(names))
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(registryJobs)
	for i, t := range names {
		g.Go(func() error {
			var err error
			tags[i], err = s.tag(ctx, ns, name, t)
			return err
		})
	}
	return tags, g.Wait()
}

// tag describes one tag: its manifest's digest and media type, and its
// images. full_size is the first non-attestation image's size, which is
// what the Hub shows for a multi-platform tag.
func (s *Server) tag(ctx context.Context, ns, name, t string) (tag, error) {
	desc, err := s.reg.get(ctx, ns+"/"+name, t)
	if err != nil {
		return tag{}, err
	}
	at := stamp(s.pushedAt(ns, name, t, desc.Digest.String()))
	images, err := images(desc, at)
	if err != nil {
		return tag{}, err
	}
	out := tag{Name: t, Digest: desc.Digest.String(), MediaType: string(desc.MediaType), ContentType: "image",
		LastUpdated: at, LastUpdaterUsername: ns, TagStatus: "active", TagLastPushed: at, Images: images}
	for _, im := range images {
		if im.OS != unknown {
			out.FullSize = im.Size
			break
		}
	}
	return out, nil
}
