package enumerate

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/crane-migrate/crane-migrate/hub"
	"github.com/crane-migrate/crane-migrate/pulls"
	"github.com/crane-migrate/crane-migrate/side"
)

// Tag is one tag found on a side. Digest and Platforms are filled when the
// listing gave them (the Docker Hub API does); otherwise they are empty and the
// planner asks the registry with a HEAD.
type Tag struct {
	Name      string
	Digest    string
	Platforms []string
	// Children is the number of child manifests when the listing says the
	// tag is an index (attestations included), else 0.
	Children int
	// Dated says the listing carried dates (the Docker Hub API's does; a
	// registry's tags/list never does). Pushed is tag_last_pushed (else
	// last_updated); Pulled is tag_last_pulled, zero when never pulled.
	Dated          bool
	Pushed, Pulled time.Time
	// Images are the listing's platform images (attestations as
	// unknown/unknown), with their digests: what --platform decides on
	// without reading a manifest.
	Images []v1.Descriptor
}

// Lister lists one side of a migration.
type Lister struct {
	hub     *hub.Client
	puller  *remote.Puller
	quota   *pulls.Quota
	hubHost string
	o       options
}

// NewLister lists s through its Docker Hub API when it has one, else through
// its registry. A side with both lists a repository's tags through the Hub
// API (one page per 100 tags, with digests) while its per-minute budget
// lasts, and through the registry (tags/list, and the planner's HEADs,
// which that budget does not count) when it is down to its reserve.
func NewLister(s *side.Side, opts ...Option) (*Lister, error) {
	o := options{}
	for _, opt := range opts {
		if err := opt(&o); err != nil {
			return nil, err
		}
	}
	l := &Lister{hub: s.Hub, puller: s.Puller, quota: s.Quota, o: o}
	if s.Hub != nil {
		u, err := url.Parse(s.Hub.BaseURL())
		if err != nil {
			return nil, err
		}
		l.hubHost = u.Host
	}
	return l, nil
}

// hubTagsNow says whether a tag listing goes through the Hub API now.
func (l *Lister) hubTagsNow() bool {
	if l.hub == nil {
		return false
	}
	return l.o.hubTagsOnly || l.quota == nil || !l.quota.APIShort(l.hubHost, time.Now())
}

// HasHub reports whether listings come from the Docker Hub API, and so carry digests.
func (l *Lister) HasHub() bool { return l.hub != nil }

// Repository is one repository of a namespace, named relative to it.
// Private is only known from a Docker Hub listing.
type Repository struct {
	Name    string
	Private bool
	// Entry is the Docker Hub listing's entry (visibility, short
	// description, when last modified), nil from a registry's _catalog.
	Entry *hub.Repository
}

// Repositories lists the repositories inside ns.
func (l *Lister) Repositories(ctx context.Context, ns Namespace) iter.Seq2[Repository, error] {
	if l.hub != nil {
		return l.hubRepositories(ctx, ns)
	}
	return l.catalog(ctx, ns)
}

func (l *Lister) hubRepositories(ctx context.Context, ns Namespace) iter.Seq2[Repository, error] {
	return func(yield func(Repository, error) bool) {
		for r, err := range l.hub.Repositories(ctx, ns.Path) {
			if err != nil {
				yield(Repository{}, fmt.Errorf("listing repositories of %s: %w", ns, err))
				return
			}
			if !yield(Repository{Name: r.Name, Private: r.IsPrivate, Entry: &r}, nil) {
				return
			}
		}
	}
}

// catalog pages through _catalog, keeping the namespace's repositories.
func (l *Lister) catalog(ctx context.Context, ns Namespace) iter.Seq2[Repository, error] {
	return func(yield func(Repository, error) bool) {
		c, err := l.puller.Catalogger(ctx, ns.Registry)
		if err != nil {
			yield(Repository{}, fmt.Errorf("listing repositories of %s: %w", ns, err))
			return
		}
		prefix := ns.Path + "/"
		for c.HasNext() {
			page, err := c.Next(ctx)
			if err != nil {
				yield(Repository{}, fmt.Errorf("listing repositories of %s: %w", ns, err))
				return
			}
			for _, r := range page.Repos {
				if rel, ok := strings.CutPrefix(r, prefix); ok && !yield(Repository{Name: rel}, nil) {
					return
				}
			}
		}
	}
}

// Tags lists the tags of repo, page by page.
func (l *Lister) Tags(ctx context.Context, repo name.Repository) iter.Seq2[Tag, error] {
	if l.hubTagsNow() {
		return l.hubTags(ctx, repo)
	}
	return l.registryTags(ctx, repo)
}

// TagsSparingHub is Tags for a repository whose migration spends the
// Docker Hub API's window on what only that API can do (reading its README
// to create it at the destination): its tags go through the registry,
// unless a selection needs the Hub listing's dates.
func (l *Lister) TagsSparingHub(ctx context.Context, repo name.Repository) iter.Seq2[Tag, error] {
	if l.hub == nil || l.o.hubTagsOnly {
		return l.Tags(ctx, repo)
	}
	return l.registryTags(ctx, repo)
}

func (l *Lister) hubTags(ctx context.Context, repo name.Repository) iter.Seq2[Tag, error] {
	return func(yield func(Tag, error) bool) {
		ns, rel := HubPath(repo)
		for t, err := range l.hub.Tags(ctx, ns, rel) {
			if err != nil {
				yield(Tag{}, fmt.Errorf("listing tags of %s: %w", repo, err))
				return
			}
			tag := Tag{Name: t.Name, Digest: t.Digest, Platforms: hubPlatforms(t), Images: hubImages(t)}
			tag.Dated, tag.Pushed, tag.Pulled = hubDates(t)
			if types.MediaType(t.MediaType).IsIndex() {
				tag.Children = len(t.Images)
			}
			if !yield(tag, nil) {
				return
			}
		}
	}
}

