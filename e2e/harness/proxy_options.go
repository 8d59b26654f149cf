package harness

import (
	"errors"
	"net/http"
	"time"
)

// ProxyOption configures NewProxy.
type ProxyOption func(*proxyOptions) error

type proxyOptions struct {
	delay    time.Duration
	fault    func(*http.Request) *Fault
	noMounts bool
	// pullLimit counts manifest pulls (WithPullLimit, pulllimit.go); nil: none.
	pullLimit *pullLimiter
}

func makeProxyOptions(opts ...ProxyOption) (*proxyOptions, error) {
	o := &proxyOptions{}
	for _, opt := range opts {
		if err := opt(o); err != nil {
			return nil, err
		}
	}
	return o, nil
}

// WithDelay holds every request for d before forwarding it, like a distant
// registry would. Default: no delay.
func WithDelay(d time.Duration) ProxyOption {
	return func(o *proxyOptions) error {
		if d < 0 {
			return errors.New("WithDelay: negative delay")
		}
		o.delay = d
		return nil
	}
}

// WithFault calls f for every request (after any delay, from many goroutines
// at once); a non-nil Fault replaces faithful forwarding. Classify tells f what
// the request is. Default: no faults.
func WithFault(f func(*http.Request) *Fault) ProxyOption {
	return func(o *proxyOptions) error {
		if f == nil {
			return errors.New("WithFault: nil function")
		}
		o.fault = f
		return nil
	}
}

// WithoutMounts makes the registry behind the proxy one that does not mount
// across repositories: the proxy drops a POST's mount and from parameters,
// so the registry opens an upload session instead (202), as the OCI
// distribution spec allows. The request is still recorded as a mount offer.
// Default: forwarded as sent.
func WithoutMounts() ProxyOption {
	return func(o *proxyOptions) error {
		o.noMounts = true
		return nil
	}
}

// Fault is what the proxy does to a request instead of forwarding it
// faithfully.
type Fault struct {
	// Status, when not zero, answers the request with Status, Header and Body
	// without forwarding it.
	Status int
	Header http.Header
	Body   []byte
	// CutAfter, when Status is zero, forwards the request but stops the
	// response body after CutAfter bytes and drops the connection, as a
	// network failure would (0: headers only).
	CutAfter int64
}
