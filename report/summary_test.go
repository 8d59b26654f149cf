package report_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/crane-migrate/crane-migrate/report"
)

// TestPrintSummaryGroupsCauses: N tags that failed the same way print one
// line with the count and the first few; different causes print apart.
func TestPrintSummaryGroupsCauses(t *testing.T) {
	t.Parallel()
	var c report.Collector
	for i := range 5 {
		src, dst := fmt.Sprintf("a/app:v%d", i), fmt.Sprintf("b/app:v%d", i)
		c.Add(report.Result{Source: src, Destination: dst, Status: report.StatusFailed, Kind: report.KindUnauthorized,
			Side: report.SideSource, Error: src + ": the source registry refused the credentials (401 Unauthorized)"})
	}
	c.Add(report.Result{Source: "a/other:v1", Destination: "b/other:v1", Status: report.StatusFailed, Kind: report.KindNotFound,
		Side: report.SideSource, Error: "a/other:v1: no such tag or digest at the source"})
	c.Add(report.Result{Source: "a/typo", Destination: "b/typo", Status: report.StatusFailed, Kind: report.KindNotFound,
		Scope: report.ScopeRepository, Side: report.SideSource, Error: "a/typo: no such repository at the source"})
	var buf bytes.Buffer
	c.Report().PrintSummary(&buf)
	got := buf.String()
	want := `6 tags: 0 copied, 0 skipped, 6 failed, 0 planned, 0 verified; 1 repository failed to list
0 repositories · 0 B uploaded · 0 blobs mounted instead · 0.0s
  FAILED   5 tags: the source registry refused the credentials (401 Unauthorized)
             a/app:v0 -> b/app:v0
             a/app:v1 -> b/app:v1
             a/app:v2 -> b/app:v2
             and 2 more (each is in the JSON report: --report FILE)
           hint: check the source's credentials: docker login HOST, or CRANE_MIGRATE_SRC_USERNAME/PASSWORD
  FAILED   a/other:v1 -> b/other:v1: no such tag or digest at the source
           hint: check that the tag or repository exists at the source
  FAILED   repository a/typo -> b/typo: no such repository at the source
           hint: check the repository's name at the source, and that the source's credentials can see it
`
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("summary (-want +got):\n%s", d)
	}
}

// TestHintFor: the same kind means another thing on each side.
func TestHintFor(t *testing.T) {
	t.Parallel()
	tests := []struct {
		res  report.Result
		want string
	}{
		{report.Result{Kind: report.KindNotFound, Side: report.SideDestination}, "run the migration first"},
		{report.Result{Kind: report.KindNotFound, Side: report.SideSource}, "exists at the source"},
		{report.Result{Kind: report.KindNotFound}, "exists at the source"},
		{report.Result{Kind: report.KindDenied, Side: report.SideDestination}, "CRANE_MIGRATE_DST_"},
		{report.Result{Kind: report.KindUnauthorized, Side: report.SideSource}, "CRANE_MIGRATE_SRC_"},
		{report.Result{Kind: report.KindCorruptBlob, Side: report.SideSource}, "check it, then run the same command again"},
	}
	for _, tt := range tests {
		if got := report.HintFor(tt.res); !strings.Contains(got, tt.want) {
			t.Errorf("HintFor(%+v) = %q, want it to say %q", tt.res, got, tt.want)
		}
	}
}

func TestPlural(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		got, want string
	}{
		{report.Plural(1, "tag"), "1 tag"},
		{report.Plural(0, "tag"), "0 tags"},
		{report.Plural(2, "tag"), "2 tags"},
		{report.Plural(1, "repository", "repositories"), "1 repository"},
		{report.Plural(3, "repository", "repositories"), "3 repositories"},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

// TestTrouble: the tail the summary and the progress display both print
// after a count of signature tags.
func TestTrouble(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		failed, pending int
		want            string
	}{
		{0, 0, ""},
		{2, 0, ", 2 failed"},
		{0, 1, ", 1 not started"},
		{2, 1, ", 2 failed, 1 not started"},
	} {
		if got := report.Trouble(tt.failed, tt.pending); got != tt.want {
			t.Errorf("Trouble(%d, %d) = %q, want %q", tt.failed, tt.pending, got, tt.want)
		}
	}
}
