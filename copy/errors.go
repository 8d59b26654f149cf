package copy

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// ErrPullLimit means the source registry refused a pull because its rate
// limit is spent (Docker Hub: a window of hours). The run stops starting
// copies; waiting is the user's call (--on-rate-limit).
var ErrPullLimit = errors.New("registry pull rate limit reached")

// isPullLimit: the retry layer retries API 429s itself, so a registry 429
// that reaches us is a pull limit.
func isPullLimit(err error) bool {
	var te *transport.Error
	if !errors.As(err, &te) {
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

// side says which end of the copy a request went to, for credential hints.
type side int

const (
	sourceSide side = iota
	destinationSide
)

// withHint adds which credentials were used to a 401 or 403.
func (e *Engine) withHint(s side, err error) error {
	var te *transport.Error
	if err == nil || e.o.hints[s] == nil || !errors.As(err, &te) {
		return err
	}
	if te.StatusCode != http.StatusUnauthorized && te.StatusCode != http.StatusForbidden {
		return err
	}
	return fmt.Errorf("%w (credentials used: %s)", err, e.o.hints[s]())
}
