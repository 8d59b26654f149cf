package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/crane-migrate/crane-migrate/e2e/harness"
	"github.com/crane-migrate/crane-migrate/report"
)

// TestSlowRepositoryHoldsUpOnlyItself: repositories are listed several at
// a time, so while one repository's tags/list hangs, the others are listed,
// copied and verified. The hung listing is released only once every other
// repository's manifest has reached the destination; were repositories
// listed one after another, that would never happen and the listing fails
// after the bound below (a 500: the run then reports it failed).
func TestSlowRepositoryHoldsUpOnlyItself(t *testing.T) {
	t.Parallel()
	src, dst := harness.MustStartRegistry(t), harness.MustStartRegistry(t)
	const others = 5
	seedImage(t, src.Host()+"/oldorg/aaa-slow:v1")
	for i := range others {
		seedImage(t, fmt.Sprintf("%s/oldorg/app%d:v1", src.Host(), i))
	}
	dstProxy := harness.MustNewProxy(t, dst.URL())
	var once sync.Once
	var released atomic.Bool
	srcProxy := harness.MustNewProxy(t, src.URL(), harness.WithFault(func(r *http.Request) *harness.Fault {
		kind, repo := harness.Classify(r)
		if kind != harness.TagsList || !strings.HasSuffix(repo, "aaa-slow") {
			return nil
		}
		var fault *harness.Fault
		once.Do(func() {
			for end := time.Now().Add(20 * time.Second); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
				if dstProxy.Count(harness.ManifestPut, "") >= others {
					released.Store(true)
					return
				}
			}
			fault = &harness.Fault{Status: http.StatusInternalServerError}
		})
		return fault
	}))
	r := cli(t, nil, "org", srcProxy.Host()+"/oldorg", dstProxy.Host()+"/neworg", "--jobs", "2").expect(t, 0)
	if !released.Load() {
		t.Fatal("the other repositories were not copied while one repository's listing hung")
	}
	for dst, st := range r.statuses() {
		if st != report.StatusCopied {
			t.Errorf("%s: %s, want copied", dst, st)
		}
	}
	if n := len(r.statuses()); n != others+1 {
		t.Errorf("%d results, want %d", n, others+1)
	}
}
