package progress

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/crane-migrate/crane-migrate/report"
)

// Display shows the progress of one run. It is safe for concurrent use: the
// enumerator calls Add, workers call Start and Done, and those only update
// counters under a short lock; drawing and logging happen on the Display's
// own goroutine.
type Display struct {
	clock     Clock
	start     time.Time
	out       renderer
	closeOnce sync.Once

	mu     sync.Mutex
	t      tally
	closed bool
}

// renderer is how the counts are shown: bars, log lines or nothing.
type renderer interface {
	enumerated(v view)
	close(final view)
	writer() io.Writer
}

// New starts showing progress on w (the caller passes stderr): bars if w is
// a terminal; otherwise lines on the WithLogger logger, not on w. It panics
// with ErrInvalidOption if an option is invalid.
func New(w io.Writer, opts ...Option) *Display {
	o := defaults()
	for _, opt := range opts {
		if err := opt(&o); err != nil {
			panic(fmt.Errorf("progress: %w", err))
		}
	}
	d := &Display{clock: o.clock, start: o.clock.Now()}
	terminal := isTerminal(w, os.Getenv)
	if o.terminal != nil {
		terminal = *o.terminal
	}
	switch {
	case o.quiet:
		d.out = quiet{w}
	case terminal:
		d.out = newBars(w, o.clock, d.snapshot)
	default:
		d.out = newLines(w, o.log, o.clock, o.interval, d.snapshot)
	}
	return d
}

// Add records n more tags enumerated for the destination repository repo.
func (d *Display) Add(repo string, n int) {
	d.mu.Lock()
	d.t.add(repo, n)
	d.mu.Unlock()
}

// EnumerationDone records that the total is final.
func (d *Display) EnumerationDone() {
	d.mu.Lock()
	if d.t.Enumerated || d.closed {
		d.mu.Unlock()
		return
	}
	d.t.enumerationDone()
	v := d.viewLocked()
	d.mu.Unlock()
	d.out.enumerated(v)
}

// Start records that a task of repo started.
func (d *Display) Start(repo string) {
	d.mu.Lock()
	d.t.start(repo)
	d.mu.Unlock()
}

// Done records that a task of repo ended with r, having moved bytes bytes
// (0 when unknown).
func (d *Display) Done(repo string, r report.Result, bytes int64) {
	d.mu.Lock()
	d.t.end(repo, r, bytes)
	d.mu.Unlock()
}

// Close stops showing progress, leaving the final state: a full bar, or the
// counts reached if the run stopped early. It returns once everything is
// written, so the caller can print its summary next. Calls after the first
// do nothing.
func (d *Display) Close() {
	d.closeOnce.Do(func() {
		d.mu.Lock()
		d.closed = true
		v := d.viewLocked()
		d.mu.Unlock()
		v.closed = true
		d.out.close(v)
	})
}

// Writer returns where the caller's log lines should go while the Display
// runs: on a terminal, lines written to it are printed above the bars
// instead of being torn by the next redraw; otherwise it is w itself.
func (d *Display) Writer() io.Writer {
	return d.out.writer()
}

func (d *Display) snapshot() view {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.viewLocked()
}

func (d *Display) viewLocked() view {
	return d.t.view(d.clock.Now().Sub(d.start))
}

// quiet shows nothing.
type quiet struct{ w io.Writer }

func (quiet) enumerated(view)     {}
func (quiet) close(view)          {}
func (q quiet) writer() io.Writer { return q.w }
