package hubfake

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
)

// Defaults, each checked by a test.
const (
	// DefaultTokenTTL is how long a token stays valid, as on the Hub.
	DefaultTokenTTL = 10 * time.Minute
	// DefaultAnonymousOffsetCap is the listing offset past which anonymous
	// requests get 403.
	DefaultAnonymousOffsetCap = 1000
	// UnlimitedRateLimit is the X-RateLimit-Limit reported without
	// WithRateLimit: large, so clients that pace themselves never slow down.
	UnlimitedRateLimit = 1_000_000
)

// Option configures New.
type Option func(*options) error

type options struct {
	tokenTTL  time.Duration
	offsetCap int
	rateLimit int // per minute; 0 is unlimited
	window    time.Duration
	transport http.RoundTripper
	auth      authn.Authenticator
	accounts  []*account
	now       func() time.Time
	// privateQuota is the plan's private-repository quota per namespace.
	privateQuota map[string]int
}

func makeOptions(opts ...Option) (*options, error) {
	o := &options{tokenTTL: DefaultTokenTTL, offsetCap: DefaultAnonymousOffsetCap,
		transport: http.DefaultTransport, auth: authn.Anonymous, now: time.Now}
	for _, opt := range opts {
		if err := opt(o); err != nil {
			return nil, err
		}
	}
	return o, nil
}

// WithTokenTTL sets how long tokens stay valid. Default: DefaultTokenTTL.
func WithTokenTTL(d time.Duration) Option {
	return func(o *options) error {
		if d <= 0 {
			return fmt.Errorf("WithTokenTTL: %v is not positive", d)
		}
		o.tokenTTL = d
		return nil
	}
}

// WithAnonymousOffsetCap sets the offset (page-1)*page_size from which
// anonymous listings answer 403. Default: DefaultAnonymousOffsetCap.
func WithAnonymousOffsetCap(n int) Option {
	return func(o *options) error {
		if n <= 0 {
			return fmt.Errorf("WithAnonymousOffsetCap: %d is not positive", n)
		}
		o.offsetCap = n
		return nil
	}
}

// WithRateLimit answers 429 once more than perMinute requests arrive in a
// minute. Default: unlimited (the headers are sent anyway).
func WithRateLimit(perMinute int) Option {
	return func(o *options) error {
		if perMinute <= 0 {
			return fmt.Errorf("WithRateLimit: %d is not positive", perMinute)
		}
		o.rateLimit = perMinute
		return nil
	}
}

// WithRateWindow shortens the rate-limit window (the real Hub's is a
// minute), so that a test can see one waited out. Default: a minute.
func WithRateWindow(d time.Duration) Option {
	return func(o *options) error {
		if d < time.Second {
			return fmt.Errorf("WithRateWindow: %v is under a second (X-RateLimit-Reset is in whole seconds)", d)
		}
		o.window = d
		return nil
	}
}

// WithRegistryTransport reads the backing registry through t.
// Default: http.DefaultTransport.
func WithRegistryTransport(t http.RoundTripper) Option {
	return func(o *options) error {
		if t == nil {
			return errors.New("WithRegistryTransport: nil transport")
		}
		o.transport = t
		return nil
	}
}

// WithRegistryAuth reads the backing registry as user (Basic auth, e.g. an
// htpasswd-protected registry). Default: anonymous.
func WithRegistryAuth(user, pass string) Option {
	return func(o *options) error {
		if user == "" {
			return errors.New("WithRegistryAuth: empty user")
		}
		o.auth = &authn.Basic{Username: user, Password: pass}
		return nil
	}
}

// WithPrivateRepositoryQuota gives namespace ns a plan allowing n private
// repositories: creating one more answers 400, as the Hub does. Default: no
// quota.
func WithPrivateRepositoryQuota(ns string, n int) Option {
	return func(o *options) error {
		if ns == "" || n < 0 {
			return fmt.Errorf("WithPrivateRepositoryQuota(%q, %d): want a namespace and n >= 0", ns, n)
		}
		if o.privateQuota == nil {
			o.privateQuota = map[string]int{}
		}
		o.privateQuota[ns] = n
		return nil
	}
}

// WithClock replaces time.Now, for token expiry, rate-limit windows and the
// dates the fake gives what it first sees (tags, repositories).
// Default: time.Now.
func WithClock(now func() time.Time) Option {
	return func(o *options) error {
		if now == nil {
			return errors.New("WithClock: nil clock")
		}
		o.now = now
		return nil
	}
}

// WithAccount lets user log in with secret (a password, PAT or OAT). Call it
// again for the same user to add another secret, e.g. a PAT next to a
// two-factor password. Default: no accounts, so every login fails.
func WithAccount(user, secret string, opts ...AccountOption) Option {
	return func(o *options) error {
		if user == "" || secret == "" {
			return errors.New("WithAccount: empty user or secret")
		}
		a := &account{user: user, secret: secret}
		for _, opt := range opts {
			opt(a)
		}
		o.accounts = append(o.accounts, a)
		return nil
	}
}

// AccountOption qualifies one WithAccount secret.
type AccountOption func(*account)

// TwoFactor makes the secret the password of an account with two-factor
// authentication: /v2/users/login answers 401 with a login_2fa_token and
// /v2/auth/token refuses it. Use another secret (a PAT) for the same user.
func TwoFactor() AccountOption {
	return func(a *account) { a.twoFactor = true }
}

// OATWithoutRepositoryList makes the secret an organization access token
// with image pull and push on its organization's repositories but lacking
// scope-repository-list: its listings silently show public repositories
// only, as the Hub's do. It is OAT(ScopeImagePull, ScopeImagePush).
func OATWithoutRepositoryList() AccountOption {
	return OAT(ScopeImagePull, ScopeImagePush)
}
