package pulls

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
	api   map[string]apiWindow     // X-RateLimit-* of API answers (Docker Hub)
	seen  map[string]bool          // hosts that answered at all
}

// apiWindow is a per-minute API limit's state, as the last answer told it.
type apiWindow struct {
	limit     int // per window; 0 when the answer did not say
	remaining int
	reset     time.Time
	probe     time.Time // a request sent past reset, its answer not in yet
}

// Limit is one host's last reported pull limit.
type Limit struct {
	Limit     int
	Remaining int
	Window    time.Duration
}

func (q *Quota) Observe(resp *http.Response) {
	if resp == nil || resp.Request == nil {
		return
	}
	if IsLimitResponse(resp) {
		if d, ok := RetryAfter(resp.Header, time.Now()); ok {
			q.mu.Lock()
			if q.waits == nil {
				q.waits = map[string]time.Duration{}
			}
			q.waits[resp.Request.URL.Host] = d
			q.mu.Unlock()
		}
	}
	q.observeAPI(resp)
	// A registry sends its pull limit on its manifest answers only, and an
	// error's (a 401, a 5xx) may lack it: only a success tells.
	if isManifest(resp.Request) && resp.StatusCode >= 200 && resp.StatusCode < 300 {
		q.mu.Lock()
		if q.seen == nil {
			q.seen = map[string]bool{}
		}
		q.seen[resp.Request.URL.Host] = true
		q.mu.Unlock()
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

// Counted says whether host counts pulls: its manifest answers carried a
// pull limit, or it has not answered one yet (so it may).
func (q *Quota) Counted(host string) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	_, limited := q.hosts[host]
	return limited || !q.seen[host]
}

// For returns host's last reported limit; false when it reported none.
func (q *Quota) For(host string) (Limit, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	l, ok := q.hosts[host]
	return l, ok
}

func (q *Quota) observeAPI(resp *http.Response) {
	host, now := resp.Request.URL.Host, time.Now()
	rem, err1 := strconv.Atoi(resp.Header.Get("X-RateLimit-Remaining"))
	reset, err2 := strconv.ParseInt(resp.Header.Get("X-RateLimit-Reset"), 10, 64)
	q.mu.Lock()
	defer q.mu.Unlock()
	if err1 != nil || err2 != nil {
		// An answer without the headers past a window's reset: the host
		// no longer says, so nothing is held for it.
		if old, ok := q.api[host]; ok && !now.Before(old.reset.Add(resetSlack)) {
			delete(q.api, host)
		}
		return
	}
	if q.api == nil {
		q.api = map[string]apiWindow{}
	}
	limit, _ := strconv.Atoi(resp.Header.Get("X-RateLimit-Limit"))
	w := apiWindow{limit: limit, remaining: rem, reset: time.Unix(reset, 0)}
	// A 429 whose reset has passed by our clock (it runs ahead of the
	// host's): hold until its Retry-After instead, or every probe would
	// meet one.
	if resp.StatusCode == http.StatusTooManyRequests && !now.Before(w.reset.Add(resetSlack)) {
		if d, ok := RetryAfter(resp.Header, now); ok {
			w.reset = now.Add(d - resetSlack)
		}
	}
	// Within one window our own count is the truer one: Pause takes a
	// request off it as it lets one go, and an answer's header was written
	// before the requests still in flight. Taking the header's higher
	// figure would let the whole in-flight batch meet the 429s.
	if old, ok := q.api[host]; ok && old.reset.Equal(w.reset) && old.remaining < w.remaining {
		w.remaining = old.remaining
	}
	q.api[host] = w
}

// APIShort says host's API window (the Docker Hub API's per-minute limit,
// as its last answer reported it) is down to its reserve: a share kept for
// what only that API can do (repository listings, creation, texts), so
// that work which has another channel (tag listings: the registry's
// tags/list and HEADs, which that limit does not count) takes it until
// the window resets.
func (q *Quota) APIShort(host string, now time.Time) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	w, ok := q.api[host]
	return ok && now.Before(w.reset) && w.remaining <= apiReserve(w.limit)
}

// APILimit is host's API limit per window, as its last answer reported it.
func (q *Quota) APILimit(host string) (int, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	w, ok := q.api[host]
	return w.limit, ok && w.limit > 0
}

// apiReserve is a quarter of a window's limit, at least 10 requests.
func apiReserve(limit int) int { return max(10, limit/4) }

// Pause is how long to hold a request to host so that an API limit that is
// spent is not hit. It counts the request it lets go, so parallel callers
// do not all go at once. Past a window's reset only one request goes until
// an answer from the new window tells its budget: the header's reset is in
// whole seconds (the real one up to a second later), and a crowd released
// together at that instant would meet one 429 each. Callers loop until it
// answers 0.
func (q *Quota) Pause(host string, now time.Time) time.Duration {
	q.mu.Lock()
	defer q.mu.Unlock()
	w, ok := q.api[host]
	if !ok {
		return 0
	}
	end := w.reset.Add(resetSlack)
	switch {
	case w.remaining > 0 && now.Before(end):
		w.remaining--
	case now.Before(end):
		return min(end.Sub(now), time.Minute)
	case !w.probe.IsZero() && now.Sub(w.probe) < probeTimeout:
		return probePoll
	default:
		w.probe = now
	}
	q.api[host] = w
	return 0
}

// resetSlack covers X-RateLimit-Reset's rounding down to whole seconds;
// probeTimeout lets another request go when the probe's answer carried no
// limit headers; probePoll is how often a held request looks again.
const (
	resetSlack   = time.Second
	probeTimeout = 5 * time.Second
	probePoll    = 50 * time.Millisecond
)

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
