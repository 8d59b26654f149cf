package enumerate

import (
	"fmt"
	"regexp"
)

// Filter selects tags by name: a tag passes when it matches any include
// expression (or there are none) and no exclude expression.
type Filter struct {
	include, exclude []*regexp.Regexp
}

// NewFilter compiles RE2 expressions. Expressions match anywhere in the tag
// name; anchor them (^v1\.) to match a prefix.
func NewFilter(include, exclude []string) (Filter, error) {
	var f Filter
	var err error
	if f.include, err = compile("--include", include); err != nil {
		return Filter{}, err
	}
	if f.exclude, err = compile("--exclude", exclude); err != nil {
		return Filter{}, err
	}
	return f, nil
}

func compile(flag string, exprs []string) ([]*regexp.Regexp, error) {
	var out []*regexp.Regexp
	for _, e := range exprs {
		re, err := regexp.Compile(e)
		if err != nil {
			return nil, fmt.Errorf("%w: %s %q: %w", ErrBadFilter, flag, e, err)
		}
		out = append(out, re)
	}
	return out, nil
}

// Match reports whether tag passes the filter.
func (f Filter) Match(tag string) bool {
	for _, re := range f.exclude {
		if re.MatchString(tag) {
			return false
		}
	}
	if len(f.include) == 0 {
		return true
	}
	for _, re := range f.include {
		if re.MatchString(tag) {
			return true
		}
	}
	return false
}
