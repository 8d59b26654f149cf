package side

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/sirupsen/logrus"

	"github.com/crane-migrate/crane-migrate/auth"
	"github.com/crane-migrate/crane-migrate/credentials"
	"github.com/crane-migrate/crane-migrate/hub"
	"github.com/crane-migrate/crane-migrate/pulls"
	"github.com/crane-migrate/crane-migrate/retry"
)

// Side is one registry of a run. Its fields are set by New and read-only
// afterwards.
type Side struct {
	Label    string // "source" or "destination", for messages
	Registry name.Registry
	Keychain *credentials.Keychain
	// RT is the side's own connections behind the retry layer and the TLS
	// policy; the Hub API client and Ping use it unauthenticated.
	RT http.RoundTripper
	// Auth authenticates every registry request of the side; raw requests
	// (blob writes, probes) go through it directly.
	Auth   *auth.Transport
	Puller *remote.Puller
	// Pusher is nil unless the side was built WithWrite.
	Pusher *remote.Pusher
	// Hub is the Docker Hub API client, nil when the side has none.
	Hub   *hub.Client
	Quota *pulls.Quota
	TLS   TLSPolicy
	log   logrus.FieldLogger
}

// New builds the side of reg. ctx bounds the credential lookup for the Hub API.
func New(ctx context.Context, reg name.Registry, opts ...Option) (*Side, error) {
	o := defaults()
	for _, opt := range opts {
		if err := opt(&o); err != nil {
			return nil, err
		}
	}
	if o.keychain == nil {
		kc, err := credentials.New()
		if err != nil {
			return nil, fmt.Errorf("%s credentials: %w", o.label, err)
		}
		o.keychain = kc
	}
	if o.quota == nil {
		o.quota = &pulls.Quota{}
	}
	rt, err := newTransport(o)
	if err != nil {
		return nil, err
	}
	at, err := auth.New(reg, o.keychain, rt, auth.WithWrite(o.write), auth.WithUserAgent(o.agent))
	if err != nil {
		return nil, err
	}
	s := &Side{Label: o.label, Registry: reg, Keychain: o.keychain, RT: rt, Quota: o.quota, TLS: o.tls, log: o.log, Auth: at}
	ropts := []remote.Option{
		// Authentication is ours too: one ping per registry and one token
		// per repository for the whole run (package auth).
		remote.WithTransport(s.Auth.Wrap()),
		remote.WithJobs(o.concurrency),
		// Retries are ours: package retry for every request, and copy's
		// whole-upload retry for a blob's streamed PUT. ggcr's are off.
		remote.WithRetryStatusCodes(),
		remote.WithRetryPredicate(func(error) bool { return false }),
	}
	if s.Puller, err = remote.NewPuller(ropts...); err != nil {
		return nil, fmt.Errorf("%s: %w", o.label, err)
	}
	if o.write {
		if s.Pusher, err = remote.NewPusher(ropts...); err != nil {
			return nil, fmt.Errorf("%s: %w", o.label, err)
		}
	}
	if s.Hub, err = newHub(ctx, reg, o, rt); err != nil {
		return nil, err
	}
	return s, nil
}

// Describe names the credentials the side uses (host and username, never
// the secret), for a 401 or 403.
func (s *Side) Describe() string { return s.Keychain.Describe(s.Registry.RegistryStr()) }

// newHub is the side's Docker Hub API client, nil without one.
func newHub(ctx context.Context, reg name.Registry, o options, rt http.RoundTripper) (*hub.Client, error) {
	api := o.hubAPI
	if api == "" && reg.RegistryStr() == name.DefaultRegistry {
		api = hub.DefaultBaseURL
	}
	if api == "" {
		return nil, nil
	}
	hopts := []hub.Option{hub.WithTransport(rt), hub.WithLogger(o.log.WithField("side", o.label))}
	ac, _, err := o.keychain.LookupContext(ctx, reg.RegistryStr())
	if err != nil {
		return nil, fmt.Errorf("%s credentials: %w", o.label, err)
	}
	secret := ac.Password
	if secret == "" {
		secret = ac.IdentityToken
	}
	if ac.Username != "" && secret != "" {
		hopts = append(hopts, hub.WithCredentials(ac.Username, secret))
	} else {
		o.log.WithField("side", o.label).Warn("no Docker Hub credentials: listing anonymously sees public repositories only and is capped")
	}
	c, err := hub.New(api, hopts...)
	if err != nil {
		return nil, fmt.Errorf("%s Docker Hub API: %w", o.label, err)
	}
	return c, nil
}

// newTransport is one side's connections (its registry and its Hub API),
// sized to the concurrency so parallel copies do not queue for them, behind
// the retry layer. Each side has its own: a blob upload holds a source
// connection while it waits for a destination one, so with one pool and a
// per-host limit, a migration within one registry could wait on itself.
func newTransport(o options) (http.RoundTripper, error) {
	t := remote.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = o.concurrency * 2
	t.MaxIdleConns = o.concurrency * 8
	// The per-host limit: the engine's stages each have --jobs workers and
	// each write fans out to its blobs, so an org of large indexes could
	// otherwise open hundreds of connections to one registry at once.
	t.MaxConnsPerHost = o.concurrency * 2
	// A registry that accepts a connection and never answers must not hold a
	// worker forever: in-flight copies are not cancelled by the first Ctrl-C.
	t.ResponseHeaderTimeout = 2 * time.Minute
	rt, err := retry.New(o.tls.Wrap(t), retry.WithLogger(o.log), retry.WithQuota(o.quota))
	if err != nil {
		return nil, err
	}
	return pulls.NewGate(rt, o.quota, o.pulls), nil
}
