package auth

type options struct {
	write bool
	agent string
}

func defaults() options { return options{} }

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
