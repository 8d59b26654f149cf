package e2e

import (
	"bufio"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/crane-migrate/crane-migrate/e2e/harness"
	"github.com/crane-migrate/crane-migrate/report"
)

// numbers are the counts one place of a run's output states. Each place
// is read into them the same way, so that any two can be compared.
type numbers struct {
	Tags, Copied, Skipped, Failed, Planned, Verified, Pending, Overwritten int
	Signatures, SignaturesFailed, SignaturesPending                        int
	RepositoriesFailed                                                     int
}

// fromReport is what the JSON report's summary says.
func fromReport(s report.Summary) numbers {
	return numbers{Tags: s.Total, Copied: s.Copied, Skipped: s.Skipped, Failed: s.Failed, Planned: s.Planned,
		Verified: s.Verified, Pending: s.Pending, Overwritten: s.Overwritten, Signatures: s.Signatures,
		SignaturesFailed: s.SignaturesFailed, SignaturesPending: s.SignaturesPending, RepositoriesFailed: s.RepositoriesFailed}
}

var (
	summaryHead = regexp.MustCompile(`^(\d+) tags?: (\d+) copied, (\d+) skipped, (\d+) failed, (\d+) planned, (\d+) verified`)
	summaryPart = regexp.MustCompile(`(\d+) (overwritten|not started|signature and attestation tags?|(?:repository|repositories) failed to list)`)
	signatures  = regexp.MustCompile(`\(\+(\d+) signature and attestation tags?((?:, \d+ [a-z ]+?)*)\)`)
)

// fromSummary is what the summary's first line says: "5 tags: 3 copied, …
// (+2 signature and attestation tags, 1 failed); 1 repository failed to list".
func fromSummary(t *testing.T, stdout string) numbers {
	t.Helper()
	var line string
	for _, l := range strings.Split(stdout, "\n") {
		if summaryHead.MatchString(l) {
			line = l
		}
	}
	m := summaryHead.FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("no summary line in:\n%s", stdout)
	}
	n := numbers{Tags: atoi(m[1]), Copied: atoi(m[2]), Skipped: atoi(m[3]), Failed: atoi(m[4]), Planned: atoi(m[5]), Verified: atoi(m[6])}
	rest := line[len(m[0]):]
	if sm := signatures.FindStringSubmatch(rest); sm != nil {
		n.Signatures = atoi(sm[1])
		for _, p := range summaryPart.FindAllStringSubmatch(sm[2], -1) {
			switch p[2] {
			case "not started":
				n.SignaturesPending = atoi(p[1])
			}
		}
		if fm := regexp.MustCompile(`(\d+) failed`).FindStringSubmatch(sm[2]); fm != nil {
			n.SignaturesFailed = atoi(fm[1])
		}
		rest = strings.Replace(rest, sm[0], "", 1)
	}
	for _, p := range summaryPart.FindAllStringSubmatch(rest, -1) {
		switch p[2] {
		case "overwritten":
			n.Overwritten = atoi(p[1])
		case "not started":
			n.Pending = atoi(p[1])
		case "repository failed to list", "repositories failed to list":
			n.RepositoriesFailed = atoi(p[1])
		}
	}
	return n
}

// fromProgress is what the last progress line of a --log-format json log
// says ("finished" or "interrupted").
func fromProgress(t *testing.T, stderr string) numbers {
	t.Helper()
	var last map[string]any
	sc := bufio.NewScanner(strings.NewReader(stderr))
	for sc.Scan() {
		var l map[string]any
		if json.Unmarshal(sc.Bytes(), &l) != nil {
			continue
		}
		if l["msg"] == "finished" || l["msg"] == "interrupted" {
			last = l
		}
	}
	if last == nil {
		t.Fatalf("no final progress line in:\n%s", stderr)
	}
	get := func(k string) int {
		f, _ := last[k].(float64)
		return int(f)
	}
	return numbers{Tags: get("total"), Copied: get("copied"), Skipped: get("skipped"), Failed: get("failed"), Planned: get("planned"),
		Verified: get("verified"), Pending: get("pending"), Overwritten: get("overwritten"), Signatures: get("signatures"),
		SignaturesFailed: get("signaturesFailed"), SignaturesPending: get("signaturesPending"), RepositoriesFailed: get("repositoriesFailed")}
}

