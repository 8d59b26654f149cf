package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/crane-migrate/crane-migrate/e2e/harness"
	"github.com/crane-migrate/crane-migrate/report"
	"github.com/crane-migrate/crane-migrate/shard"
)

// The interface this test holds `org` to (issue 17):
//   - `org SRC_NS DST_NS --shards N` takes its index from JOB_COMPLETION_INDEX,
//     as an Indexed Job's pod does (`--shard I/N` gives it explicitly);
//   - the shard lists the whole namespace and migrates only the repositories
//     shard.Of assigns to it;
//   - its --report carries "shard": {"index", "count", "repositories"};
//   - `report merge FILE… --report OUT` writes the merged report and exits
//     with the code one unsharded run would have.

const (
	shardRepos = 44
	shardCount = 4
)

// shardProc is one shard's process, started by startShard.
type shardProc struct {
	index  int
	cmd    *exec.Cmd
	report string
	stderr bytes.Buffer
	done   chan error
}

// startShard starts shard index of shardCount as a Job's pod would run it.
func startShard(t *testing.T, index int, src, dst string) *shardProc {
	t.Helper()
	home := t.TempDir()
	p := &shardProc{index: index, report: filepath.Join(home, "report.json"), done: make(chan error, 1)}
	p.cmd = exec.Command(bin(), "org", src, dst, "--shards", fmt.Sprint(shardCount), "--report", p.report, "--jobs", "2", "-q")
	p.cmd.Env = []string{"HOME=" + home, "DOCKER_CONFIG=" + filepath.Join(home, ".docker"), "PATH=" + os.Getenv("PATH"),
		shard.IndexEnv + "=" + fmt.Sprint(index)}
	p.cmd.Stderr = &p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	return p
}

// wait waits for the shard and fails the test unless it exited 0.
func (p *shardProc) wait(t *testing.T) string {
	t.Helper()
	select {
	case err := <-p.done:
		if err != nil {
			t.Fatalf("shard %d: %v\n%s", p.index, err, p.stderr.String())
		}
	case <-time.After(cliTimeout):
		_ = p.cmd.Process.Kill()
		t.Fatalf("shard %d did not finish within %v\n%s", p.index, cliTimeout, p.stderr.String())
	}
	return p.report
}

// tagState is what the comparison keeps of a result: its destination
// without the registry and namespace, status and digests.
type tagState struct {
	Status       report.Status
	SourceDigest string
	Destination  string
}

func states(t *testing.T, rep report.Report, dstNS string) map[string]tagState {
	t.Helper()
	m := map[string]tagState{}
	for _, r := range rep.Results {
		rel, ok := strings.CutPrefix(r.Destination, dstNS+"/")
		if !ok {
			t.Fatalf("result outside %s: %+v", dstNS, r)
		}
		m[rel] = tagState{r.Status, r.SourceDigest, r.DestinationDigest}
	}
	return m
}

// puts counts the manifest PUTs under the namespace by path (repository
// and tag): more than one for a path is a tag written twice.
func puts(p *harness.Proxy, ns string) map[string]int {
	m := map[string]int{}
	for _, r := range p.Filter(func(r harness.Request) bool {
		return r.Kind == harness.ManifestPut && strings.HasPrefix(r.Repository, ns+"/")
	}) {
		m[r.Path]++
	}
	return m
}

func mergeReports(t *testing.T, files ...string) report.Report {
	t.Helper()
	out := filepath.Join(t.TempDir(), "merged.json")
	cli(t, nil, append([]string{"report", "merge", "--report", out}, files...)...).expect(t, 0)
	return readReport(t, out)
}

