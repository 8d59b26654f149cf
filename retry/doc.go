// Package retry is the one retry layer of crane-migrate: an http.RoundTripper
// shared by registry and Docker Hub API traffic that retries what is worth
// retrying (5xx, 408, connection resets) with exponential backoff and jitter,
// waits out a 429's Retry-After, and honours the request's context while it
// waits. go-containerregistry's own retry is switched off so the two never
// multiply. Registry pull-limit 429s (TOOMANYREQUESTS) are not retried here:
// waiting hours is the caller's decision.
package retry
