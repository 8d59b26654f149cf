package retry

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"syscall"
	"time"

	"github.com/crane-migrate/crane-migrate/pulls"

	"github.com/sirupsen/logrus"
)

// Defaults, each checked by a test.
const (
	DefaultAttempts = 5
	DefaultBase     = 500 * time.Millisecond
	DefaultMax      = 30 * time.Second
)

// Transport retries transient failures of an inner RoundTripper.
type Transport struct {
	inner http.RoundTripper
	o     options
}

type options struct {
	attempts int
	base     time.Duration
	max      time.Duration
	log      logrus.FieldLogger
	sleep    func(context.Context, time.Duration) error
	now      func() time.Time
	quota    *pulls.Quota
}

// Option configures a Transport; a misused one fails New.
type Option func(*options) error

// WithAttempts sets the number of tries, the first included. Default: DefaultAttempts.
func WithAttempts(n int) Option {
	return func(o *options) error {
		if n < 1 {
			return errors.New("WithAttempts: at least 1 try")
		}
		o.attempts = n
		return nil
	}
}

// WithBackoff sets the first wait and the cap. Default: DefaultBase, DefaultMax.
func WithBackoff(base, maxWait time.Duration) Option {
	return func(o *options) error {
		if base <= 0 || maxWait < base {
			return errors.New("WithBackoff: want 0 < base <= max")
		}
		o.base, o.max = base, maxWait
		return nil
	}
}

// WithQuota records every response's limit headers into q (pull limits and
// the Docker Hub API's window), and paces API requests by it. Default: none.
func WithQuota(q *pulls.Quota) Option {
	return func(o *options) error {
		o.quota = q
		return nil
	}
}

// WithLogger logs each retry at warning level. Default: discard.
func WithLogger(l logrus.FieldLogger) Option {
	return func(o *options) error {
		o.log = l
		return nil
	}
}

// New wraps inner.
func New(inner http.RoundTripper, opts ...Option) (*Transport, error) {
	l := logrus.New()
	l.Out = io.Discard
	o := options{attempts: DefaultAttempts, base: DefaultBase, max: DefaultMax, log: l, sleep: sleep, now: time.Now}
	for _, opt := range opts {
		if err := opt(&o); err != nil {
			return nil, fmt.Errorf("retry: %w", err)
		}
	}
	return &Transport{inner: inner, o: o}, nil
}

// RoundTrip sends req, retrying transient failures. The request is cloned for
// every try (net/http forbids changing it) and its body replayed through
// GetBody; a request whose body cannot be replayed is sent once.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	for try := 1; ; try++ {
		if err := t.pace(ctx, req.URL.Host); err != nil {
			return nil, err
		}
		r, err := clone(req, try)
		if err != nil {
			return nil, err
		}
		resp, err := t.inner.RoundTrip(r)
		if t.o.quota != nil {
			t.o.quota.Observe(resp)
		}
		if err == nil {
			resp, err = t.checkBody(r, resp)
		}
		wait, retry := t.decide(resp, err, try)
		if !retry || try >= t.o.attempts || (req.Body != nil && req.Body != http.NoBody && req.GetBody == nil) {
			return resp, err
		}
		reason := "network error"
		if err == nil {
			reason = resp.Status
			drain(resp)
		}
		t.o.log.WithFields(logrus.Fields{"method": req.Method, "host": req.URL.Host, "path": req.URL.Path,
			"reason": reason, "attempt": try, "wait": wait.Round(time.Millisecond)}).Warn("retrying")
		if err := t.o.sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// pace holds a request while the host's API limit is spent (see
// pulls.Quota.Pause), before every try: a retried 429 waits its turn too.
func (t *Transport) pace(ctx context.Context, host string) error {
	if t.o.quota == nil {
		return nil
	}
	logged := false
	for {
		d := t.o.quota.Pause(host, t.o.now())
		if d <= 0 {
			return nil
		}
		if !logged && d > time.Second {
			t.o.log.WithFields(logrus.Fields{"host": host, "wait": d.Round(time.Second)}).Info("API rate limit spent; pacing")
			logged = true
		}
		if err := t.o.sleep(ctx, d); err != nil {
			return err
		}
	}
}

// decide says whether and after how long to try again.
func (t *Transport) decide(resp *http.Response, err error, try int) (time.Duration, bool) {
	backoff := t.backoff(try)
	if err != nil {
		return backoff, transient(err)
	}
	switch resp.StatusCode {
	case http.StatusRequestTimeout, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return backoff, true
	case http.StatusTooManyRequests:
		if pulls.IsLimitResponse(resp) {
			return 0, false
		}
		if d, ok := pulls.RetryAfter(resp.Header, time.Now()); ok {
			return min(d, t.o.max*4), true
		}
		return backoff, true
	}
	return 0, false
}

// transient tells network faults worth another try (resets, truncated
// answers, timeouts) from errors that would only repeat: TLS spoken to a
// plain-HTTP server (ggcr probes https first on loopback), bad URLs, a
// cancelled context.
func transient(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var ne net.Error
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		(errors.As(err, &ne) && ne.Timeout())
}

// backoff is base·2^(try-1), capped, with ±25% jitter so parallel workers
// that failed together do not retry together.
func (t *Transport) backoff(try int) time.Duration {
	d := t.o.base << min(try-1, 20)
	if d <= 0 || d > t.o.max {
		d = t.o.max
	}
	return time.Duration(float64(d) * (0.75 + rand.Float64()/2))
}

func clone(req *http.Request, try int) (*http.Request, error) {
	r := req.Clone(req.Context())
	if try > 1 && req.GetBody != nil {
		b, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		r.Body = b
	}
	return r, nil
}

// drain lets the connection be reused before we retry.
func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
}

func sleep(ctx context.Context, d time.Duration) error {
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-tm.C:
		return nil
	}
}
