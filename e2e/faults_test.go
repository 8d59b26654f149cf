package e2e

import (
	"bufio"
	"bytes"
	"fmt"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/crane-migrate/crane-migrate/e2e/harness"
	"github.com/crane-migrate/crane-migrate/report"
)

// seedOrg fills oldorg with repos×tags small images and one OCI index per repo.
func seedOrg(t *testing.T, host string, repos, tags int) int {
	t.Helper()
	for r := range repos {
		for i := range tags {
			seedImage(t, fmt.Sprintf("%s/oldorg/app%d:v%d", host, r, i))
		}
		seedIndex(t, fmt.Sprintf("%s/oldorg/app%d:multi", host, r), types.OCIImageIndex)
	}
	return repos * (tags + 1)
}

// pullLimit answers TOOMANYREQUESTS to manifest GETs once budget is spent,
// as Docker Hub does; after retryAfter (when set) the budget comes back.
type pullLimit struct {
	mu         sync.Mutex
	budget     int
	left       int
	retryAfter time.Duration
	refillAt   time.Time
	refused    int
}

func (l *pullLimit) fault(r *http.Request) *harness.Fault {
	if kind, _ := harness.Classify(r); kind != harness.ManifestGet {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.left == 0 && !l.refillAt.IsZero() && time.Now().After(l.refillAt) {
		l.left = l.budget
	}
	if l.left > 0 {
		l.left--
		return nil
	}
	l.refused++
	h := http.Header{"Content-Type": {"application/json"}}
	if l.retryAfter > 0 {
		h.Set("Retry-After", fmt.Sprint(int(l.retryAfter.Seconds())))
		l.refillAt = time.Now().Add(l.retryAfter)
	}
	return &harness.Fault{Status: http.StatusTooManyRequests, Header: h,
		Body: []byte(`{"errors":[{"code":"TOOMANYREQUESTS","message":"You have reached your pull rate limit."}]}`)}
}

func (l *pullLimit) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.left = l.budget
}

// TestFaultsOrgMigrationFinishes: about 8% of requests to both registries
// answer 503 or break mid-body; the migration still finishes, every tag verified.
func TestFaultsOrgMigrationFinishes(t *testing.T) {
	t.Parallel()
	src, dst := harness.MustStartRegistry(t), harness.MustStartRegistry(t)
	n := seedOrg(t, src.Host(), 3, 4)
	var injected sync.Map
	flaky := func(side string) func(*http.Request) *harness.Fault {
		var requests atomic.Int64 // this side's, in order of arrival
		return func(r *http.Request) *harness.Fault {
			i := requests.Add(1) - 1
			switch kind, _ := harness.Classify(r); {
			case i%25 == 7:
				injected.Store(fmt.Sprint(side, i), "503")
				return &harness.Fault{Status: http.StatusServiceUnavailable, Body: []byte("upstream unavailable")}
			case i%25 == 19 && r.Method == http.MethodGet && kind != harness.Ping && kind != harness.Other:
				injected.Store(fmt.Sprint(side, i), "cut")
				return &harness.Fault{CutAfter: 10}
			}
			return nil
		}
	}
	srcProxy := harness.MustNewProxy(t, src.URL(), harness.WithFault(flaky("src")))
	dstProxy := harness.MustNewProxy(t, dst.URL(), harness.WithFault(flaky("dst")))
	r := cli(t, nil, "org", srcProxy.Host()+"/oldorg", dstProxy.Host()+"/neworg", "--jobs", "4").expect(t, 0)
	if s := r.report.Summary; s.Copied != n || s.Verified != n {
		t.Fatalf("summary %+v, want %d copied and verified", s, n)
	}
	count := 0
	injected.Range(func(any, any) bool { count++; return true })
	if count < 5 {
		t.Fatalf("only %d faults injected; the test proves nothing", count)
	}
	t.Logf("%d faults injected over %d requests", count, len(srcProxy.Requests())+len(dstProxy.Requests()))
	cli(t, nil, "verify", "--org", src.Host()+"/oldorg", dst.Host()+"/neworg").expect(t, 0)
}

