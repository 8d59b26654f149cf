package copy

import (
	"errors"
	"io"

	"github.com/crane-migrate/crane-migrate/pulls"
	"github.com/sirupsen/logrus"
)

// DefaultJobs is how many tags are copied at once across all repositories.
const DefaultJobs = 4

type options struct {
	jobs          int
	log           logrus.FieldLogger
	dryRun        bool
	verify        bool
	check         bool
	wait          *pulls.Quota
	noClobber     bool
	started       func(Task)
	referrers     bool
	referrerTypes []string
}

func defaults() options {
	l := logrus.New()
	l.Out = io.Discard
	return options{jobs: DefaultJobs, log: l, verify: true}
}

// Option configures an Engine.
type Option func(*options) error

// WithJobs sets how many tags are copied at once. Default: DefaultJobs.
func WithJobs(n int) Option {
	return func(o *options) error {
		if n < 1 {
			return errors.New("jobs must be at least 1")
		}
		o.jobs = n
		return nil
	}
}

// WithLogger sets the logger. Default: discard.
func WithLogger(l logrus.FieldLogger) Option {
	return func(o *options) error {
		o.log = l
		return nil
	}
}

// WithDryRun plans without writing: results are planned or skipped. Default: off.
func WithDryRun(on bool) Option {
	return func(o *options) error {
		o.dryRun = on
		return nil
	}
}

// WithVerify checks each copied tag at the destination. Default: on.
func WithVerify(on bool) Option {
	return func(o *options) error {
		o.verify = on
		return nil
	}
}

// WithCheckOnly compares source and destination instead of copying, as the
// verify command does: results are verified or failed. Default: off.
func WithCheckOnly(on bool) Option {
	return func(o *options) error {
		o.check = on
		return nil
	}
}

// WithNoClobber leaves a destination tag that exists with another digest as
// it is and reports a conflict. Default: overwrite it.
func WithNoClobber(on bool) Option {
	return func(o *options) error {
		o.noClobber = on
		return nil
	}
}

// WithStarted is told when a worker begins a task, for progress displays;
// called from the worker goroutines. Default: nothing.
func WithStarted(f func(Task)) Option {
	return func(o *options) error {
		o.started = f
		return nil
	}
}

// WithPullLimitWait makes a worker that meets the source's pull limit wait
// for the window q reports (pulls.Quota.Delay), then try its tag again,
// instead of stopping the run. Default: stop (results pending).
func WithPullLimitWait(q *pulls.Quota) Option {
	return func(o *options) error {
		o.wait = q
		return nil
	}
}

// WithReferrers makes what is attached to each image by subject (OCI 1.1
// referrers: through the referrers API, or the sha256-<hex> fallback tag)
// follow it, of the given artifact types only when any are given; the
// check after each copy and WithCheckOnly compare them too. Default: off.
func WithReferrers(on bool, artifactTypes ...string) Option {
	return func(o *options) error {
		o.referrers, o.referrerTypes = on, artifactTypes
		return nil
	}
}
