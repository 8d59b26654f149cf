package side

import (
	"errors"
	"io"

	"github.com/sirupsen/logrus"

	"github.com/crane-migrate/crane-migrate/credentials"
	"github.com/crane-migrate/crane-migrate/pulls"
)

// DefaultConcurrency is the connections per host a side allows when
// WithConcurrency is not given.
const DefaultConcurrency = 8

// DefaultUserAgent is sent before go-containerregistry's own User-Agent.
const DefaultUserAgent = "crane-migrate"

type options struct {
	label       string
	keychain    *credentials.Keychain
	hubAPI      string
	write       bool
	concurrency int
	pulls       int
	tls         TLSPolicy
	log         logrus.FieldLogger
	quota       *pulls.Quota
	agent       string
}

func defaults() options {
	l := logrus.New()
	l.Out = io.Discard
	return options{label: "registry", concurrency: DefaultConcurrency, tls: NewTLSPolicy(nil), log: l, agent: DefaultUserAgent}
}

// Option configures a Side.
type Option func(*options) error

// WithLabel names the side in messages ("source", "destination"). Default: "registry".
func WithLabel(label string) Option {
	return func(o *options) error {
		o.label = label
		return nil
	}
}

// WithKeychain sets the side's credentials. Default: the user's Docker
// credential chain (credentials.New()).
func WithKeychain(kc *credentials.Keychain) Option {
	return func(o *options) error {
		if kc == nil {
			return errors.New("WithKeychain: nil keychain")
		}
		o.keychain = kc
		return nil
	}
}

// WithHubAPI sets the Docker Hub API base URL. Default: hub.DefaultBaseURL
// when the registry is Docker Hub, else none.
func WithHubAPI(url string) Option {
	return func(o *options) error {
		o.hubAPI = url
		return nil
	}
}

// WithWrite says the run writes to this side: one push token serves its
// reads too, and the side has a Pusher. Default: read only.
func WithWrite(on bool) Option {
	return func(o *options) error {
		o.write = on
		return nil
	}
}

// WithConcurrency sets the connections per host (and ggcr's jobs). Default:
// DefaultConcurrency.
func WithConcurrency(n int) Option {
	return func(o *options) error {
		if n < 1 {
			return errors.New("WithConcurrency: must be at least 1")
		}
		o.concurrency = n
		return nil
	}
}

// WithPullsAtOnce holds the side's manifest GETs to n in flight while its
// registry counts pulls (pulls.Gate). Default: not held.
func WithPullsAtOnce(n int) Option {
	return func(o *options) error {
		if n < 1 {
			return errors.New("WithPullsAtOnce: must be at least 1")
		}
		o.pulls = n
		return nil
	}
}

// WithTLS sets the TLS policy. Default: TLS verified everywhere, plain HTTP
// to loopback only.
func WithTLS(p TLSPolicy) Option {
	return func(o *options) error {
		o.tls = p
		return nil
	}
}

// WithLogger sets the logger for retries and Hub API warnings. Default: discard.
func WithLogger(l logrus.FieldLogger) Option {
	return func(o *options) error {
		o.log = l
		return nil
	}
}

// WithQuota records the side's limit headers into q, which a run may share
// between sides. Default: a Quota of the side's own.
func WithQuota(q *pulls.Quota) Option {
	return func(o *options) error {
		o.quota = q
		return nil
	}
}
