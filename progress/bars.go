package progress

import (
	"io"
	"sync/atomic"
	"time"

	"github.com/vbauerster/mpb/v8"
)

// closeRedraw paces the frames Close asks for while the bars finish.
const closeRedraw = 10 * time.Millisecond

// bars draws the counts with mpb. Its goroutine takes a view every
// refreshRate, hands it to mpb and asks for a frame (mpb's own timer is off,
// so every frame shows the latest view). The decorators read that view
// through an atomic pointer: no lock of the Display is held while mpb
// renders, and workers never wait for a redraw.
type bars struct {
	w        io.Writer
	p        *mpb.Progress
	redraw   chan any
	overall  *mpb.Bar
	repos    map[string]*mpb.Bar // touched by run, then by close once run stopped
	current  atomic.Pointer[view]
	clock    Clock
	snapshot func() view
	stop     chan struct{}
	stopped  chan struct{}
}

func newBars(w io.Writer, clock Clock, snapshot func() view) *bars {
	b := &bars{w: w, repos: map[string]*mpb.Bar{}, clock: clock, snapshot: snapshot,
		redraw: make(chan any), stop: make(chan struct{}), stopped: make(chan struct{})}
	v := snapshot()
	b.current.Store(&v)
	// The caller decided this is a terminal (detected or WithTerminal):
	// ForceTTY makes mpb agree even when w is a wrapper.
	b.p = mpb.New(mpb.WithOutput(w), mpb.WithManualRefresh(b.redraw), mpb.ForceTTY())
	b.overall = b.addOverall()
	go b.run()
	return b
}

func (b *bars) run() {
	defer close(b.stopped)
	for {
		b.sync(b.snapshot())
		select {
		case b.redraw <- nil:
		case <-b.stop:
			return
		}
		select {
		case <-b.clock.After(refreshRate):
		case <-b.stop:
			return
		}
	}
}

// sync hands v to the decorators and brings the bars in line with it: the
// overall bar's position, a line for each repository in flight.
func (b *bars) sync(v view) {
	b.current.Store(&v)
	// Created with total 0, the bar never completes by itself: done may
	// catch up with a total that enumeration is still growing.
	b.overall.SetTotal(int64(v.Total), false)
	b.overall.SetCurrent(int64(v.Done))
	for _, r := range v.repos {
		if b.repos[r.Name] == nil {
			b.repos[r.Name] = b.addRepo(r)
		}
	}
	for name, bar := range b.repos {
		if _, ok := v.repo(name); !ok {
			bar.Abort(true)
			delete(b.repos, name)
		}
	}
}

func (b *bars) enumerated(view) {} // the next sync shows it

func (b *bars) close(v view) {
	close(b.stop)
	<-b.stopped
	b.sync(v)
	for name, bar := range b.repos {
		bar.Abort(true)
		delete(b.repos, name)
	}
	if v.complete() {
		// A total of 0 would draw an empty bar; 1 of 1 draws it full.
		b.overall.SetTotal(max(int64(v.Total), 1), true)
	} else {
		b.overall.Abort(false) // stays on screen with the counts reached
	}
	b.drawUntilDone()
}

// drawUntilDone asks for frames until mpb is done: a bar is over only once
// a frame has shown it over. It paces them on the system clock, not
// b.clock, so that Close never waits for a test's fake one.
func (b *bars) drawUntilDone() {
	waited := make(chan struct{})
	go func() {
		defer close(waited)
		b.p.Wait()
	}()
	tick := time.NewTicker(closeRedraw)
	defer tick.Stop()
	for {
		select {
		case b.redraw <- nil:
			select {
			case <-tick.C:
			case <-waited:
				return
			}
		case <-waited:
			return
		}
	}
}
