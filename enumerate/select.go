package enumerate

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/crane-migrate/crane-migrate/verify"
	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// Selection chooses a repository's tags. Its filters apply in one order,
// each to what the previous ones kept:
//
//  1. name: --exclude, then --include (Filter);
//  2. platform: a tag whose listing names images, none of them a wanted
//     platform, is dropped (an index keeps its matching platforms: package
//     copy filters its manifest); a tag whose listing names none passes,
//     and the engine decides once it has read the manifest;
//  3. dates, from the Docker Hub listing: --min-age, --pushed-since,
//     --pulled-since (a tag never pulled fails it);
//  4. count: --keep-latest N keeps the N most recently pushed of what is
//     left (ties: by name), across the repository's whole listing.
//
// Signature, attestation and fallback tags are no part of it: they follow
// the images kept (package migrate).
type Selection struct {
	Filter      Filter
	Platforms   []v1.Platform
	PushedSince time.Time
	PulledSince time.Time
	MinAge      time.Duration
	KeepLatest  int
	// Now is the time --min-age counts from. Default (zero): when the
	// check runs.
	Now time.Time
}

// NeedsDates says whether a filter reads dates, which only a Docker Hub
// listing carries.
func (s Selection) NeedsDates() bool {
	return !s.PushedSince.IsZero() || !s.PulledSince.IsZero() || s.MinAge > 0 || s.KeepLatest > 0
}

// Verdict is one tag's fate: kept, or dropped by Filter for Detail.
type Verdict struct {
	Keep   bool
	Filter string // the flag that dropped it: "--exclude", "--pushed-since"…
	Detail string // why, with the tag's own value: "pushed 2024-01-02"
}

// String is the verdict as the report shows it: "kept", or
// "dropped: --pushed-since 2024-03-01 (pushed 2024-01-02)".
func (v Verdict) String() string {
	if v.Keep {
		return "kept"
	}
	return "dropped: " + v.Filter + " (" + v.Detail + ")"
}

var kept = Verdict{Keep: true}

func drop(filter, format string, args ...any) Verdict {
	return Verdict{Filter: filter, Detail: fmt.Sprintf(format, args...)}
}

// Check applies steps 1 to 3 to one tag.
func (s Selection) Check(t Tag) Verdict {
	if v := s.Filter.verdict(t.Name); !v.Keep {
		return v
	}
	if v := s.platform(t); !v.Keep {
		return v
	}
	return s.dates(t)
}

func (s Selection) platform(t Tag) Verdict {
	if len(s.Platforms) == 0 {
		return kept
	}
	var have []string
	for _, im := range t.Images {
		if im.Platform == nil || verify.IsAttestation(im.Platform) {
			continue
		}
		if MatchPlatform(*im.Platform, s.Platforms) {
			return kept
		}
		have = append(have, verify.Platform(im.Platform))
	}
	if len(have) == 0 {
		return kept // the listing does not say: the engine decides
	}
	return drop("--platform "+PlatformsString(s.Platforms), "has %s", strings.Join(have, ", "))
}

func (s Selection) dates(t Tag) Verdict {
	if !s.NeedsDates() {
		return kept
	}
	if !t.Dated {
		return drop(s.dateFlag(), "the listing has no dates")
	}
	now := cmp.Or(s.Now, time.Now())
	pushed := "pushed " + day(t.Pushed)
	if t.Pushed.IsZero() {
		pushed = "no push date in the listing"
	}
	switch {
	case s.MinAge > 0 && (t.Pushed.IsZero() || now.Sub(t.Pushed) < s.MinAge):
		return drop("--min-age "+s.MinAge.String(), "%s", pushed)
	case !s.PushedSince.IsZero() && (t.Pushed.IsZero() || t.Pushed.Before(s.PushedSince)):
		return drop("--pushed-since "+day(s.PushedSince), "%s", pushed)
	case !s.PulledSince.IsZero() && t.Pulled.IsZero():
		return drop("--pulled-since "+day(s.PulledSince), "never pulled")
	case !s.PulledSince.IsZero() && t.Pulled.Before(s.PulledSince):
		return drop("--pulled-since "+day(s.PulledSince), "pulled %s", day(t.Pulled))
	}
	return kept
}

// dateFlag names the first date filter given, for a listing without dates.
func (s Selection) dateFlag() string {
	switch {
	case s.MinAge > 0:
		return "--min-age"
	case !s.PushedSince.IsZero():
		return "--pushed-since"
	case !s.PulledSince.IsZero():
		return "--pulled-since"
	}
	return "--keep-latest"
}

// Latest applies step 4 to tags that passed Check: the KeepLatest most
// recently pushed, newest first, and a verdict for each one dropped. It
// sorts by the dates, not by the listing's order, which is the server's.
// Without KeepLatest every tag is kept, in the order given.
func (s Selection) Latest(tags []Tag) (keep []Tag, dropped []Tag, verdicts []Verdict) {
	if s.KeepLatest <= 0 || len(tags) <= s.KeepLatest {
		return tags, nil, nil
	}
	sorted := slices.Clone(tags)
	slices.SortStableFunc(sorted, func(a, b Tag) int {
		if c := b.Pushed.Compare(a.Pushed); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
	for i, t := range sorted[s.KeepLatest:] {
		dropped = append(dropped, t)
		verdicts = append(verdicts, drop(fmt.Sprintf("--keep-latest %d", s.KeepLatest), "%s newest, pushed %s", ordinal(s.KeepLatest+i+1), day(t.Pushed)))
	}
	return sorted[:s.KeepLatest], dropped, verdicts
}

// day shows a date as the user gave it: the day, or the instant when it
// has a time of day.
func day(t time.Time) string {
	t = t.UTC()
	if t.Equal(t.Truncate(24 * time.Hour)) {
		return t.Format(time.DateOnly)
	}
	return t.Format(time.RFC3339)
}

func ordinal(n int) string {
	suffix := "th"
	switch {
	case n%100 >= 11 && n%100 <= 13:
	case n%10 == 1:
		suffix = "st"
	case n%10 == 2:
		suffix = "nd"
	case n%10 == 3:
		suffix = "rd"
	}
	return fmt.Sprintf("%d%s", n, suffix)
}

// MatchPlatform says whether p is one of want: os and architecture equal,
// and the variant too when the wanted one names it (linux/arm64 takes
// linux/arm64/v8), as go-containerregistry's Platform.Satisfies reads it.
func MatchPlatform(p v1.Platform, want []v1.Platform) bool {
	for _, w := range want {
		if p.OS == w.OS && p.Architecture == w.Architecture && (w.Variant == "" || p.Variant == w.Variant) {
			return true
		}
	}
	return false
}

// PlatformsString renders platforms sorted and comma-separated: the same
// set always gives the same string.
func PlatformsString(ps []v1.Platform) string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = verify.Platform(&p)
	}
	slices.Sort(out)
	return strings.Join(slices.Compact(out), ",")
}
