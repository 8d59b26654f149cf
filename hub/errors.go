package hub

import (
	"errors"
	"fmt"
)

// Sentinel errors callers branch on with errors.Is.
var (
	// ErrUnauthorized means the Hub rejected the credentials or the token.
	ErrUnauthorized = errors.New("docker hub: unauthorized")
	// ErrTwoFactor means /v2/users/login wants a second factor: use a personal access token.
	ErrTwoFactor = errors.New("docker hub: this account uses two-factor authentication; log in with a personal access token instead of the password")
	// ErrNotFound means the namespace or repository does not exist (or is invisible to these credentials).
	ErrNotFound = errors.New("docker hub: not found")
	// ErrPaginationCap is the anonymous paging limit; logging in lifts it.
	ErrPaginationCap = errors.New("docker hub: pagination offset too large for anonymous requests; log in (docker login, or CRANE_MIGRATE_*_USERNAME/PASSWORD) to list further")
	// ErrRateLimited means the Hub answered 429.
	ErrRateLimited = errors.New("docker hub: rate limit exceeded")
	// ErrBadResponse means the answer was not the JSON the API documents (an HTML page, garbage).
	ErrBadResponse = errors.New("docker hub: unexpected response")
)

// StatusError is a non-2xx answer; it wraps one of the sentinels where one fits.
type StatusError struct {
	Method, URL string
	StatusCode  int
	Message     string
	kind        error
	body        []byte
}

func (e *StatusError) Error() string {
	msg := fmt.Sprintf("%s %s: HTTP %d", e.Method, e.URL, e.StatusCode)
	if e.Message != "" {
		msg += ": " + e.Message
	}
	return msg
}

// Unwrap returns the sentinel that classifies the status, if any.
func (e *StatusError) Unwrap() error { return e.kind }
