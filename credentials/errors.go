package credentials

import (
	"errors"
	"fmt"
)

var (
	// ErrConfig means config.json exists but cannot be read or parsed, or
	// an auths entry for the host is malformed. The message names the file.
	ErrConfig = errors.New("docker config")

	// ErrInvalidOption is an Option misused, reported by New.
	ErrInvalidOption = errors.New("invalid credentials option")

	// ErrHelperMissing is a credential helper program that cannot be found.
	// It comes wrapped in a *HelperError.
	ErrHelperMissing = errors.New("program not found")
)

// HelperError is a credential helper that failed: program missing, non-zero
// exit other than "credentials not found", or an answer we cannot read. Its
// message carries the helper's own words; output that looks like it holds
// credentials is withheld, so the message never includes a secret.
type HelperError struct {
	Helper string // program name, docker-credential-<suffix>
	Host   string // registry host the credentials were for
	Err    error
}

func (e *HelperError) Error() string {
	return fmt.Sprintf("credential helper %q for %s: %v", e.Helper, e.Host, e.Err)
}

func (e *HelperError) Unwrap() error { return e.Err }
