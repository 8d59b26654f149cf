package auth

import "time"

type options struct {
	write         bool
	agent         string
	credentialTTL time.Duration
}

func defaults() options { return options{credentialTTL: DefaultCredentialTTL} }

// Option configures a Transport.
type Option func(*options)

// WithWrite asks for push as well as pull on every repository, so that a
// destination's reads and writes share one token. Default: pull only, except
// for requests that write.
func WithWrite(on bool) Option { return func(o *options) { o.write = on } }

// WithUserAgent puts ua before go-containerregistry's own User-Agent, as
// remote.WithUserAgent would (it does nothing through a Wrap transport).
// Default: go-containerregistry's alone.
func WithUserAgent(ua string) Option { return func(o *options) { o.agent = ua } }

// WithCredentialTTL sets how long the keychain's answer is reused before it
// is asked again; 0 asks on every use. Default: DefaultCredentialTTL.
func WithCredentialTTL(d time.Duration) Option { return func(o *options) { o.credentialTTL = d } }
