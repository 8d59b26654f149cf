package copy_test

import (
	"context"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"

	"github.com/crane-migrate/crane-migrate/copy"
	"github.com/crane-migrate/crane-migrate/report"
	"github.com/crane-migrate/crane-migrate/side"
)

// sides builds the two sides of a run between loopback registries, as the
// command line does (its own transport stack per side, anonymous).
func sides(t *testing.T, src, dst string) (*side.Side, *side.Side) {
	t.Helper()
	build := func(host string, opts ...side.Option) *side.Side {
		reg, err := name.NewRegistry(host)
		if err != nil {
			t.Fatal(err)
		}
		s, err := side.New(t.Context(), reg, opts...)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	return build(src, side.WithLabel("source")), build(dst, side.WithLabel("destination"), side.WithWrite(true))
}

// drain runs e over tasks and returns every result it sent.
func drain(e *copy.Engine, tasks []copy.Task) []report.Result {
	ch := make(chan copy.Task, len(tasks))
	for _, tk := range tasks {
		ch <- tk
	}
	close(ch)
	out := make(chan report.Result)
	go func() {
		e.Run(context.Background(), context.Background(), ch, out)
		close(out)
	}()
	var col report.Collector
	for r := range out {
		col.Add(r)
	}
	return col.Report().Results
}
