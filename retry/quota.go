package retry

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Quota remembers the pull limit each registry host last reported in its
// ratelimit-limit / ratelimit-remaining headers ("100;w=21600"). Docker Hub
// sends them on manifest GETs and HEADs; no headers means no limit applies.
type Quota struct {
	mu    sync.Mutex
	hosts map[string]Limit
	waits map[string]time.Duration // Retry-After of the last pull-limit 429
}

// Limit is one host's last reported pull limit.
type Limit struct {
	Limit     int
	Remaining int
	Window    time.Duration
}

func (q *Quota) observe(resp *http.Response) {
	if resp == nil || resp.Request == nil {
		return
	}
	if IsPullLimit(resp) {
		if d, ok := retryAfter(resp.Header, time.Now()); ok {
			q.mu.Lock()
			if q.waits == nil {
				q.waits = map[string]time.Duration{}
			}
			q.waits[resp.Request.URL.Host] = d
			q.mu.Unlock()
		}
	}
	limit, window, ok1 := parseLimit(resp.Header.Get("Ratelimit-Limit"))
	remaining, _, ok2 := parseLimit(resp.Header.Get("Ratelimit-Remaining"))
	if !ok1 || !ok2 {
		return
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.hosts == nil {
		q.hosts = map[string]Limit{}
	}
	q.hosts[resp.Request.URL.Host] = Limit{Limit: limit, Remaining: remaining, Window: window}
}

// For returns host's last reported limit; false when it reported none.
func (q *Quota) For(host string) (Limit, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	l, ok := q.hosts[host]
	return l, ok
}

// Wait is how long host's last pull-limit 429 asked us to wait, when it said.
func (q *Quota) Wait(host string) (time.Duration, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	d, ok := q.waits[host]
	return d, ok
}

// parseLimit reads "76;w=21600".
func parseLimit(v string) (int, time.Duration, bool) {
	if v == "" {
		return 0, 0, false
	}
	num, rest, _ := strings.Cut(v, ";")
	n, err := strconv.Atoi(strings.TrimSpace(num))
	if err != nil {
		return 0, 0, false
	}
	var window time.Duration
	if w, ok := strings.CutPrefix(strings.TrimSpace(rest), "w="); ok {
		if s, err := strconv.Atoi(w); err == nil {
			window = time.Duration(s) * time.Second
		}
	}
	return n, window, true
}

// WithQuota records every response's pull-limit headers into q. Default: none.
func WithQuota(q *Quota) Option { return func(t *Transport) { t.quota = q } }
