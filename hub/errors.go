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
	// ErrForbidden means the Hub answered 403: the token lacks a permission
	// or scope. Metadata calls return it inside a *ForbiddenError saying
	// which token would do.
	ErrForbidden = errors.New("docker hub: forbidden")
	// ErrInvalidName means a repository name breaks Docker Hub's rule.
	ErrInvalidName = errors.New("docker hub: invalid repository name: it must be " + nameRule)
	// ErrRepositoryExists means a creation found the repository already
	// there with the other visibility: the caller decides what to do.
	ErrRepositoryExists = errors.New("docker hub: repository exists with another visibility")
)

// ForbiddenError is a 403 from a call that needs a token kind or scope the
// client's credentials lack. It unwraps to ErrForbidden and the StatusError.
type ForbiddenError struct {
	// Action is what was refused, e.g. "updating the description and README of org/app".
	Action string
	// Needs names the token kinds and scopes the call takes.
	Needs string
	// Err is the Hub's answer, a *StatusError.
	Err error
}

func (e *ForbiddenError) Error() string {
	return fmt.Sprintf("%s: %v: this needs %s", e.Action, e.Err, e.Needs)
}

// Unwrap returns the Hub's answer, which is ErrForbidden.
func (e *ForbiddenError) Unwrap() error { return e.Err }

// forbidden turns a 403 in err into a *ForbiddenError for action; other
// errors are wrapped with action alone.
func forbidden(err error, action, needs string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, ErrForbidden) && !errors.Is(err, ErrPaginationCap) {
		return &ForbiddenError{Action: action, Needs: needs, Err: err}
	}
	return fmt.Errorf("%s: %w", action, err)
}

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
