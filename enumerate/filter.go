package enumerate

import (
	"fmt"
	"regexp"
	"strings"
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
func (f Filter) Match(tag string) bool { return f.verdict(tag).Keep }

// verdict says whether tag passes, and which expression dropped it.
func (f Filter) verdict(tag string) Verdict {
	for _, re := range f.exclude {
		if re.MatchString(tag) {
			return drop("--exclude", "matches %q", re.String())
		}
	}
	if len(f.include) == 0 {
		return kept
	}
	for _, re := range f.include {
		if re.MatchString(tag) {
			return kept
		}
	}
	return drop("--include", "matches none of %s", quoted(f.include))
}

func quoted(res []*regexp.Regexp) string {
	out := make([]string, len(res))
	for i, re := range res {
		out[i] = fmt.Sprintf("%q", re.String())
	}
	return strings.Join(out, ", ")
}
