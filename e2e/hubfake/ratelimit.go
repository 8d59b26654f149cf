package hubfake

import (
	"net/http"
	"strconv"
	"sync"
	"time"
)

// rateWindow is the Hub API's rate-limit window.
const rateWindow = time.Minute

// limiter counts requests in fixed one-minute windows, for all clients
// together (they all come from 127.0.0.1 anyway).
type limiter struct {
	perMinute int // per window; 0: unlimited
	window    time.Duration
	now       func() time.Time

	mu    sync.Mutex
	start time.Time // of the current window
	used  int
}

func newLimiter(perMinute int, window time.Duration, now func() time.Time) *limiter {
	if window == 0 {
		window = rateWindow
	}
	return &limiter{perMinute: perMinute, window: window, now: now}
}

// allow takes one request from the window, sets the X-RateLimit-* headers,
// and answers 429 when the window is spent.
func (l *limiter) allow(w http.ResponseWriter) bool {
	limit, remaining, reset, ok := l.take()
	h := w.Header()
	h.Set("X-RateLimit-Limit", strconv.Itoa(limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
	if ok {
		return true
	}
	wait := int(reset.Sub(l.now()).Seconds() + 0.999)
	h.Set("Retry-After", strconv.Itoa(max(wait, 1)))
	h.Set("X-Retry-After", strconv.FormatInt(reset.Unix(), 10)) // the older documentation's header
	writeJSON(w, http.StatusTooManyRequests, map[string]any{"detail": "Rate limit exceeded", "error": false})
	return false
}

func (l *limiter) take() (limit, remaining int, reset time.Time, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if l.start.IsZero() || !now.Before(l.start.Add(l.window)) {
		l.start, l.used = now, 0
	}
	limit = l.perMinute
	if limit == 0 {
		limit = UnlimitedRateLimit
	}
	reset = l.start.Add(l.window)
	if l.perMinute > 0 && l.used >= l.perMinute {
		return limit, 0, reset, false
	}
	l.used++
	return limit, max(limit-l.used, 0), reset, true
}
