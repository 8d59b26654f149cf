package auth

import (
	"errors"
	"time"
)

type options struct {
	write         bool
	agent         string
	credentialTTL time.Duration
}

func defaults() options { return options{credentialTTL: DefaultCredentialTTL} }

// Option configures a Transport; a misused one fails New.
type Option func(*options) error

// WithWrite asks for push as well as pull on every repository, so that a
// destination's reads and writes share one token. Default: pull only, except
// for requests that write.
func WithWrite(on bool) Option {
	return func(o *options) error {
		o.write = on
		return nil
	}
}

// WithUserAgent puts ua before go-containerregistry's own User-Agent, as
// remote.WithUserAgent would (it does nothing through a Wrap transport).
// Default: go-containerregistry's alone.
func WithUserAgent(ua string) Option {
	return func(o *options) error {
		o.agent = ua
		return nil
	}
}

// WithCredentialTTL sets how long the keychain's answer is reused before it
// is asked again; 0 asks on every use. Default: DefaultCredentialTTL.
func WithCredentialTTL(d time.Duration) Option {
	return func(o *options) error {
		if d < 0 {
			return errors.New("WithCredentialTTL: negative duration")
		}
		o.credentialTTL = d
		return nil
	}
}
