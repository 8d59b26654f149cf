package commands

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/sirupsen/logrus"

	"github.com/crane-migrate/crane-migrate/auth"
	"github.com/crane-migrate/crane-migrate/credentials"
	"github.com/crane-migrate/crane-migrate/hub"
	"github.com/crane-migrate/crane-migrate/retry"
)

// side is one end of a migration: its registry, credentials, transport and,
// when it has one, its Docker Hub API client.
type side struct {
	label    string // "source" or "destination"
	registry name.Registry
	keychain *credentials.Keychain
	rt       http.RoundTripper // this side's own connections, behind the retry layer
	auth     *auth.Transport   // every registry request of this side goes through it
	remote   []remote.Option
	hub      *hub.Client
}

// sideSpec is what the flags and environment say about one side.
type sideSpec struct {
	label, envName string // envName is SRC or DST
	registry       name.Registry
	hubAPI         string
	username       string
	write          bool // the run writes to this side: one push token serves reads too
}

func newSide(ctx context.Context, spec sideSpec, cfg migrateConfig, log logrus.FieldLogger, quota *retry.Quota) (*side, error) {
	var kopts []credentials.Option
	if cfg.dockerConfig != "" {
		kopts = append(kopts, credentials.WithConfigDir(cfg.dockerConfig))
	}
	if spec.username != "" {
		prefix := envPrefix
		if spec.envName != "" {
			prefix += spec.envName + "_"
		}
		kopts = append(kopts, credentials.WithOverride(spec.username, os.Getenv(prefix+"PASSWORD"), prefix+"USERNAME"))
	}
	kc, err := credentials.New(kopts...)
	if err != nil {
		return nil, asUsage(fmt.Errorf("%s credentials: %w", spec.label, err))
	}
	rt := newTransport(cfg, log, quota)
	s := &side{label: spec.label, registry: spec.registry, keychain: kc, rt: rt,
		auth: auth.New(spec.registry, kc, rt, auth.WithWrite(spec.write), auth.WithUserAgent(userAgent))}
	s.remote = []remote.Option{
		// Authentication is ours too: one ping per registry and one token
		// per repository for the whole run (package auth).
		remote.WithTransport(s.auth.Wrap()),
		remote.WithJobs(cfg.concurrency),
		// Retries are ours: package retry for every request, and copy's
		// whole-upload retry for a blob's streamed PUT. ggcr's are off.
		remote.WithRetryStatusCodes(),
		remote.WithRetryPredicate(func(error) bool { return false }),
	}
	api := spec.hubAPI
	if api == "" && spec.registry.RegistryStr() == name.DefaultRegistry {
		api = hub.DefaultBaseURL
	}
	if api == "" {
		return s, nil
	}
	hopts := []hub.Option{hub.WithTransport(rt), hub.WithLogger(log.WithField("side", spec.label))}
	ac, _, err := kc.LookupContext(ctx, spec.registry.RegistryStr())
	if err != nil {
		return nil, fmt.Errorf("%s credentials: %w", spec.label, err)
	}
	secret := ac.Password
	if secret == "" {
		secret = ac.IdentityToken
	}
	if ac.Username != "" && secret != "" {
		hopts = append(hopts, hub.WithCredentials(ac.Username, secret))
	} else {
		log.WithField("side", spec.label).Warn("no Docker Hub credentials: listing anonymously sees public repositories only and is capped")
	}
	if s.hub, err = hub.New(api, hopts...); err != nil {
		return nil, asUsage(fmt.Errorf("%s Docker Hub API: %w", spec.label, err))
	}
	return s, nil
}

// newTransport is one side's connections (its registry and its Hub API),
// sized to the job count so parallel copies do not queue for them, behind
// the retry layer. Each side has its own: a blob upload holds a source
// connection while it waits for a destination one, so with one pool and a
// per-host limit, a migration within one registry could wait on itself.
func newTransport(cfg migrateConfig, log logrus.FieldLogger, quota *retry.Quota) http.RoundTripper {
	t := remote.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = cfg.concurrency * 2
	t.MaxIdleConns = cfg.concurrency * 8
	// The per-host limit: the engine's stages each have --jobs workers and
	// each write fans out to its blobs, so an org of large indexes could
	// otherwise open hundreds of connections to one registry at once.
	t.MaxConnsPerHost = cfg.concurrency * 2
	// A registry that accepts a connection and never answers must not hold a
	// worker forever: in-flight copies are not cancelled by the first Ctrl-C.
	t.ResponseHeaderTimeout = 2 * time.Minute
	return retry.New(cfg.tls.wrap(t), retry.WithLogger(log), retry.WithQuota(quota))
}