// TestPullLimitStopsThenRerunFinishes: the source allows 3 manifest GETs; the
// run stops cleanly with exit 3, and a re-run after the window copies only
// what is left.
func TestPullLimitStopsThenRerunFinishes(t *testing.T) {
	t.Parallel()
	src, dst := harness.MustStartRegistry(t), harness.MustStartRegistry(t)
	for i := range 6 {
		seedImage(t, fmt.Sprintf("%s/oldorg/app:v%d", src.Host(), i))
	}
	limit := &pullLimit{budget: 3, left: 3}
	srcProxy := harness.MustNewProxy(t, src.URL(), harness.WithFault(limit.fault))
	args := []string{"repo", srcProxy.Host() + "/oldorg/app", dst.Host() + "/neworg/app", "--jobs", "1"}
	r := cli(t, nil, args...).expect(t, 3)
	if s := r.report.Summary; s.Copied != 3 || s.Pending != 3 || s.Failed != 0 {
		t.Fatalf("summary %+v, want 3 copied and 3 pending", s)
	}
	if !strings.Contains(r.stderr, "3 tags not started") || !strings.Contains(r.stderr, "6 hours") {
		t.Errorf("exit message does not say what is left and when to retry:\n%s", r.stderr)
	}

	limit.reset()
	srcProxy.Reset()
	again := cli(t, nil, args...).expect(t, 0)
	if s := again.report.Summary; s.Copied != 3 || s.Skipped != 3 {
		t.Fatalf("re-run summary %+v, want 3 copied, 3 skipped", s)
	}
	if got := srcProxy.Counts()[harness.ManifestGet]; got != 3 {
		t.Errorf("re-run source manifest GETs = %d, want 3 (only the tags left)", got)
	}
}

// TestOnRateLimitWait waits out the limit (Retry-After) and finishes.
func TestOnRateLimitWait(t *testing.T) {
	t.Parallel()
	src, dst := harness.MustStartRegistry(t), harness.MustStartRegistry(t)
	for i := range 4 {
		seedImage(t, fmt.Sprintf("%s/oldorg/app:v%d", src.Host(), i))
	}
	limit := &pullLimit{budget: 2, left: 2, retryAfter: time.Second}
	srcProxy := harness.MustNewProxy(t, src.URL(), harness.WithFault(limit.fault))
	r := cli(t, nil, "repo", srcProxy.Host()+"/oldorg/app", dst.Host()+"/neworg/app", "--jobs", "1", "--on-rate-limit", "wait").expect(t, 0)
	if s := r.report.Summary; s.Copied != 4 || s.Verified != 4 {
		t.Fatalf("summary %+v, want 4 copied", s)
	}
	limit.mu.Lock()
	refused := limit.refused
	limit.mu.Unlock()
	if refused == 0 || !strings.Contains(r.stderr, "waiting") {
		t.Errorf("the limit was never met (refused %d) or the wait not logged:\n%s", refused, r.stderr)
	}
}

// start runs the binary in the background and returns it with a channel
// that receives once a tag has been copied.
func start(t *testing.T, args ...string) (*exec.Cmd, *bytes.Buffer, <-chan struct{}, string) {
	t.Helper()
	home := t.TempDir()
	rep := filepath.Join(home, "report.json")
	cmd := exec.Command(bin(), append(args, "--report", rep)...)
	cmd.Env = []string{"HOME=" + home, "DOCKER_CONFIG=" + home}
	var out bytes.Buffer
	cmd.Stdout = &out
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	copied := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stderr)
		once := sync.Once{}
		for sc.Scan() {
			if strings.Contains(sc.Text(), "msg=copied") {
				once.Do(func() { close(copied) })
			}
		}
	}()
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	return cmd, &out, copied, rep
}

func waitCopied(t *testing.T, copied <-chan struct{}) {
	t.Helper()
	select {
	case <-copied:
	case <-time.After(60 * time.Second):
		t.Fatal("no tag copied within 60s")
	}
}

