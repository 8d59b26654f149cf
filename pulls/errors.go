package pulls

import (
	"errors"
	"net/http"

	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// ErrLimit means a registry refused a pull because its pull limit is spent
// (Docker Hub: a window of hours). Callers branch with errors.Is.
var ErrLimit = errors.New("registry pull rate limit reached")

// IsLimit tells a pull-limit refusal from registry: a 429 (or a
// TOOMANYREQUESTS error code) on a request to that host, or an error already
// wrapping ErrLimit. A 429 from another host (the other side of a copy) is
// not this registry's limit.
func IsLimit(err error, registry string) bool {
	if errors.Is(err, ErrLimit) {
		return true
	}
	var te *transport.Error
	if !errors.As(err, &te) {
		return false
	}
	if te.Request != nil && te.Request.URL.Host != registry {
		return false
	}
	if te.StatusCode == http.StatusTooManyRequests {
		return true
	}
	for _, d := range te.Errors {
		if d.Code == transport.TooManyRequestsErrorCode {
			return true
		}
	}
	return false
}
