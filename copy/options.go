package copy

import (
	"context"
	"errors"
	"io"
	"net/http"

	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/sirupsen/logrus"

	"github.com/crane-migrate/crane-migrate/report"
)

// DefaultJobs is how many tags are copied at once across all repositories.
const DefaultJobs = 4

type options struct {
	jobs         int
	log          logrus.FieldLogger
	src          []remote.Option
	dst          []remote.Option
	dstTransport http.RoundTripper
	dryRun       bool
	verify       bool
	check        bool
	hints        [2]func() string
	wait         func(context.Context) error
	abort        context.Context
	noClobber    bool
	started      func(Task)
	sink         func(report.Result)
}

func defaults() options {
	l := logrus.New()
	l.Out = io.Discard
	return options{jobs: DefaultJobs, log: l, verify: true, sink: func(report.Result) {},
		dstTransport: remote.DefaultTransport}
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

// WithSource sets the remote options (auth, transport) for reading the
// source. Default: anonymous, ggcr's default transport.
func WithSource(opts ...remote.Option) Option {
	return func(o *options) error {
		o.src = opts
		return nil
	}
}

// WithDestination sets the remote options for the destination. Default:
// anonymous, ggcr's default transport.
func WithDestination(opts ...remote.Option) Option {
	return func(o *options) error {
		o.dst = opts
		return nil
	}
}

// WithDestinationTransport sets the transport blob writes use: they bypass
// go-containerregistry's pusher (see put), so they cannot take its options.
// It must authenticate them itself, as an auth.Transport does. Default:
// anonymous, ggcr's default transport.
func WithDestinationTransport(rt http.RoundTripper) Option {
	return func(o *options) error {
		o.dstTransport = rt
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

// WithResults receives each result as soon as its task ends; it is called
// from the worker goroutines. Default: drop.
func WithResults(f func(report.Result)) Option {
	return func(o *options) error {
		o.sink = f
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

// WithCredentialHints describes, for an error message, which credentials each
// side used (host and username, never the secret): a 401 or 403 names them.
// Default: no hint.
func WithCredentialHints(source, destination func() string) Option {
	return func(o *options) error {
		o.hints = [2]func() string{source, destination}
		return nil
	}
}

// WithPullLimitWait makes a worker that meets the source's pull limit call
// wait, then try its tag again, instead of stopping the run. wait returns an
// error to give up (the context ended). Default: stop (results pending).
func WithPullLimitWait(wait func(context.Context) error) Option {
	return func(o *options) error {
		o.wait = wait
		return nil
	}
}

// WithAbort sets the context of copies in flight. Run's own context only
// stops new tasks from starting; cancelling abort ends the ones running, and
// they are reported pending. Default: nothing aborts them.
func WithAbort(ctx context.Context) Option {
	return func(o *options) error {
		o.abort = ctx
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
