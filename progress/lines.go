package progress

import (
	"io"
	"sync/atomic"
	"time"

	"github.com/sirupsen/logrus"
)

// lines logs the counts as structured lines: where nothing can be redrawn,
// a line at most every interval, one when enumeration ends and one at the end.
type lines struct {
	w        io.Writer
	log      logrus.FieldLogger
	clock    Clock
	interval time.Duration
	snapshot func() view
	logged   atomic.Uint64 // version of the counts last logged
	stop     chan struct{}
	stopped  chan struct{}
}

func newLines(w io.Writer, log logrus.FieldLogger, clock Clock, interval time.Duration, snapshot func() view) *lines {
	l := &lines{w: w, log: log, clock: clock, interval: interval, snapshot: snapshot,
		stop: make(chan struct{}), stopped: make(chan struct{})}
	go l.run()
	return l
}

func (l *lines) run() {
	defer close(l.stopped)
	for {
		tick := l.clock.After(l.interval)
		select {
		case <-tick:
			l.tick()
		case <-l.stop:
			return
		}
	}
}

// tick logs unless nothing changed and nothing is running: a line while a
// long copy runs shows the job is alive, a line while idle says nothing.
func (l *lines) tick() {
	v := l.snapshot()
	if v.version == l.logged.Load() && v.Running == 0 {
		return
	}
	l.line("progress", v)
}

func (l *lines) line(msg string, v view) {
	l.logged.Store(v.version)
	l.log.WithFields(v.fields()).Info(msg)
}

func (l *lines) enumerated(v view) { l.line("enumeration complete", v) }

func (l *lines) close(v view) {
	close(l.stop)
	<-l.stopped
	msg := "finished"
	if !v.complete() {
		msg = "interrupted"
	}
	l.line(msg, v)
}

func (l *lines) writer() io.Writer { return l.w }
