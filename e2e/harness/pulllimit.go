package harness

import (
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// PullLimitBody is the body of the 429 a spent pull limit answers, in Docker
// Hub's words.
const PullLimitBody = `{"errors":[{"code":"TOOMANYREQUESTS","message":"You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit"}]}`

// WithPullLimit makes the registry behind the proxy count pulls as Docker
// Hub does: limit manifest GETs per window. Every manifest GET and HEAD is
// answered with ratelimit-limit and ratelimit-remaining ("N;w=SECONDS"); a
// GET spends one pull, a HEAD none. Once none is left, a HEAD is still
// answered (remaining 0) and a GET gets 429 TOOMANYREQUESTS with a
// Retry-After of the seconds left in the window. The window starts at the
// first manifest request and starts again window after it, with the whole
// limit back. window is whole seconds, as the headers say. Default: no limit.
func WithPullLimit(limit int, window time.Duration) ProxyOption {
	return func(o *proxyOptions) error {
		if limit < 0 || window < time.Second || window%time.Second != 0 {
			return errors.New("WithPullLimit: the limit must not be negative and the window whole seconds")
		}
		o.pullLimit = &pullLimiter{limit: limit, window: window, now: time.Now}
		return nil
	}
}

// pullLimiter is one proxy's pull quota. It is safe for concurrent use.
type pullLimiter struct {
	limit  int
	window time.Duration
	now    func() time.Time

	mu    sync.Mutex
	start time.Time // of the current window; zero before the first pull
	left  int
}

// admit decides a request: it sets the quota headers of a manifest GET or
// HEAD on h and returns the 429 that replaces a GET over the limit, nil to
// forward the request. A nil pullLimiter (no WithPullLimit) admits all.
func (l *pullLimiter) admit(r *http.Request, h http.Header) *Fault {
	if l == nil {
		return nil
	}
	kind, _ := Classify(r)
	if kind != ManifestGet && kind != ManifestHead {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if l.start.IsZero() || !now.Before(l.start.Add(l.window)) {
		l.start, l.left = now, l.limit
	}
	spent := kind == ManifestGet && l.left == 0
	if kind == ManifestGet && l.left > 0 {
		l.left--
	}
	w := int(l.window / time.Second)
	quota := http.Header{
		"Ratelimit-Limit":     {fmt.Sprintf("%d;w=%d", l.limit, w)},
		"Ratelimit-Remaining": {fmt.Sprintf("%d;w=%d", l.left, w)},
	}
	if !spent {
		for k, v := range quota {
			h[k] = v
		}
		return nil
	}
	reset := l.start.Add(l.window).Sub(now)
	quota.Set("Retry-After", fmt.Sprint(int((reset+time.Second-1)/time.Second)))
	quota.Set("Content-Type", "application/json")
	return &Fault{Status: http.StatusTooManyRequests, Header: quota, Body: []byte(PullLimitBody)}
}

// PullLimited reports whether r was answered 429 by the proxy's pull limit.
func PullLimited(r Request) bool {
	return r.Kind == ManifestGet && r.Status == http.StatusTooManyRequests
}

// EndPullWindow ends the current pull-limit window now, as if its time had
// passed: the next manifest request starts a new one with the whole limit.
// It does nothing without WithPullLimit.
func (p *Proxy) EndPullWindow() {
	l := p.opts.pullLimit
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.start = time.Time{}
}