func TestShardedOrgEqualsOneRun(t *testing.T) {
	t.Parallel()
	src, dst := harness.MustStartRegistry(t), harness.MustStartRegistry(t)
	slowSrc := harness.MustNewProxy(t, src.URL(), harness.WithDelay(15*time.Millisecond))
	dstProxy := harness.MustNewProxy(t, dst.URL())
	var tags int
	for i := range shardRepos {
		for _, tag := range []string{"v1", "v2"}[:1+i%2] {
			seedImage(t, fmt.Sprintf("%s/oldorg/app-%02d:%s", src.Host(), i, tag))
			tags++
		}
	}

	// One unsharded run: what the shards together must equal.
	oneNS := dstProxy.Host() + "/one"
	one := cli(t, nil, "org", slowSrc.Host()+"/oldorg", oneNS, "--jobs", "2").expect(t, 0)
	want := states(t, one.report, oneNS)
	if len(want) != tags {
		t.Fatalf("the unsharded run reports %d tags, seeded %d", len(want), tags)
	}

	t.Run("four shards at once", func(t *testing.T) {
		ns := dstProxy.Host() + "/sharded"
		var procs []*shardProc
		for i := range shardCount {
			procs = append(procs, startShard(t, i, slowSrc.Host()+"/oldorg", ns))
		}
		var files []string
		owned := map[string]int{}
		for _, p := range procs {
			f := p.wait(t)
			files = append(files, f)
			var doc struct {
				report.Report
				Shard *report.ShardInfo `json:"shard"`
			}
			data, _ := os.ReadFile(f)
			if err := json.Unmarshal(data, &doc); err != nil || doc.Shard == nil || doc.Shard.Index != p.index {
				t.Fatalf("shard %d's report has no shard section of its own (%v): %.300s", p.index, err, data)
			}
			for _, r := range doc.Shard.Repositories {
				owned[r]++
			}
		}
		if len(owned) != shardRepos {
			t.Errorf("the shards owned %d repositories, the namespace has %d", len(owned), shardRepos)
		}
		for r, n := range owned {
			if n != 1 {
				t.Errorf("%s owned by %d shards", r, n)
			}
		}
		for path, n := range puts(dstProxy, "sharded") {
			if n != 1 {
				t.Errorf("%s PUT %d times", path, n)
			}
		}
		if n := len(puts(dstProxy, "sharded")); n != tags {
			t.Errorf("%d manifests PUT by the shards, want %d (one per tag)", n, tags)
		}
		got := states(t, mergeReports(t, files...), ns)
		if diff := diffStates(want, got); diff != "" {
			t.Errorf("merged shards differ from one run:\n%s", diff)
		}
	})

	t.Run("a shard killed and run again", func(t *testing.T) {
		ns := dstProxy.Host() + "/killed"
		victim := shard.Of("app-00", shardCount)
		var procs []*shardProc
		for i := range shardCount {
			procs = append(procs, startShard(t, i, slowSrc.Host()+"/oldorg", ns))
		}
		// Kill the victim once it has written its first tag, as a node lost
		// mid-run would.
		deadline := time.Now().Add(time.Minute)
		for {
			select {
			case err := <-procs[victim].done:
				t.Fatalf("shard %d ended (%v) before it wrote a tag\n%s", victim, err, procs[victim].stderr.String())
			default:
			}
			n := 0
			for path := range puts(dstProxy, "killed") {
				rel := strings.TrimPrefix(path, "/v2/killed/")
				if shard.Of(rel[:strings.Index(rel, "/manifests/")], shardCount) == victim {
					n++
				}
			}
			if n > 0 || time.Now().After(deadline) {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
		_ = procs[victim].cmd.Process.Kill()
		<-procs[victim].done
		if _, err := os.Stat(procs[victim].report); err == nil {
			t.Fatal("the killed shard wrote a report: it was not killed mid-run")
		}
		var files []string
		for i, p := range procs {
			if i != victim {
				files = append(files, p.wait(t))
			}
		}
		rerun := startShard(t, victim, slowSrc.Host()+"/oldorg", ns)
		files = append(files, rerun.wait(t))

		merged := mergeReports(t, files...)
		got := states(t, merged, ns)
		if len(got) != tags || merged.Summary.Failed != 0 || merged.Summary.Pending != 0 {
			t.Fatalf("merged after the re-run: %d tags, summary %+v", len(got), merged.Summary)
		}
		for rel, w := range want {
			g := got[rel]
			if g.SourceDigest != w.SourceDigest || g.Destination != w.Destination ||
				(g.Status != report.StatusCopied && g.Status != report.StatusSkipped) {
				t.Errorf("%s: %+v, want %+v copied or skipped", rel, g, w)
			}
		}
		for path, n := range puts(dstProxy, "killed") {
			if n != 1 {
				t.Errorf("%s PUT %d times", path, n)
			}
		}
	})
}

func diffStates(want, got map[string]tagState) string {
	var b strings.Builder
	for k, w := range want {
		if g, ok := got[k]; !ok || g != w {
			fmt.Fprintf(&b, "  %s: %+v, want %+v\n", k, got[k], w)
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok {
			fmt.Fprintf(&b, "  %s: %+v, not in the unsharded run\n", k, g)
		}
	}
	return b.String()
}
