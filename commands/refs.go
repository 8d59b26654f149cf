package commands

import (
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
)

// parseSource parses a tag or digest reference. Digests must be sha256,
// which name.NewDigest checks with a clear message.
func parseSource(s string, opts ...name.Option) (name.Reference, error) {
	if err := noScheme("source reference", s); err != nil {
		return nil, err
	}
	if strings.Contains(s, "@") {
		d, err := name.NewDigest(s, opts...)
		if err != nil {
			return nil, usagef("source reference %q: %w", s, err)
		}
		return d, nil
	}
	t, err := name.NewTag(s, opts...)
	if err != nil {
		return nil, usagef("source reference %q: %w", s, err)
	}
	return t, nil
}

// parseDestination parses the destination tag. Without a tag of its own it
// takes the source's tag; a digest source needs one spelt out.
func parseDestination(s string, src name.Reference, opts ...name.Option) (name.Tag, error) {
	if err := noScheme("destination", s); err != nil {
		return name.Tag{}, err
	}
	if strings.Contains(s, "@") {
		return name.Tag{}, usagef("destination %q: must be a tag, not a digest", s)
	}
	if !hasTag(s) {
		t, ok := src.(name.Tag)
		if !ok {
			return name.Tag{}, usagef("destination %q needs a tag when the source is a digest (for example %s:v1)", s, s)
		}
		s += ":" + t.TagStr()
	}
	t, err := name.NewTag(s, opts...)
	if err != nil {
		return name.Tag{}, usagef("destination reference %q: %w", s, err)
	}
	return t, nil
}

// hasTag reports whether a reference spells out a tag: a colon after the
// last slash (a colon before it is a registry port).
func hasTag(s string) bool {
	return strings.Contains(s[strings.LastIndex(s, "/")+1:], ":")
}

// parseRepository parses a repository, refusing a tag or digest on it.
func parseRepository(what, s string, opts ...name.Option) (name.Repository, error) {
	if err := noScheme(what, s); err != nil {
		return name.Repository{}, err
	}
	if strings.Contains(s, "@") || hasTag(s) {
		return name.Repository{}, usagef("%s %q: must be a repository without a tag or digest", what, s)
	}
	r, err := name.NewRepository(s, opts...)
	if err != nil {
		return name.Repository{}, usagef("%s %q: %w", what, s, err)
	}
	return r, nil
}

// noScheme refuses a URL where a reference belongs: go-containerregistry
// would read "https:" as a repository path component. The message gives the
// spelling that works.
func noScheme(what, s string) error {
	for _, scheme := range []string{"https://", "http://"} {
		if rest, ok := strings.CutPrefix(strings.ToLower(s), scheme); ok {
			return usagef("%s %q: write it without %q, as %s (plain HTTP is chosen per host with --insecure-registry)",
				what, s, s[:len(scheme)], s[len(s)-len(rest):])
		}
	}
	return nil
}

// sameNames refuses a run whose source and destination are one place:
// it would copy nothing and report success.
func sameNames(what, src, dst string) error {
	if src == dst {
		return usagef("the source and destination %s are the same (%s): name a different destination", what, src)
	}
	return nil
}