// TestInterruptThenRerun: Ctrl-C finishes what is in flight, writes the
// report, exits 130; the re-run completes the job.
func TestInterruptThenRerun(t *testing.T) {
	t.Parallel()
	src, dst := harness.MustStartRegistry(t), harness.MustStartRegistry(t)
	n := seedOrg(t, src.Host(), 2, 5)
	slow := harness.MustNewProxy(t, src.URL(), harness.WithDelay(30*time.Millisecond))
	args := []string{"org", slow.Host() + "/oldorg", dst.Host() + "/neworg", "--jobs", "2"}
	cmd, _, copied, rep := start(t, args...)
	waitCopied(t, copied)
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != 130 {
		t.Fatalf("exit %d (%v), want 130", code, err)
	}
	got := readReport(t, rep)
	if got.Summary.Copied == 0 || got.Summary.Failed != 0 || got.Summary.Copied == n {
		t.Fatalf("after Ctrl-C: %+v; want some copied, none failed, not all done", got.Summary)
	}
	again := cli(t, nil, args...).expect(t, 0)
	if s := again.report.Summary; s.Skipped != got.Summary.Copied || s.Copied+s.Skipped != n {
		t.Fatalf("re-run %+v after %+v", s, got.Summary)
	}
	cli(t, nil, "verify", "--org", src.Host()+"/oldorg", dst.Host()+"/neworg").expect(t, 0)
}

// TestKillThenRerun: kill -9 mid-run leaves no half-written tag — every tag
// at the destination verifies — and the re-run finishes the job.
func TestKillThenRerun(t *testing.T) {
	t.Parallel()
	src, dst := harness.MustStartRegistry(t), harness.MustStartRegistry(t)
	seedOrg(t, src.Host(), 2, 5)
	slow := harness.MustNewProxy(t, src.URL(), harness.WithDelay(30*time.Millisecond))
	args := []string{"org", slow.Host() + "/oldorg", dst.Host() + "/neworg", "--jobs", "3"}
	cmd, _, copied, _ := start(t, args...)
	waitCopied(t, copied)
	time.Sleep(100 * time.Millisecond) // into the middle of other pushes
	_ = cmd.Process.Kill()
	_ = cmd.Wait()

	// What the destination has must be whole: absent tags are fine, wrong
	// or incomplete ones are not.
	v := cli(t, nil, "verify", "--org", src.Host()+"/oldorg", dst.Host()+"/neworg")
	present := 0
	for _, res := range v.report.Results {
		switch {
		case res.Status == report.StatusVerified:
			present++
		case res.Kind != report.KindNotFound || res.Side != report.SideDestination:
			t.Errorf("half-written tag after kill -9: %s: %s", res.Destination, res.Error)
		}
	}
	if present == 0 {
		t.Fatal("nothing reached the destination before the kill; the test proves nothing")
	}
	cli(t, nil, args...).expect(t, 0)
	cli(t, nil, "verify", "--org", src.Host()+"/oldorg", dst.Host()+"/neworg").expect(t, 0)
}

// TestSecondInterruptAborts: Ctrl-C twice aborts the copies in flight, yet
// the report is written, nothing is failed or half written, and a re-run
// completes the job.
func TestSecondInterruptAborts(t *testing.T) {
	t.Parallel()
	src, dst := harness.MustStartRegistry(t), harness.MustStartRegistry(t)
	seedOrg(t, src.Host(), 2, 4)
	slow := harness.MustNewProxy(t, src.URL(), harness.WithDelay(100*time.Millisecond))
	args := []string{"org", slow.Host() + "/oldorg", dst.Host() + "/neworg", "--jobs", "3"}
	cmd, _, copied, rep := start(t, args...)
	waitCopied(t, copied)
	_ = cmd.Process.Signal(syscall.SIGINT)
	time.Sleep(50 * time.Millisecond)
	_ = cmd.Process.Signal(syscall.SIGINT)
	_ = cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != 130 {
		t.Fatalf("exit %d, want 130", code)
	}
	got := readReport(t, rep)
	if got.Summary.Failed != 0 || got.Summary.Pending == 0 {
		t.Fatalf("after two Ctrl-C: %+v; want pending tags and none failed", got.Summary)
	}
	cli(t, nil, args...).expect(t, 0)
	cli(t, nil, "verify", "--org", src.Host()+"/oldorg", dst.Host()+"/neworg").expect(t, 0)
}
