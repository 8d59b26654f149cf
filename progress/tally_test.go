package progress

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/crane-migrate/crane-migrate/report"
)

func result(s report.Status) report.Result { return report.Result{Status: s} }

func TestTally(t *testing.T) {
	t.Parallel()
	const a, b = "reg.example/team/a", "reg.example/team/b"
	tests := []struct {
		name       string
		steps      func(*tally)
		wantCounts counts
		wantActive []string
	}{
		{
			name: "a signature tag ends counted apart from the tags, as the summary counts it",
			steps: func(t *tally) {
				t.add(a, 3)
				t.start(a)
				t.end(a, result(report.StatusCopied), 0)
				t.start(a)
				t.end(a, report.Result{Status: report.StatusFailed, Signature: true}, 0)
			},
			wantCounts: counts{Total: 2, Done: 1, Copied: 1, Signatures: 1, SigFailed: 1},
			wantActive: []string{a},
		},
		{
			name: "verified counts every tag the destination confirmed, as the summary does",
			steps: func(t *tally) {
				t.add(a, 2)
				t.end(a, report.Result{Status: report.StatusCopied, Verified: true}, 0)
				t.end(a, report.Result{Status: report.StatusSkipped, Verified: true}, 0)
			},
			wantCounts: counts{Total: 2, Done: 2, Copied: 1, Skipped: 1, Verified: 2},
		},
		{
			name:       "a repository that failed to list is no tag",
			steps:      func(t *tally) { t.end(a, report.Result{Status: report.StatusFailed, Scope: report.ScopeRepository}, 0) },
			wantCounts: counts{ReposFailed: 1},
		},
		{
			name: "an overwrite is a copy, counted as such too",
			steps: func(t *tally) {
				t.add(a, 1)
				t.start(a)
				t.end(a, report.Result{Status: report.StatusCopied, Overwritten: "sha256:old"}, 0)
			},
			wantCounts: counts{Total: 1, Done: 1, Copied: 1, Overwritten: 1},
		},
		{
			name:       "a repository shows once its first task starts",
			steps:      func(t *tally) { t.add(a, 3); t.add(b, 2); t.start(b) },
			wantCounts: counts{Total: 5, Running: 1},
			wantActive: []string{b},
		},
		{
			name: "and stays between its tasks",
			steps: func(t *tally) {
				t.add(a, 3)
				t.start(a)
				t.end(a, result(report.StatusCopied), 10)
			},
			wantCounts: counts{Total: 3, Done: 1, Copied: 1, Bytes: 10},
			wantActive: []string{a},
		},
		{
			name: "goes when its last task ends",
			steps: func(t *tally) {
				t.add(a, 2)
				t.add(b, 1)
				t.start(a)
				t.start(b)
				t.start(a)
				t.end(a, result(report.StatusCopied), 0)
				t.end(a, result(report.StatusSkipped), 0)
			},
			wantCounts: counts{Total: 3, Done: 2, Running: 1, Copied: 1, Skipped: 1},
			wantActive: []string{b},
		},
		{
			name: "keeps the order repositories started in",
			steps: func(t *tally) {
				t.add(b, 1)
				t.add(a, 1)
				t.start(b)
				t.start(a)
			},
			wantCounts: counts{Total: 2, Running: 2},
			wantActive: []string{b, a},
		},
		{
			name: "comes back when more of its tags are enumerated",
			steps: func(t *tally) {
				t.add(a, 1)
				t.start(a)
				t.end(a, result(report.StatusCopied), 0)
				t.add(a, 1)
				t.start(a)
			},
			wantCounts: counts{Total: 2, Done: 1, Running: 1, Copied: 1},
			wantActive: []string{a},
		},
		{
			name: "every status is counted; pending is not done",
			steps: func(t *tally) {
				t.add(a, 7)
				for _, s := range []report.Status{report.StatusCopied, report.StatusSkipped, report.StatusFailed,
					report.StatusPlanned, report.StatusConflict, report.StatusPending} {
					t.end(a, result(s), 0)
				}
				t.end(a, report.Result{Status: report.StatusVerified, Verified: true}, 0)
				t.enumerationDone()
			},
			wantCounts: counts{Total: 7, Done: 6, Copied: 1, Skipped: 1, Failed: 1, Planned: 1,
				Verified: 1, Conflict: 1, Pending: 1, Enumerated: true},
		},
		{
			name: "a Done without its Start does not go negative",
			steps: func(t *tally) {
				t.end(a, result(report.StatusFailed), -1)
			},
			wantCounts: counts{Done: 1, Failed: 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var ta tally
			tt.steps(&ta)
			v := ta.view(0)
			if diff := cmp.Diff(tt.wantCounts, v.counts); diff != "" {
				t.Errorf("counts (-want +got):\n%s", diff)
			}
			var active []string
			for _, r := range v.repos {
				active = append(active, r.Name)
			}
			if diff := cmp.Diff(tt.wantActive, active); diff != "" {
				t.Errorf("repositories in flight (-want +got):\n%s", diff)
			}
		})
	}
}