// fromTable adds up a dry run's table: planned is copy plus overwrite.
func fromTable(t *testing.T, stdout string) (planned, skipped, failed, sigs int, ok bool) {
	t.Helper()
	rows := strings.Split(stdout, "\n")
	for i, l := range rows {
		if !strings.HasPrefix(l, "repository ") {
			continue
		}
		for _, row := range rows[i+1:] {
			f := strings.Fields(row)
			if len(f) < 8 || strings.HasPrefix(row, "source ") {
				return planned, skipped, failed, sigs, true
			}
			planned += atoi(f[1]) + atoi(f[2])
			skipped += atoi(f[3])
			sigs += atoi(f[6])
			failed += atoi(f[7])
		}
		return planned, skipped, failed, sigs, true
	}
	return 0, 0, 0, 0, false
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// TestConsistency: in every mode, the summary line, the JSON report's
// summary, the last progress line and the exit code tell one story (and a
// dry run's table adds up to it): signature tags and repositories that
// failed to list counted apart from tags, the same way in each.
func TestConsistency(t *testing.T) {
	t.Parallel()
	src, dst := harness.MustStartRegistry(t), harness.MustStartRegistry(t)
	s, d := src.Host(), dst.Host()
	app := seedImage(t, s+"/oldorg/app:v1")
	seedImage(t, s+"/oldorg/app:v2")
	seedImage(t, s+"/oldorg/web:1.0")
	seedImage(t, s+"/oldorg/web:1.1")
	// A cosign signature tag: it follows its image and is counted apart.
	if err := harness.Tag(ctx, s+"/oldorg/web:1.0", s+"/oldorg/app:sha256-"+app.Hex+".sig"); err != nil {
		t.Fatal(err)
	}
	seedImage(t, d+"/copied/app:v1") // another digest: an overwrite
	limited := harness.MustNewProxy(t, src.URL(), harness.WithPullLimit(2, 30*time.Second))

	tests := []struct {
		name  string
		setup func(t *testing.T)
		args  []string
		code  int
		want  numbers // of the report; the others must agree with it
	}{
		{name: "dry run", args: []string{"org", s + "/oldorg", d + "/planned", "--dry-run"},
			want: numbers{Tags: 4, Planned: 4, Signatures: 1}},
		{name: "migration with an overwrite", args: []string{"org", s + "/oldorg", d + "/copied"},
			want: numbers{Tags: 4, Copied: 4, Verified: 4, Overwritten: 1, Signatures: 1}},
		{name: "verify", setup: func(t *testing.T) { cli(t, nil, "org", s+"/oldorg", d+"/verified").expect(t, 0) },
			args: []string{"verify", "--org", s + "/oldorg", d + "/verified"},
			want: numbers{Tags: 5, Verified: 5}}, // verify compares the signature tag as a tag
		{name: "verify before the migration", args: []string{"verify", "--org", s + "/oldorg", d + "/nothing"},
			code: 1, want: numbers{Tags: 5, Failed: 5}},
		{name: "a tag that does not exist", args: []string{"copy", s + "/oldorg/app:nosuch", d + "/neworg/app:nosuch"},
			code: 1, want: numbers{Tags: 1, Failed: 1}},
		{name: "a namespace that does not exist", args: []string{"org", s + "/oldrog", d + "/neworg"},
			code: 1, want: numbers{RepositoriesFailed: 1}},
		{name: "dry run of a namespace that does not exist", args: []string{"org", s + "/oldrog", d + "/neworg", "--dry-run"},
			code: 1, want: numbers{RepositoriesFailed: 1}},
		{name: "a repository that does not exist", args: []string{"repo", s + "/oldorg/nosuch", d + "/neworg/nosuch"},
			code: 1, want: numbers{RepositoriesFailed: 1}},
		{name: "pull limit", args: []string{"repo", limited.Host() + "/oldorg/web", d + "/limited/web", "--jobs", "1"},
			setup: func(t *testing.T) {
				for _, tag := range []string{"1.2", "1.3"} {
					seedImage(t, s+"/oldorg/web:"+tag)
				}
			},
			code: 3, want: numbers{Tags: 4, Copied: 2, Verified: 2, Pending: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.setup != nil {
				tt.setup(t)
			}
			r := cli(t, nil, append(tt.args, "--log-format", "json")...).expect(t, tt.code)
			got := fromReport(r.report.Summary)
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("report summary (-want +got):\n%s\nstdout:\n%s", d, r.stdout)
			}
			if d := cmp.Diff(got, fromSummary(t, r.stdout)); d != "" {
				t.Errorf("the summary line disagrees with the report (-report +summary line):\n%s\nstdout:\n%s", d, r.stdout)
			}
			if d := cmp.Diff(got, fromProgress(t, r.stderr)); d != "" {
				t.Errorf("the last progress line disagrees with the report (-report +progress):\n%s\nstderr:\n%s", d, r.stderr)
			}
			attention := got.Failed+got.SignaturesFailed+got.RepositoriesFailed+got.Pending+got.SignaturesPending > 0
			if attention != (tt.code != 0) {
				t.Errorf("exit code %d with %+v", tt.code, got)
			}
			if planned, skipped, failed, sigs, ok := fromTable(t, r.stdout); ok {
				if planned != got.Planned || skipped != got.Skipped || failed != got.Failed || sigs != got.Signatures {
					t.Errorf("the plan's table adds up to %d planned, %d skipped, %d failed, %d signatures; the report says %+v\n%s",
						planned, skipped, failed, sigs, got, r.stdout)
				}
			} else if strings.Contains(strings.Join(tt.args, " "), "--dry-run") {
				t.Errorf("no table in the dry run's output:\n%s", r.stdout)
			}
			if got.Overwritten > 0 && !strings.Contains(r.stderr, `"msg":"overwritten"`) {
				t.Errorf("no overwritten line in the log of a run that overwrote a tag:\n%s", r.stderr)
			}
			if got.Tags+got.Signatures == 0 && r.report.Summary.Repositories != 0 {
				t.Errorf("no tag, yet %d repositories migrated", r.report.Summary.Repositories)
			}
			if got.Failed+got.RepositoriesFailed > 0 && !strings.Contains(r.stderr, `"msg":"failed"`) {
				t.Errorf("no structured failure line in the JSON log:\n%s", r.stderr)
			}
		})
	}
}
