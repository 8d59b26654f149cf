package copy

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// ErrPullLimit means the source registry refused a pull because its rate
// limit is spent (Docker Hub: a window of hours). The run stops starting
// copies; waiting is the user's call (--on-rate-limit).
var ErrPullLimit = errors.New("registry pull rate limit reached")

// isSourcePullLimit: a 429 from the task's source registry (the retry layer
// already retried API 429s). A 429 from the destination is an ordinary
// failure, not a reason to stop reading the source.
func (e *Engine) isSourcePullLimit(err error, t Task) bool {
	var te *transport.Error
	if !errors.As(err, &te) {
		return false
	}
	if te.Request != nil && te.Request.URL.Host != t.Source.Context().RegistryStr() {
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

// hintByHost adds the credential hint of whichever side the failed request
// went to: a push reads the source too (blobs, child manifests), so the
// operation alone does not tell.
func (e *Engine) hintByHost(err error, t Task) error {
	var te *transport.Error
	if !errors.As(err, &te) || te.Request == nil {
		return err
	}
	if te.Request.URL.Host == t.Source.Context().RegistryStr() {
		return e.withHint(sourceSide, err)
	}
	return e.withHint(destinationSide, err)
}

// ErrImmutableTag means the destination refused to overwrite a tag it keeps
// immutable. (The same digest already there is a skip, decided before any push.)
var ErrImmutableTag = errors.New("the destination tag is immutable")

// immutable recognises Docker Hub's refusal: 403, code DENIED, a message
// about immutability (observed wording, so matched loosely).
func immutable(err error) bool {
	var te *transport.Error
	if !errors.As(err, &te) || te.StatusCode != http.StatusForbidden {
		return false
	}
	for _, d := range te.Errors {
		if d.Code == transport.DeniedErrorCode && strings.Contains(strings.ToLower(d.Message), "immutable") {
			return true
		}
	}
	return false
}
