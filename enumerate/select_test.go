package enumerate_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/crane-migrate/crane-migrate/enumerate"
)

var now = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

func daysAgo(n int) time.Time { return now.Add(-time.Duration(n) * 24 * time.Hour) }

func image(os, arch string) v1.Descriptor {
	return v1.Descriptor{Digest: v1.Hash{Algorithm: "sha256", Hex: "0000"}, Platform: &v1.Platform{OS: os, Architecture: arch}}
}

// TestSelectionOrder: each filter applies to what the previous ones kept,
// in the documented order (names, platform, dates, count), and the verdict
// names the first filter that dropped the tag.
func TestSelectionOrder(t *testing.T) {
	t.Parallel()
	names, err := enumerate.NewFilter([]string{`^v`}, []string{`-rc`})
	if err != nil {
		t.Fatal(err)
	}
	s := enumerate.Selection{Filter: names, Platforms: []v1.Platform{{OS: "linux", Architecture: "amd64"}},
		PushedSince: daysAgo(30), PulledSince: daysAgo(10), MinAge: 24 * time.Hour, KeepLatest: 2, Now: now}
	tags := []enumerate.Tag{
		// listed oldest first: Latest must sort by date, not trust the order
		{Name: "v1", Dated: true, Pushed: daysAgo(20), Pulled: daysAgo(1)},
		{Name: "v2", Dated: true, Pushed: daysAgo(5), Pulled: daysAgo(1)},
		{Name: "v3", Dated: true, Pushed: daysAgo(3), Pulled: daysAgo(2)},
		{Name: "v4-rc", Dated: true, Pushed: daysAgo(100)},                                                // name first
		{Name: "latest", Dated: true, Pushed: daysAgo(2)},                                                 // include
		{Name: "v5", Dated: true, Pushed: daysAgo(100), Images: []v1.Descriptor{image("linux", "arm64")}}, // platform before dates
		{Name: "v6", Dated: true, Pushed: daysAgo(100), Pulled: daysAgo(1)},                               // pushed-since
		{Name: "v7", Dated: true, Pushed: daysAgo(3)},                                                     // never pulled
		{Name: "v8", Dated: true, Pushed: daysAgo(3), Pulled: daysAgo(20)},                                // pulled too long ago
		{Name: "v9", Dated: true, Pushed: now.Add(-time.Hour), Pulled: now},                               // min-age before since
		{Name: "v10", Dated: true, Pushed: daysAgo(3), Pulled: daysAgo(1), Images: []v1.Descriptor{image("linux", "amd64"), image("linux", "arm64")}},
	}
	got := map[string]string{}
	var passed []enumerate.Tag
	for _, tg := range tags {
		v := s.Check(tg)
		got[tg.Name] = v.String()
		if v.Keep {
			passed = append(passed, tg)
		}
	}
	keep, dropped, verdicts := s.Latest(passed)
	for i, tg := range dropped {
		got[tg.Name] = verdicts[i].String()
	}
	var kept []string
	for _, tg := range keep {
		kept = append(kept, tg.Name)
	}
	want := map[string]string{
		"v1":     "dropped: --keep-latest 2 (4th newest, pushed 2025-05-12T12:00:00Z)",
		"v2":     "kept",
		"v3":     "kept",
		"v4-rc":  `dropped: --exclude (matches "-rc")`,
		"latest": `dropped: --include (matches none of "^v")`,
		"v5":     "dropped: --platform linux/amd64 (has linux/arm64)",
		"v6":     "dropped: --pushed-since 2025-05-02T12:00:00Z (pushed 2025-02-21T12:00:00Z)",
		"v7":     "dropped: --pulled-since 2025-05-22T12:00:00Z (never pulled)",
		"v8":     "dropped: --pulled-since 2025-05-22T12:00:00Z (pulled 2025-05-12T12:00:00Z)",
		"v9":     "dropped: --min-age 24h0m0s (pushed 2025-06-01T11:00:00Z)",
		"v10":    "kept",
	}
	// v3 and v10 were pushed at the same time: ties go by name.
	if d := cmp.Diff([]string{"v10", "v3"}, kept); d != "" {
		t.Errorf("kept (-want +got):\n%s", d)
	}
	want["v2"] = "dropped: --keep-latest 2 (3rd newest, pushed 2025-05-27T12:00:00Z)"
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("verdicts (-want +got):\n%s", d)
	}
}

func TestSelectionWithoutDates(t *testing.T) {
	t.Parallel()
	s := enumerate.Selection{KeepLatest: 1, Now: now}
	if !s.NeedsDates() {
		t.Fatal("--keep-latest needs dates")
	}
	if v := s.Check(enumerate.Tag{Name: "v1"}); v.Keep {
		t.Errorf("a tag without dates passed a date filter: %v", v)
	}
	if (enumerate.Selection{}).NeedsDates() {
		t.Error("no filter needs no dates")
	}
	// Without --keep-latest, Latest keeps everything in the order given.
	tags := []enumerate.Tag{{Name: "b"}, {Name: "a"}}
	if keep, _, _ := (enumerate.Selection{}).Latest(tags); len(keep) != 2 || keep[0].Name != "b" {
		t.Errorf("Latest without a count: %v", keep)
	}
}

func TestMatchPlatform(t *testing.T) {
	t.Parallel()
	arm := v1.Platform{OS: "linux", Architecture: "arm64", Variant: "v8"}
	for _, tt := range []struct {
		want []v1.Platform
		ok   bool
	}{
		{[]v1.Platform{{OS: "linux", Architecture: "arm64"}}, true},
		{[]v1.Platform{{OS: "linux", Architecture: "arm64", Variant: "v8"}}, true},
		{[]v1.Platform{{OS: "linux", Architecture: "arm64", Variant: "v7"}}, false},
		{[]v1.Platform{{OS: "linux", Architecture: "amd64"}}, false},
		{[]v1.Platform{{OS: "windows", Architecture: "arm64"}}, false},
	} {
		if got := enumerate.MatchPlatform(arm, tt.want); got != tt.ok {
			t.Errorf("MatchPlatform(linux/arm64/v8, %v) = %v", tt.want, got)
		}
	}
	if got := enumerate.PlatformsString([]v1.Platform{{OS: "linux", Architecture: "arm64"}, {OS: "linux", Architecture: "amd64"}, {OS: "linux", Architecture: "amd64"}}); got != "linux/amd64,linux/arm64" {
		t.Errorf("PlatformsString = %q, want sorted and deduplicated", got)
	}
}
