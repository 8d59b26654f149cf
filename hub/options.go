package hub

import (
	"fmt"
	"io"
	"net/http"

	"github.com/sirupsen/logrus"
)

// DefaultBaseURL is the Docker Hub API.
const DefaultBaseURL = "https://hub.docker.com"

// DefaultPageSize is the page size asked for: the largest the Hub serves.
const DefaultPageSize = 100

type options struct {
	user, secret string
	transport    http.RoundTripper
	log          logrus.FieldLogger
	pageSize     int
}

func defaults() options {
	return options{transport: http.DefaultTransport, log: discardLogger(), pageSize: DefaultPageSize}
}

// Option configures a Client; a misused one fails New.
type Option func(*options) error

// WithCredentials logs in as user with secret (a password, personal or
// organization access token). Default: anonymous.
func WithCredentials(user, secret string) Option {
	return func(o *options) error {
		o.user, o.secret = user, secret
		return nil
	}
}

// WithTransport sets the HTTP transport. Default: http.DefaultTransport.
func WithTransport(rt http.RoundTripper) Option {
	return func(o *options) error {
		o.transport = rt
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

// WithPageSize sets the page size asked for. Default: DefaultPageSize.
func WithPageSize(n int) Option {
	return func(o *options) error {
		if n < 1 || n > 100 {
			return fmt.Errorf("docker hub page size %d: must be 1..100", n)
		}
		o.pageSize = n
		return nil
	}
}

func discardLogger() logrus.FieldLogger {
	l := logrus.New()
	l.Out = io.Discard
	return l
}
