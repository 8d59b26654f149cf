package main

import (
	"net/http"
	"runtime"
	"slices"
	"time"

	"github.com/crane-migrate/crane-migrate/e2e/harness"
	"github.com/crane-migrate/crane-migrate/e2e/hubfake"
)

// hubWindow is the Docker Hub API's rate-limit window.
const hubWindow = time.Minute

// connsPerHost is the requests crane-migrate can have in flight to one host:
// side.newTransport's MaxConnsPerHost, 2 × the side's concurrency, which
// commands sets to max(2 × --jobs, GOMAXPROCS). The child inherits this
// process's GOMAXPROCS default (the environment it gets sets none).
func connsPerHost(jobs int) int {
	return 2 * max(2*jobs, runtime.GOMAXPROCS(0))
}

// floor is the least time a run's requests need: on each host, its
// requests in rounds of connsPerHost, each round one delay; on a Hub API,
// also a window per limit's worth of requests beyond the first window's.
// Hosts work at the same time, so the run's floor is the largest of them:
// a lower bound no client sending the same requests can beat.
type floor struct {
	registry, hub time.Duration
}

func (f floor) total() time.Duration { return max(f.registry, f.hub) }

func (f floor) bound() string {
	if f.hub > f.registry {
		return "Hub API"
	}
	return "registry"
}

func computeFloor(res bigorgResult, c bigorgConfig, jobs int) floor {
	conns := connsPerHost(jobs)
	rounds := func(n int) time.Duration { return time.Duration((n+conns-1)/conns) * c.delay }
	hub := func(reqs []hubfake.Request) time.Duration {
		n := len(reqs) - count429s(reqs, hubStatus) // a 429 is not a request the run needs
		if n <= 0 {
			return 0
		}
		windows := (n - 1) / c.limit // full windows waited out before the last batch
		return time.Duration(windows)*hubWindow + rounds(n-windows*c.limit)
	}
	return floor{registry: max(rounds(len(res.srcReg)-count429s(res.srcReg, regStatus)), rounds(len(res.dstReg)-count429s(res.dstReg, regStatus))),
		hub: max(hub(res.srcHub), hub(res.dstHub))}
}

// count429s counts the answers that were 429s, in either request log.
func count429s[R any](reqs []R, status func(R) int) int {
	n := 0
	for _, q := range reqs {
		if status(q) == http.StatusTooManyRequests {
			n++
		}
	}
	return n
}

func hubStatus(q hubfake.Request) int { return q.Status }
func regStatus(q harness.Request) int { return q.Status }

// most429s is the most 429s in one rate-limit window, the windows laid out
// as the fake's limiter does: one starts with the first request after the
// last one ended. The fake's limiter takes its time a moment after the
// request's Start, so a 429 right at a window's edge may land one off.
func most429s(reqs []hubfake.Request) int {
	reqs = slices.Clone(reqs)
	slices.SortFunc(reqs, func(a, b hubfake.Request) int { return a.Start.Compare(b.Start) })
	var start time.Time
	n, most := 0, 0
	for _, q := range reqs {
		if start.IsZero() || !q.Start.Before(start.Add(hubWindow)) {
			start, n = q.Start, 0
		}
		if q.Status == http.StatusTooManyRequests {
			n++
			most = max(most, n)
		}
	}
	return most
}
