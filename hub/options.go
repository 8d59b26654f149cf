package hub

import (
	"io"
	"net/http"

	"github.com/sirupsen/logrus"
)

// DefaultBaseURL is the Docker Hub API.
const DefaultBaseURL = "https://hub.docker.com"

// DefaultPageSize is the page size asked for: the largest the Hub serves.
const DefaultPageSize = 100

// Option configures a Client.
type Option func(*Client) error

// WithCredentials logs in as user with secret (a password, personal or
// organization access token). Default: anonymous.
func WithCredentials(user, secret string) Option {
	return func(c *Client) error {
		c.user, c.secret = user, secret
		return nil
	}
}

// WithTransport sets the HTTP transport. Default: http.DefaultTransport.
func WithTransport(rt http.RoundTripper) Option {
	return func(c *Client) error {
		c.http = &http.Client{Transport: rt}
		return nil
	}
}

// WithLogger sets the logger. Default: discard.
func WithLogger(l logrus.FieldLogger) Option {
	return func(c *Client) error {
		c.log = l
		return nil
	}
}

// WithPageSize sets the page size asked for. Default: DefaultPageSize.
func WithPageSize(n int) Option {
	return func(c *Client) error {
		c.pageSize = n
		return nil
	}
}

func discardLogger() logrus.FieldLogger {
	l := logrus.New()
	l.Out = io.Discard
	return l
}
