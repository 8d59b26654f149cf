package progress

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/crane-migrate/crane-migrate/report"
)

// The repository total is what was enumerated by the frame: it need not be 8.
var repoLine = regexp.MustCompile(`reg\.example/team/repo-\d\d +\d+/\d tags · [12] running`)

// TestConcurrentUse drives the bars as a run does: one enumerating
// goroutine, a pool of workers, Close at the end. Run it with -race.
func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name            string
		repos, tags     int
		workers         int
		taskTime        time.Duration // long enough, the bars redraw mid-run
		wantFinalPrefix string
	}{
		{"one repository", 1, 40, 4, 0, "tags 40/40 ["},
		{"many repositories", 12, 10, 8, 0, "tags 120/120 ["},
		{"slow tasks", 3, 8, 2, 20 * time.Millisecond, "tags 24/24 ["},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var out lockedBuffer
			d := New(&out, WithTerminal(true))
			type task struct{ repo string }
			tasks := make(chan task)
			go func() {
				defer close(tasks)
				for r := range tt.repos {
					repo := fmt.Sprintf("reg.example/team/repo-%02d", r)
					for range tt.tags {
						d.Add(repo, 1)
						tasks <- task{repo}
					}
				}
				d.EnumerationDone()
			}()
			var wg sync.WaitGroup
			var seen sync.Once
			for range tt.workers {
				wg.Go(func() {
					for tk := range tasks {
						d.Start(tk.repo)
						time.Sleep(tt.taskTime)
						if tt.taskTime > 0 {
							// On a busy machine the redraw may come after
							// every task ended: hold the first task until a
							// frame shows it, so the check below does not
							// depend on the scheduler.
							seen.Do(func() { waitForOutput(&out, repoLine, 10*time.Second) })
						}
						d.Done(tk.repo, report.Result{Status: report.StatusCopied}, 1024)
					}
				})
			}
			wg.Wait()
			d.Close()
			d.Close()

			final := lastFrame(out.String())
			if !strings.HasPrefix(final, tt.wantFinalPrefix) || !strings.Contains(final, "100%") {
				t.Errorf("final frame = %q, want %q… 100%%", final, tt.wantFinalPrefix)
			}
			if strings.Contains(final, "repo-") {
				t.Errorf("a repository line outlived its tasks: %q", final)
			}
			if tt.taskTime > 0 && !repoLine.MatchString(out.String()) {
				t.Errorf("no repository line while its tasks ran:\n%q", out.String())
			}
		})
	}
}

// waitForOutput polls out until re matches or the deadline passes.
func waitForOutput(out *lockedBuffer, re *regexp.Regexp, deadline time.Duration) {
	for end := time.Now().Add(deadline); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		if re.MatchString(out.String()) {
			return
		}
	}
}
