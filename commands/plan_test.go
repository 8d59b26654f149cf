package commands

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/crane-migrate/crane-migrate/report"
)

// TestPrintPlanList: --dry-run -v says, tag by tag, what the run would do.
func TestPrintPlanList(t *testing.T) {
	t.Parallel()
	rep := report.Report{Results: []report.Result{
		{Source: "s/app:v1", Destination: "d/app:v1", Status: report.StatusPlanned},
		{Source: "s/app:v2", Destination: "d/app:v2", Status: report.StatusPlanned, DestinationDigest: "sha256:old"},
		{Source: "s/app:v3", Destination: "d/app:v3", Status: report.StatusSkipped},
		{Source: "s/app:sha256-x.sig", Destination: "d/app:sha256-x.sig", Status: report.StatusPlanned, Signature: true},
		{Source: "s/app:v4", Destination: "d/app:v4", Status: report.StatusFailed, Error: "s/app:v4: no such tag or digest at the source"},
		{Source: "s/gone", Destination: "d/gone", Status: report.StatusFailed, Scope: report.ScopeRepository},
	}}
	var buf bytes.Buffer
	printPlanList(&buf, rep)
	want := `COPY       s/app:v1 -> d/app:v1
OVERWRITE  s/app:v2 -> d/app:v2 (destination has sha256:old)
SKIP       s/app:v3 -> d/app:v3 (already there)
COPY       s/app:sha256-x.sig -> d/app:sha256-x.sig (signature)
FAILED     s/app:v4 -> d/app:v4: no such tag or digest at the source
`
	if d := cmp.Diff(want, buf.String()); d != "" {
		t.Errorf("list (-want +got):\n%s", d)
	}
}
