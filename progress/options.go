package progress

import (
	"fmt"
	"io"
	"time"

	"github.com/sirupsen/logrus"
)

// DefaultInterval is the most often a progress line is logged when the
// output is not a terminal: often enough to show a CI job is alive, rarely
// enough not to drown its log.
const DefaultInterval = 10 * time.Second

// refreshRate is how often the bars take the latest counts and redraw.
const refreshRate = 150 * time.Millisecond

// Clock is the Display's time source: the start of the run, rates and ETA,
// and the cadence of its updates. Tests pass a fake one.
type Clock interface {
	Now() time.Time
	// After returns a channel that receives once d has passed.
	After(d time.Duration) <-chan time.Time
}

type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

type options struct {
	terminal *bool // nil: detect
	quiet    bool
	log      logrus.FieldLogger
	interval time.Duration
	clock    Clock
}

func defaults() options {
	l := logrus.New()
	l.Out = io.Discard
	return options{log: l, interval: DefaultInterval, clock: realClock{}}
}

// Option configures a Display.
type Option func(*options) error

// WithTerminal says whether the output is a terminal that can show bars.
// Default: detected, true when w has a file descriptor (an *os.File) that is
// a terminal and TERM is not "dumb".
func WithTerminal(on bool) Option {
	return func(o *options) error {
		o.terminal = &on
		return nil
	}
}

// WithQuiet shows nothing at all: no bars, no progress lines. Default: off.
func WithQuiet(on bool) Option {
	return func(o *options) error {
		o.quiet = on
		return nil
	}
}

// WithLogger sets where the progress lines go when the output is not a
// terminal. Default: a logger that discards them.
func WithLogger(l logrus.FieldLogger) Option {
	return func(o *options) error {
		if l == nil {
			return fmt.Errorf("nil logger: %w", ErrInvalidOption)
		}
		o.log = l
		return nil
	}
}

// WithInterval sets the most often a progress line is logged when the output
// is not a terminal. Default: DefaultInterval.
func WithInterval(d time.Duration) Option {
	return func(o *options) error {
		if d <= 0 {
			return fmt.Errorf("interval %v: %w", d, ErrInvalidOption)
		}
		o.interval = d
		return nil
	}
}

// WithClock sets the time source. Default: the system clock.
func WithClock(c Clock) Option {
	return func(o *options) error {
		if c == nil {
			return fmt.Errorf("nil clock: %w", ErrInvalidOption)
		}
		o.clock = c
		return nil
	}
}
