package commands

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"

	"github.com/crane-migrate/crane-migrate/report"
	"github.com/crane-migrate/crane-migrate/shard"
)

// runCommand runs one command outside the app's list (as newApp does with
// its own) and returns the exit code and output.
func runCommand(t *testing.T, cmd *cli.Command, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	app := &cli.App{Name: "crane-migrate", Writer: &out, ErrWriter: &errb, Reader: strings.NewReader(stdin),
		Commands: []*cli.Command{cmd}, ExitErrHandler: func(*cli.Context, error) {}}
	return exitCode(app.Run(interspersed(app, append([]string{"crane-migrate"}, args...))), &errb), out.String(), errb.String()
}

// shardReport writes shard i of n's report of repos, each tag with status st.
func shardReport(t *testing.T, dir string, i, n int, repos []string, st report.Status, kind report.Kind) string {
	t.Helper()
	s := shard.Spec{Index: i, Count: n}
	var c report.Collector
	for _, r := range s.Filter(repos) {
		c.Add(report.Result{Source: "src.example/oldorg/" + r + ":v1", Destination: "dst.example/neworg/" + r + ":v1", Status: st, Kind: kind})
	}
	doc := struct {
		report.Report
		Shard *report.ShardInfo `json:"shard"`
	}{c.Report(), s.Info(s.Filter(repos))}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "shard-"+string(rune('0'+i))+".json")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestReportMergeExitCodes(t *testing.T) {
	repos := []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"}
	for _, tc := range []struct {
		name   string
		last   report.Status // shard 2's status
		kind   report.Kind
		code   int
		stderr string
	}{
		{name: "all copied", last: report.StatusCopied, code: exitOK},
		{name: "a failure", last: report.StatusFailed, code: exitFailures},
		{name: "a conflict", last: report.StatusConflict, code: exitFailures},
		{name: "the pull limit", last: report.StatusPending, kind: report.KindPullLimit, code: exitPullLimit, stderr: "after the window"},
		{name: "interrupted", last: report.StatusPending, kind: report.KindInterrupted, code: exitInterrupted, stderr: "interrupted"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			var files []string
			for i := range 3 {
				st, kind := report.StatusCopied, report.Kind("")
				if i == 2 {
					st, kind = tc.last, tc.kind
				}
				files = append(files, shardReport(t, dir, i, 3, repos, st, kind))
			}
			merged := filepath.Join(dir, "merged.json")
			code, out, errs := runCommand(t, newReportCommand(&runEnv{}), "", append([]string{"report", "merge", "--report", merged}, files...)...)
			if code != tc.code || !strings.Contains(errs, tc.stderr) {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.code, out, errs)
			}
			var rep report.Report
			data, _ := os.ReadFile(merged)
			if err := json.Unmarshal(data, &rep); err != nil || rep.Summary.Total != len(repos) {
				t.Errorf("merged report %s: %v", data, err)
			}
		})
	}
}

func TestReportMergeNamesTheMissingShard(t *testing.T) {
	dir := t.TempDir()
	repos := []string{"a", "b", "c", "d", "e", "f"}
	a := shardReport(t, dir, 0, 3, repos, report.StatusCopied, "")
	c := shardReport(t, dir, 2, 3, repos, report.StatusCopied, "")
	code, _, errs := runCommand(t, newReportCommand(&runEnv{}), "", "report", "merge", a, c)
	if code != exitUsage || !strings.Contains(errs, "1/3") {
		t.Errorf("exit %d, stderr %q: want 2 naming shard 1/3", code, errs)
	}
	code, _, errs = runCommand(t, newReportCommand(&runEnv{}), "", "report", "merge", a, c, a)
	if code != exitUsage || !strings.Contains(errs, "0/3") {
		t.Errorf("exit %d, stderr %q: want 2 naming shard 0/3 given twice", code, errs)
	}
}

// TestReportMergeFromLogs reads the pods' logs on stdin, as the README's
// kubectl logs pipeline gives them.
func TestReportMergeFromLogs(t *testing.T) {
	dir := t.TempDir()
	repos := []string{"a", "b", "c", "d"}
	var log strings.Builder
	for i := range 2 {
		data, err := os.ReadFile(shardReport(t, dir, i, 2, repos, report.StatusCopied, ""))
		if err != nil {
			t.Fatal(err)
		}
		log.WriteString(`{"level":"info","msg":"starting"}` + "\n" + string(data) + "\n")
	}
	code, out, errs := runCommand(t, newReportCommand(&runEnv{}), log.String(), "report", "merge", "-o", "json", "-")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var rep report.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil || rep.Summary.Copied != 4 {
		t.Errorf("merged %+v (%v)", rep.Summary, err)
	}
}
