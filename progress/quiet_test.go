package progress

import (
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/crane-migrate/crane-migrate/report"
)

func TestQuiet(t *testing.T) {
	t.Parallel()
	for _, terminal := range []bool{true, false} {
		t.Run(map[bool]string{true: "terminal", false: "not a terminal"}[terminal], func(t *testing.T) {
			t.Parallel()
			var out lockedBuffer
			log := logrus.New()
			log.Out = &out
			d := New(&out, WithQuiet(true), WithTerminal(terminal), WithLogger(log), WithInterval(time.Millisecond))
			d.Add("reg.example/team/a", 2)
			d.Start("reg.example/team/a")
			time.Sleep(3 * refreshRate) // time enough to draw, had it been allowed
			d.Done("reg.example/team/a", result(report.StatusCopied), 1)
			d.EnumerationDone()
			d.Done("reg.example/team/a", result(report.StatusFailed), 0)
			d.Close()
			if got := out.String(); got != "" {
				t.Errorf("quiet display wrote %q", got)
			}
			if d.Writer() != &out {
				t.Error("Writer is not the output in quiet mode")
			}
		})
	}
}
