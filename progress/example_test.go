package progress_test

import (
	"os"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/crane-migrate/crane-migrate/progress"
	"github.com/crane-migrate/crane-migrate/report"
)

// stoppedClock never moves, which keeps rates out of the example's output.
type stoppedClock struct{}

func (stoppedClock) Now() time.Time                       { return time.Time{} }
func (stoppedClock) After(time.Duration) <-chan time.Time { return nil }

// Where the output is not a terminal, progress is structured log lines.
func Example() {
	log := logrus.New()
	log.Out = os.Stdout
	log.Formatter = &logrus.TextFormatter{DisableTimestamp: true}
	d := progress.New(os.Stdout, progress.WithTerminal(false), progress.WithLogger(log),
		progress.WithClock(stoppedClock{}))

	const repo = "registry.example/team/app"
	d.Add(repo, 2) // the enumerating goroutine
	d.EnumerationDone()
	d.Start(repo) // the workers
	d.Done(repo, report.Result{Status: report.StatusCopied}, 4096)
	d.Start(repo)
	d.Done(repo, report.Result{Status: report.StatusSkipped}, 0)
	d.Close() // then print the summary

	// Output:
	// level=info msg="enumeration complete" copied=0 done=0 failed=0 inFlight=0 skipped=0 total=2
	// level=info msg=finished bytes=4096 copied=1 done=2 elapsed=0s failed=0 inFlight=0 skipped=1 total=2
}