// hubDates reads a tag's push and pull dates. An unreadable date is no
// date: the tag then fails a date filter rather than pass on a guess.
func hubDates(t hub.Tag) (dated bool, pushed, pulled time.Time) {
	for _, s := range []string{t.TagLastPushed, t.LastUpdated} {
		if p, err := time.Parse(time.RFC3339Nano, s); err == nil && s != "" {
			pushed = p
			break
		}
	}
	if t.TagLastPulled != nil {
		pulled, _ = time.Parse(time.RFC3339Nano, *t.TagLastPulled)
	}
	return true, pushed, pulled
}

// hubImages are a tag's images as descriptors: digest and platform.
func hubImages(t hub.Tag) []v1.Descriptor {
	var out []v1.Descriptor
	for _, im := range t.Images {
		h, err := v1.NewHash(im.Digest)
		if err != nil {
			continue
		}
		p := &v1.Platform{OS: im.OS, Architecture: im.Architecture}
		if im.Variant != nil {
			p.Variant = *im.Variant
		}
		out = append(out, v1.Descriptor{Digest: h, Platform: p})
	}
	return out
}

func hubPlatforms(t hub.Tag) []string {
	var out []string
	for _, im := range t.Images {
		if im.OS == "unknown" && im.Architecture == "unknown" {
			continue
		}
		out = append(out, im.Platform())
	}
	slices.Sort(out)
	return out
}

func (l *Lister) registryTags(ctx context.Context, repo name.Repository) iter.Seq2[Tag, error] {
	return func(yield func(Tag, error) bool) {
		ls, err := l.puller.Lister(ctx, repo)
		if err != nil {
			yield(Tag{}, tagsError(repo, err))
			return
		}
		for ls.HasNext() {
			page, err := ls.Next(ctx)
			if err != nil {
				yield(Tag{}, tagsError(repo, err))
				return
			}
			for _, t := range page.Tags {
				if !yield(Tag{Name: t}, nil) {
					return
				}
			}
		}
	}
}

// tagsError wraps a tags/list failure; a 404 is ErrRepositoryNotFound, which
// a caller that found the repository in _catalog reads as "no tags" (the
// registry lists repositories holding only untagged manifests or blobs).
func tagsError(repo name.Repository, err error) error {
	var te *transport.Error
	if errors.As(err, &te) && te.StatusCode == http.StatusNotFound {
		return fmt.Errorf("listing tags of %s: %w: %w", repo, ErrRepositoryNotFound, err)
	}
	return fmt.Errorf("listing tags of %s: %w", repo, err)
}

// Snapshot is what a destination repository already holds.
type Snapshot struct {
	// FromHub says the digests come from a Docker Hub listing, not from
	// the registry.
	FromHub bool
	// Known says Tags is the complete list of the repository's tags. A tag
	// in it with an empty Digest exists but must be HEADed for its digest.
	Known  bool
	Exists bool
	Tags   map[string]Tag
}

func (l *Lister) registrySnapshot(ctx context.Context, repo name.Repository) (Snapshot, error) {
	s := Snapshot{Known: true, Exists: true, Tags: map[string]Tag{}}
	for t, err := range l.registryTags(ctx, repo) {
		var te *transport.Error
		if errors.As(err, &te) && (te.StatusCode == http.StatusNotFound || te.StatusCode == http.StatusForbidden) {
			return Snapshot{Known: true, Tags: map[string]Tag{}}, nil // not pushed to yet
		}
		if err != nil {
			return Snapshot{Exists: true}, nil // cannot list: HEAD each tag instead
		}
		s.Tags[t.Name] = t
	}
	return s, nil
}

// ExistingSnapshot is Snapshot for a repository a listing showed to exist:
// on a Docker Hub side whose API window is short, the registry's tags/list
// serves, since existence (the visibility question) is settled already.
func (l *Lister) ExistingSnapshot(ctx context.Context, repo name.Repository) (Snapshot, error) {
	if l.hub == nil || l.hubTagsNow() {
		return l.Snapshot(ctx, repo)
	}
	s, err := l.registrySnapshot(ctx, repo)
	s.Exists = true // an empty repository answers tags/list with 404
	return s, err
}

// Snapshot lists the tags repo already has, for the destination side of a
// plan: one request per 100 tags instead of a HEAD per tag. Without a Hub
// API, tags/list still tells which tags are absent (no HEAD needed for
// them); present ones have no digest and are HEADed by the planner.
func (l *Lister) Snapshot(ctx context.Context, repo name.Repository) (Snapshot, error) {
	if l.hub == nil {
		return l.registrySnapshot(ctx, repo)
	}
	// A Docker Hub destination is always listed through the Hub API,
	// whatever its budget: whether the repository exists decides whether
	// it is created with the source's visibility before the first push,
	// and a registry's 401 cannot tell "absent" from "not yours".
	s := Snapshot{Known: true, Exists: true, Tags: map[string]Tag{}, FromHub: true}
	for t, err := range l.hubTags(ctx, repo) {
		if errors.Is(err, hub.ErrNotFound) {
			s.Exists = false
			return s, nil
		}
		if err != nil {
			return Snapshot{}, err
		}
		s.Tags[t.Name] = t
	}
	return s, nil
}
