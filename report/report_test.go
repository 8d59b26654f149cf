package report_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/crane-migrate/crane-migrate/report"
)

func TestSummaryAndOK(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		results []report.Result
		want    report.Summary
		ok      bool
	}{
		{"all copied", []report.Result{{Status: report.StatusCopied, Verified: true}, {Status: report.StatusSkipped, Verified: true}},
			report.Summary{Total: 2, Copied: 1, Skipped: 1, Verified: 2}, true},
		{"a failure", []report.Result{{Status: report.StatusCopied}, {Status: report.StatusFailed, Error: "boom"}},
			report.Summary{Total: 2, Copied: 1, Failed: 1}, false},
		{"pending after a limit", []report.Result{{Status: report.StatusPending}}, report.Summary{Total: 1, Pending: 1}, false},
		{"conflict", []report.Result{{Status: report.StatusConflict}}, report.Summary{Total: 1, Conflicts: 1}, false},
		{"signatures apart", []report.Result{{Status: report.StatusCopied}, {Status: report.StatusCopied, Signature: true}},
			report.Summary{Total: 1, Copied: 1, Signatures: 1}, true},
		{"a failed signature still fails, counted apart from tags", []report.Result{{Status: report.StatusFailed, Signature: true}},
			report.Summary{Signatures: 1, SignaturesFailed: 1}, false},
		{"a signature not started", []report.Result{{Status: report.StatusPending, Signature: true}},
			report.Summary{Signatures: 1, SignaturesPending: 1}, false},
		{"a repository that failed to list is no tag", []report.Result{{Status: report.StatusFailed, Scope: report.ScopeNamespace}},
			report.Summary{RepositoriesFailed: 1}, false},
		{"a repository left unlisted", []report.Result{{Status: report.StatusPending, Scope: report.ScopeRepository}},
			report.Summary{RepositoriesPending: 1}, false},
		{"an overwrite", []report.Result{{Status: report.StatusCopied, Overwritten: "sha256:old", Verified: true}},
			report.Summary{Total: 1, Copied: 1, Overwritten: 1, Verified: 1}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var c report.Collector
			for _, r := range tt.results {
				c.Add(r)
			}
			rep := c.Report()
			if d := cmp.Diff(tt.want, rep.Summary); d != "" {
				t.Errorf("summary (-want +got):\n%s", d)
			}
			if rep.OK() != tt.ok {
				t.Errorf("OK = %v, want %v", rep.OK(), tt.ok)
			}
		})
	}
}

func TestJSONShape(t *testing.T) {
	t.Parallel()
	var c report.Collector
	c.Add(report.Result{Source: "a/b:1", Destination: "c/b:1", Status: report.StatusCopied, SourceDigest: "sha256:x",
		DestinationDigest: "sha256:x", Platforms: []string{"linux/amd64"}, Verified: true})
	var buf bytes.Buffer
	if err := c.Report().WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	res := doc["results"].([]any)[0].(map[string]any)
	for _, key := range []string{"source", "destination", "status", "sourceDigest", "destinationDigest", "platforms", "verified"} {
		if _, ok := res[key]; !ok {
			t.Errorf("result lacks %q: %s", key, buf.String())
		}
	}
	if _, ok := doc["summary"].(map[string]any)["copied"]; !ok {
		t.Errorf("summary lacks counts: %s", buf.String())
	}
	var sum bytes.Buffer
	c.Report().PrintSummary(&sum)
	if !strings.HasPrefix(sum.String(), "1 tag: 1 copied") {
		t.Errorf("summary line %q", sum.String())
	}
}
