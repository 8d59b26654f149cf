package hubfake

import "time"

// Category is one Hub taxonomy entry of a repository.
type Category struct {
	Name string `json:"name"`
	Slug string `json:"slug"`
}

// Meta is what the Hub knows of a repository and a registry does not.
// The zero value is a public repository without descriptions.
type Meta struct {
	Private         bool
	Description     string
	FullDescription string
	Categories      []Category
	// ImmutableTags and ImmutableRules are the immutable-tag settings.
	ImmutableTags  bool
	ImmutableRules []string
}

// clone copies m's slices, so that neither the caller nor the server
// changes what the other holds.
func (m Meta) clone() Meta {
	m.Categories = append([]Category(nil), m.Categories...)
	m.ImmutableRules = append([]string(nil), m.ImmutableRules...)
	return m
}

type metaEntry struct {
	Meta
	modified time.Time
}

// pushed is when a tag got its digest (when the server first saw it there,
// or what SetTagDates said), and when it was last pulled (zero: never).
// digest is empty for a tag only listed, never looked up yet.
type pushed struct {
	digest string
	at     time.Time
	pulled time.Time
}

// SetRepository sets the metadata of ns/name. It takes effect whether or not
// the registry has the repository yet.
func (s *Server) SetRepository(ns, name string, m Meta) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.meta[ns+"/"+name] = metaEntry{Meta: m.clone(), modified: s.o.now()}
}

// Repository returns the metadata of ns/name as SetRepository, a create or an
// update left it, and whether any of them did: a repository that was only
// pushed to the registry has none.
func (s *Server) Repository(ns, name string) (Meta, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.meta[ns+"/"+name]
	return e.Meta.clone(), ok
}

func (s *Server) metaOf(ns, name string) metaEntry {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.meta[ns+"/"+name]
}

// registered is when the server first saw ns/name: the registry keeps no
// dates, so date_registered is the fake's own memory.
func (s *Server) registered(ns, name string) time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := ns + "/" + name
	t, ok := s.seen[key]
	if !ok {
		t = s.o.now()
		s.seen[key] = t
	}
	return t
}

// pushedAt is when ns/name:tag got digest: when the server first saw it
// there (at now), or what SetTagDates said. A tag moved to another digest
// counts as pushed again, and not pulled since.
func (s *Server) pushedAt(ns, name, tag, digest string, now time.Time) pushed {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := ns + "/" + name + ":" + tag
	p, ok := s.pushed[key]
	switch {
	case !ok:
		p = pushed{digest: digest, at: now}
	case p.digest == "":
		p.digest = digest // listed before, looked up now: it was pushed when first listed
	case p.digest != digest && digest != "":
		p = pushed{digest: digest, at: now}
	}
	s.pushed[key] = p
	return p
}
