package credentials

import (
	"errors"
	"fmt"
)

// ErrConfig means config.json exists but cannot be read or parsed.
var ErrConfig = errors.New("docker config")

// HelperError is a credential helper that failed (missing program, non-zero
// exit, garbage output). Its message carries the helper's own words, which
// never include the secret it failed to return.
type HelperError struct {
	Helper string // program name, docker-credential-<suffix>
	Host   string
	Err    error
}

func (e *HelperError) Error() string {
	return fmt.Sprintf("credential helper %q for %s: %v", e.Helper, e.Host, e.Err)
}

func (e *HelperError) Unwrap() error { return e.Err }
