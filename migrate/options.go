package migrate

import (
	"errors"
	"io"

	"github.com/sirupsen/logrus"

	"github.com/crane-migrate/crane-migrate/copy"
	"github.com/crane-migrate/crane-migrate/enumerate"
	"github.com/crane-migrate/crane-migrate/report"
	"github.com/crane-migrate/crane-migrate/shard"
)

// Progress is told what the run does, for a display; called from several
// goroutines. progress.Display is one.
type Progress interface {
	Add(repo string, n int)
	Start(repo string)
	Done(repo string, r report.Result, bytes int64)
	EnumerationDone()
}

type options struct {
	jobs          int
	log           logrus.FieldLogger
	dryRun        bool
	check         bool
	verify        bool
	noClobber     bool
	filter        enumerate.Filter
	selection     Selection
	signatures    bool
	referrers     bool
	referrerTypes []string
	metadata      bool
	deprecate     bool
	allowPublic   bool
	copyImmutable bool
	wait          bool
	stop          <-chan struct{}
	progress      Progress
	shard         shard.Spec
}

func defaults() options {
	l := logrus.New()
	l.Out = io.Discard
	return options{jobs: copy.DefaultJobs, log: l, verify: true, signatures: true, referrers: true, metadata: true, progress: noProgress{}}
}

// Option configures a run.
type Option func(*options) error

// WithShard migrates only the repositories of a namespace that s owns
// (all of them are still listed), and records them in the report.
// Default: the zero Spec, every repository.
func WithShard(s shard.Spec) Option {
	return func(o *options) error {
		o.shard = s
		return nil
	}
}

// WithJobs sets the engine's workers per stage. Default: copy.DefaultJobs.
func WithJobs(n int) Option {
	return func(o *options) error {
		if n < 1 {
			return errors.New("jobs must be at least 1")
		}
		o.jobs = n
		return nil
	}
}

// WithLogger sets the run's logger. Default: discard.
func WithLogger(l logrus.FieldLogger) Option {
	return func(o *options) error {
		o.log = l
		return nil
	}
}

// WithDryRun plans without writing anything, Docker Hub included. Default: off.
func WithDryRun(on bool) Option {
	return func(o *options) error {
		o.dryRun = on
		return nil
	}
}

// WithCheckOnly compares both sides instead of copying (the verify
// command): every result is verified or failed. Default: off.
func WithCheckOnly(on bool) Option {
	return func(o *options) error {
		o.check = on
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

// WithNoClobber leaves a destination tag with another digest alone (a
// conflict). Default: overwrite it.
func WithNoClobber(on bool) Option {
	return func(o *options) error {
		o.noClobber = on
		return nil
	}
}

// WithFilter selects tags by name. Default: every tag.
func WithFilter(f enumerate.Filter) Option {
	return func(o *options) error {
		o.filter = f
		return nil
	}
}

// WithSignatures makes cosign's sha256-<hex>.sig/.att/.sbom tags follow
// their image. Default: on.
func WithSignatures(on bool) Option {
	return func(o *options) error {
		o.signatures = on
		return nil
	}
}

// WithReferrers makes what is attached to each image (OCI 1.1 referrers,
// found through the referrers API or the sha256-<hex> fallback tag) follow
// it, of the given artifact types only when any are given. Default: on,
// every type.
func WithReferrers(on bool, artifactTypes ...string) Option {
	return func(o *options) error {
		o.referrers, o.referrerTypes = on, artifactTypes
		return nil
	}
}

// WithMetadata copies description and README between Docker Hub sides.
// Default: on.
func WithMetadata(on bool) Option {
	return func(o *options) error {
		o.metadata = on
		return nil
	}
}

// WithDeprecateSource sets a source repository's description to "Moved to
// …" once every one of its tags was copied and confirmed by the destination
// registry. Default: off.
func WithDeprecateSource(on bool) Option {
	return func(o *options) error {
		o.deprecate = on
		return nil
	}
}

// WithAllowPublicDestination copies a private source into an existing
// public destination. Default: refused.
func WithAllowPublicDestination(on bool) Option {
	return func(o *options) error {
		o.allowPublic = on
		return nil
	}
}

// WithImmutableRules applies the source's immutable-tag rules to the
// destination after its copies. Default: off.
func WithImmutableRules(on bool) Option {
	return func(o *options) error {
		o.copyImmutable = on
		return nil
	}
}

// WithPullLimitWait waits for the source's pull-limit window instead of
// stopping the run. Default: stop (exit 3 in the command line).
func WithPullLimitWait(on bool) Option {
	return func(o *options) error {
		o.wait = on
		return nil
	}
}

// WithStop is closed to stop starting work (the first Ctrl-C): copies in
// flight finish; cancelling Run's context aborts them. Default: never.
func WithStop(stop <-chan struct{}) Option {
	return func(o *options) error {
		o.stop = stop
		return nil
	}
}

// WithProgress reports the run's progress to p. Default: nothing.
func WithProgress(p Progress) Option {
	return func(o *options) error {
		if p == nil {
			return errors.New("WithProgress: nil")
		}
		o.progress = p
		return nil
	}
}

type noProgress struct{}

func (noProgress) Add(string, int)                   {}
func (noProgress) Start(string)                      {}
func (noProgress) Done(string, report.Result, int64) {}
func (noProgress) EnumerationDone()                  {}
