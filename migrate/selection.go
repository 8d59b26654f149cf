package migrate

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/crane-migrate/crane-migrate/enumerate"
	"github.com/crane-migrate/crane-migrate/side"
)

// Selection chooses tags by age, use and count, and what of each index is
// copied. Filters apply in enumerate.Selection's order: names (WithFilter),
// platform, dates, then KeepLatest; attached artifacts (cosign tags,
// referrers) follow the images kept, and only those.
type Selection struct {
	// PushedSince and PulledSince keep tags pushed (pulled) at or after
	// them; a tag never pulled fails PulledSince. Zero: no filter.
	PushedSince, PulledSince time.Time
	// MinAge skips tags pushed less than this long ago. Zero: no filter.
	MinAge time.Duration
	// KeepLatest keeps, per repository, the N most recently pushed tags
	// that pass the other filters. Zero: all of them.
	KeepLatest int
	// Platforms keeps only these platforms of an index (a new index, with
	// a new digest, when any other is dropped) and only images of these
	// platforms. Empty: every platform.
	Platforms []v1.Platform
	// Flatten, with exactly one platform, tags that platform's own
	// manifest instead of a one-entry index.
	Flatten bool
	// Explain reports every tag with the filter that kept or dropped it
	// (report.Result.Selection), dropped ones as excluded results.
	Explain bool
	// Now is when durations count from. Default (zero): the run's start.
	Now time.Time
}

// Errors of a selection; callers branch with errors.Is. Both are the
// user's to fix: the command line maps them to exit code 2.
var (
	// ErrNeedsHubListing means a date or count filter was given for a
	// source without a Docker Hub API listing: registries list no dates.
	ErrNeedsHubListing = errors.New("needs the dates of a Docker Hub API listing")
	// ErrBadSelection means a selection value is invalid.
	ErrBadSelection = errors.New("invalid selection")
)

// needsDates says whether a filter reads tag dates.
func (s Selection) needsDates() bool {
	return !s.PushedSince.IsZero() || !s.PulledSince.IsZero() || s.MinAge > 0 || s.KeepLatest > 0
}

// flags names the date and count filters given, for messages.
func (s Selection) flags() string {
	var out []string
	for _, f := range []struct {
		name string
		on   bool
	}{{"--pushed-since", !s.PushedSince.IsZero()}, {"--pulled-since", !s.PulledSince.IsZero()},
		{"--min-age", s.MinAge > 0}, {"--keep-latest", s.KeepLatest > 0}} {
		if f.on {
			out = append(out, f.name)
		}
	}
	return strings.Join(out, ", ")
}

func (s Selection) validate() error {
	switch {
	case s.KeepLatest < 0:
		return fmt.Errorf("%w: --keep-latest %d: want 1 or more", ErrBadSelection, s.KeepLatest)
	case s.MinAge < 0:
		return fmt.Errorf("%w: --min-age %v: want a positive duration", ErrBadSelection, s.MinAge)
	case s.Flatten && len(s.Platforms) != 1:
		return fmt.Errorf("%w: --flatten needs exactly one --platform, got %d", ErrBadSelection, len(s.Platforms))
	}
	return nil
}

// WithSelection selects tags by age, use, count and platform. Default: a
// zero Selection, which selects every tag and platform.
func WithSelection(s Selection) Option {
	return func(o *options) error {
		if err := s.validate(); err != nil {
			return err
		}
		if s.Now.IsZero() {
			s.Now = time.Now() // when options are applied: the run's start
		}
		o.selection = s
		return nil
	}
}

// CheckSelection says, before a run, whether s is valid (ErrBadSelection)
// and src can serve it: the date and count filters need a Docker Hub API
// listing (ErrNeedsHubListing). A nil src checks s alone. The error is one
// line for the user.
func CheckSelection(s Selection, src *side.Side) error {
	if err := s.validate(); err != nil {
		return err
	}
	if src != nil && s.needsDates() && src.Hub == nil {
		return needsHub(s, src.Registry.RegistryStr())
	}
	return nil
}

func needsHub(s Selection, registry string) error {
	return fmt.Errorf("%s %w, and the source %s has none (a registry's tags/list carries no dates): "+
		"use it with a Docker Hub source (--src-hub-api for another Hub API), or leave it out", s.flags(), ErrNeedsHubListing, registry)
}

// picker is the run's enumerate.Selection, names included.
func (r *run) picker() enumerate.Selection {
	s := r.o.selection
	now := s.Now
	if now.IsZero() {
		now = time.Now()
	}
	return enumerate.Selection{Filter: r.o.filter, Platforms: s.Platforms, PushedSince: s.PushedSince, PulledSince: s.PulledSince,
		MinAge: s.MinAge, KeepLatest: s.KeepLatest, Now: now}
}

// ParseWhen reads a --pushed-since or --pulled-since value: an RFC 3339
// time (2024-03-01T00:00:00Z), a date (2024-03-01, midnight UTC), or a
// duration back from now (90d, 12h, 2w, 1d12h).
func ParseWhen(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	d, err := ParseAge(s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: %q is neither a date (2024-03-01, or RFC 3339) nor a duration (90d, 12h)", ErrBadSelection, s)
	}
	return now.Add(-d), nil
}

// ageUnits are the units ParseAge reads, on top of what time.ParseDuration does.
var ageUnits = map[string]time.Duration{"w": 7 * 24 * time.Hour, "d": 24 * time.Hour, "h": time.Hour, "m": time.Minute, "s": time.Second}

// ParseAge reads a --min-age value: a positive duration of whole numbers
// with units w, d, h, m, s ("90d", "1d12h", "36h"), or anything
// time.ParseDuration reads.
func ParseAge(s string) (time.Duration, error) {
	bad := fmt.Errorf("%w: duration %q: want e.g. 90d, 12h, 2w or 1d12h", ErrBadSelection, s)
	if d, err := time.ParseDuration(s); err == nil {
		if d <= 0 {
			return 0, bad
		}
		return d, nil
	}
	var total time.Duration
	rest := s
	for rest != "" {
		i := strings.IndexFunc(rest, func(r rune) bool { return r < '0' || r > '9' })
		if i <= 0 {
			return 0, bad
		}
		n, err := strconv.Atoi(rest[:i])
		if err != nil {
			return 0, bad
		}
		unit, ok := ageUnits[rest[i:i+1]]
		if !ok {
			return 0, bad
		}
		total += time.Duration(n) * unit
		rest = rest[i+1:]
	}
	if total <= 0 {
		return 0, bad
	}
	return total, nil
}

// ParsePlatforms reads --platform values: os/arch[/variant], each value
// possibly a comma-separated list.
func ParsePlatforms(values []string) ([]v1.Platform, error) {
	var out []v1.Platform
	for _, v := range values {
		for _, s := range strings.Split(v, ",") {
			s = strings.TrimSpace(s)
			if s == "" {
				continue
			}
			p, err := v1.ParsePlatform(s)
			if err != nil || p.OS == "" || p.Architecture == "" || strings.Count(s, "/") > 2 || strings.Contains(s, ":") {
				return nil, fmt.Errorf("%w: --platform %q: want os/arch[/variant], e.g. linux/arm64/v8", ErrBadSelection, s)
			}
			out = append(out, *p)
		}
	}
	return out, nil
}
