// Package pulls is the one home of registry limits: what registries report
// (ratelimit-* headers, a pull-limit 429's Retry-After, the Docker Hub API's
// X-RateLimit-* window), how a pull limit is recognised (ErrLimit, IsLimit),
// how many pulls a plan needs (Plan), how long to wait for the window (Wait)
// and how to learn the quota without spending a pull (Probe).
//
// The retry layer records every response into a Quota (it sees them all);
// the decisions — stop, wait, or say in the plan — are taken by the run
// (package migrate) with the functions here. It is not a retry layer: a
// pull-limit 429 is never retried.
package pulls
