package hubfake_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/crane-migrate/crane-migrate/e2e/hubfake"
)

// tagDates is what a tag listing says of one tag's dates.
type tagDates struct {
	Name          string  `json:"name"`
	Digest        string  `json:"digest"`
	TagLastPushed string  `json:"tag_last_pushed"`
	TagLastPulled *string `json:"tag_last_pulled"`
	LastUpdated   string  `json:"last_updated"`
	Images        []struct {
		LastPushed string  `json:"last_pushed"`
		LastPulled *string `json:"last_pulled"`
	} `json:"images"`
}

func hubTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000Z") }

// listDates follows next from the first page of ns/repo's tags.
func (e *env) listDates(t *testing.T, query string) []tagDates {
	t.Helper()
	var out []tagDates
	for u := e.hub.URL + "/v2/namespaces/org/repositories/app/tags?" + query; u != ""; {
		a := call(t, http.MethodGet, u, "", nil)
		if a.status != http.StatusOK {
			t.Fatalf("GET %s: %d %s", u, a.status, a.body)
		}
		var p struct {
			Next    *string
			Results []tagDates
		}
		a.decode(t, &p)
		out = append(out, p.Results...)
		u = ""
		if p.Next != nil {
			u = *p.Next
		}
	}
	return out
}

// TestTagsNewestFirst: tags come newest push first, with the dates the test
// set or, without, when the fake first saw them on its clock; paging keeps
// that order, and moving a tag to another digest is a new, unpulled push.
func TestTagsNewestFirst(t *testing.T) {
	t.Parallel()
	c := newClock()
	e := newEnv(t, hubfake.WithClock(c.Now))
	for _, tag := range []string{"a", "b", "c"} {
		e.seed(t, "org/app:"+tag)
	}
	t0 := c.Now()
	jan, feb, mar := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	for _, d := range []struct {
		tag   string
		dates hubfake.TagDates
	}{
		{"a", hubfake.TagDates{Pushed: feb, Pulled: mar}},
		{"b", hubfake.TagDates{Pushed: jan}},
	} {
		if err := e.fake.SetTagDates(ctx, "org", "app", d.tag, d.dates); err != nil {
			t.Fatal(err)
		}
	}
	type row struct{ Name, Pushed, Pulled, ImagePushed, ImagePulled string }
	rows := func(ts []tagDates) []row {
		var out []row
		for _, tg := range ts {
			r := row{Name: tg.Name, Pushed: tg.TagLastPushed, Pulled: "null", ImagePushed: tg.Images[0].LastPushed, ImagePulled: "null"}
			if tg.TagLastPulled != nil {
				r.Pulled = *tg.TagLastPulled
			}
			if tg.Images[0].LastPulled != nil {
				r.ImagePulled = *tg.Images[0].LastPulled
			}
			if tg.LastUpdated != tg.TagLastPushed {
				t.Errorf("%s: last_updated %s, tag_last_pushed %s", tg.Name, tg.LastUpdated, tg.TagLastPushed)
			}
			out = append(out, r)
		}
		return out
	}
	want := []row{
		{"c", hubTime(t0), "null", hubTime(t0), "null"}, // first seen now: newest
		{"a", hubTime(feb), hubTime(mar), hubTime(feb), hubTime(mar)},
		{"b", hubTime(jan), "null", hubTime(jan), "null"},
	}
	tests := []struct {
		name, query string
		want        []row
	}{
		{"default", "", want},
		{"one a page", "page_size=1", want},
		{"ordering=last_updated", "ordering=last_updated", want},
		{"ordering=name", "ordering=name", []row{want[1], want[2], want[0]}},
		{"ordering=-name", "ordering=-name", []row{want[0], want[2], want[1]}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if d := cmp.Diff(tt.want, rows(e.listDates(t, tt.query))); d != "" {
				t.Errorf("tags (-want +got):\n%s", d)
			}
		})
	}

	// b is pushed again with another image an hour later: the newest, not pulled since.
	c.advance(time.Hour)
	e.seed(t, "org/app:b")
	got := rows(e.listDates(t, ""))
	if d := cmp.Diff([]row{{"b", hubTime(c.Now()), "null", hubTime(c.Now()), "null"}, want[0], want[1]}, got); d != "" {
		t.Errorf("after pushing b again (-want +got):\n%s", d)
	}
	// The repository's last_updated is its newest tag's push.
	var one map[string]any
	e.get(t, "/v2/namespaces/org/repositories/app", "").decode(t, &one)
	if one["last_updated"] != hubTime(c.Now()) {
		t.Errorf("repository last_updated %v, want %s", one["last_updated"], hubTime(c.Now()))
	}
}

func TestSetTagDatesRefusesWhatCannotBe(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.seed(t, "org/app:v1")
	day := time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name, repo, tag string
		dates           hubfake.TagDates
	}{
		{"no such tag", "app", "v2", hubfake.TagDates{Pushed: day}},
		{"no such repository", "ghost", "v1", hubfake.TagDates{Pushed: day}},
		{"no push date", "app", "v1", hubfake.TagDates{Pulled: day}},
		{"pulled before pushed", "app", "v1", hubfake.TagDates{Pushed: day, Pulled: day.Add(-time.Hour)}},
	}
	for _, tt := range tests {
		if err := e.fake.SetTagDates(ctx, "org", tt.repo, tt.tag, tt.dates); err == nil {
			t.Errorf("%s: SetTagDates accepted it", tt.name)
		}
	}
}
