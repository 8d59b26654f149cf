package shard

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/crane-migrate/crane-migrate/report"
)

const (
	srcNS = "src.example/oldorg"
	dstNS = "dst.example/neworg"
)

// runOf is what a run over repos writes: two tags each, statuses mixed,
// owned by shard s (the zero Spec: an unsharded run).
func runOf(s Spec, repos []string) report.Report {
	var c report.Collector
	var owned []string
	statuses := []report.Status{report.StatusCopied, report.StatusSkipped, report.StatusFailed, report.StatusConflict}
	for i, rel := range repos {
		if !s.Owns(rel) {
			continue
		}
		owned = append(owned, rel)
		for j, tag := range []string{"v1", "v2"} {
			st := statuses[(i+j)%len(statuses)]
			c.Add(report.Result{Source: srcNS + "/" + rel + ":" + tag, Destination: dstNS + "/" + rel + ":" + tag,
				Status: st, SourceDigest: fmt.Sprintf("sha256:%064d", i*2+j), Verified: st != report.StatusFailed})
		}
		c.Repository(srcNS+"/"+rel, dstNS+"/"+rel, func(r *report.Repository) { r.Created = i%2 == 0 })
	}
	rep := c.Report()
	rep.Summary.Repositories = len(owned)
	rep.Summary.BytesUploaded = int64(100 * len(owned))
	rep.Summary.Mounts = int64(len(owned))
	rep.Summary.Seconds = float64(len(owned))
	return rep
}

// shards runs repos as n shards and returns their reports as inputs.
func shards(repos []string, n int) []Input {
	var in []Input
	for i := range n {
		s := Spec{i, n}
		in = append(in, Input{Name: fmt.Sprintf("shard-%d.json", i), Report: runOf(s, repos), Shard: s.Info(s.Filter(repos))})
	}
	return in
}

func TestMergeEqualsOneRun(t *testing.T) {
	repos := names(45, 7)
	single := runOf(Spec{}, repos)
	for _, n := range []int{1, 2, 4, 9} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			in := shards(repos, n)
			got, err := Merge(in)
			if err != nil {
				t.Fatal(err)
			}
			want := single
			want.Summary.Seconds = 0
			for _, i := range in {
				want.Summary.Seconds = max(want.Summary.Seconds, i.Report.Summary.Seconds)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("merged report differs from one run's (-one run +merged):\n%s", diff)
			}
		})
	}
}

func TestMergeKeepsANamespaceFailureOnce(t *testing.T) {
	in := shards(names(10, 8), 3)
	fail := report.Result{Source: srcNS, Destination: dstNS, Status: report.StatusFailed, Error: "listing: 500"}
	for i := range in {
		in[i].Report.Results = append(in[i].Report.Results, fail)
	}
	got, err := Merge(in)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range got.Results {
		if cmp.Equal(r, fail) {
			n++
		}
	}
	if n != 1 {
		t.Errorf("the namespace's failure is in the merged report %d times, want 1", n)
	}
}

func TestMergeRefuses(t *testing.T) {
	repos := names(30, 9)
	for _, tc := range []struct {
		name  string
		edit  func([]Input) []Input
		err   error
		names []string // what the message must name
	}{
		{name: "a shard missing", edit: func(in []Input) []Input { return append(in[:1], in[2:]...) },
			err: ErrMissing, names: []string{"1/4"}},
		{name: "two shards missing", edit: func(in []Input) []Input { return in[:2] }, err: ErrMissing, names: []string{"2/4, 3/4"}},
		{name: "a shard twice", edit: func(in []Input) []Input {
			again := in[2]
			again.Name = "retry.json"
			return append(in, again)
		}, err: ErrDuplicate, names: []string{"2/4", "shard-2.json", "retry.json"}},
		{name: "another count", edit: func(in []Input) []Input {
			in[3].Shard = &report.ShardInfo{Index: 3, Count: 5}
			return in
		}, err: ErrCount, names: []string{"shard-3.json", "3/5"}},
		{name: "not a shard", edit: func(in []Input) []Input { in[1].Shard = nil; return in }, err: ErrNotShard, names: []string{"shard-1.json"}},
		{name: "a repository of another shard", edit: func(in []Input) []Input {
			in[0].Shard.Repositories = append(in[0].Shard.Repositories, in[1].Shard.Repositories[0])
			return in
		}, err: ErrOverlap, names: []string{"shard-0.json", "shard 1/4 owns"}},
		{name: "a tag twice", edit: func(in []Input) []Input {
			in[0].Report.Results = append(in[0].Report.Results, in[1].Report.Results[0])
			return in
		}, err: ErrOverlap, names: []string{"shard-0.json", "shard-1.json"}},
		{name: "nothing", edit: func([]Input) []Input { return nil }, err: ErrNoReport},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Merge(tc.edit(shards(repos, 4)))
			if !errors.Is(err, tc.err) {
				t.Fatalf("error %v, want %v", err, tc.err)
			}
			for _, s := range tc.names {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not name %q", err, s)
				}
			}
		})
	}
}

func TestMergeAddsPullPlans(t *testing.T) {
	in := shards(names(8, 10), 2)
	in[0].Report.PullPlan = &report.PullPlan{Needed: 3, Quota: &report.Quota{Registry: "docker.io", Limit: 100, Remaining: 60}}
	in[1].Report.PullPlan = &report.PullPlan{Needed: 4, UnknownIndexes: 1, Quota: &report.Quota{Registry: "docker.io", Limit: 100, Remaining: 55}}
	got, err := Merge(in)
	if err != nil {
		t.Fatal(err)
	}
	want := &report.PullPlan{Needed: 7, UnknownIndexes: 1, Quota: &report.Quota{Registry: "docker.io", Limit: 100, Remaining: 55}}
	if diff := cmp.Diff(want, got.PullPlan); diff != "" {
		t.Error(diff)
	}
}

func TestRead(t *testing.T) {
	in := shards(names(6, 11), 2)
	doc := func(i Input) []byte {
		b, err := json.Marshal(document{Report: i.Report, Shard: i.Shard})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, doc(in[0]), "", "  "); err != nil {
		t.Fatal(err)
	}
	t.Run("a report file", func(t *testing.T) {
		got, err := Read("r.json", &pretty)
		if err != nil || len(got) != 1 || got[0].Name != "r.json" {
			t.Fatalf("Read = %+v, %v", got, err)
		}
		if diff := cmp.Diff(in[0].Shard, got[0].Shard); diff != "" {
			t.Error(diff)
		}
	})
	t.Run("pods' logs, a report as each one's last line", func(t *testing.T) {
		log := strings.Join([]string{
			`{"level":"info","msg":"copied","summary":{"total":1}}`,
			"time=now level=warning msg=slow",
			string(doc(in[0])),
			`{"level":"info","msg":"done"}`,
			string(doc(in[1])),
		}, "\n")
		got, err := Read("stdin", strings.NewReader(log))
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].Name != "stdin:3" || got[1].Name != "stdin:5" || got[1].Shard.Index != 1 {
			t.Fatalf("Read found %+v", got)
		}
		if _, err := Merge(got); err != nil {
			t.Error(err)
		}
	})
	t.Run("no report", func(t *testing.T) {
		_, err := Read("empty.log", strings.NewReader("level=info msg=hello\n{\"level\":\"info\"}\n"))
		if !errors.Is(err, ErrNoReport) || !strings.Contains(err.Error(), "empty.log") {
			t.Errorf("error %v, want ErrNoReport naming the input", err)
		}
	})
}
