package auth

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
)

// DefaultCredentialTTL is how long a keychain's answer is reused.
const DefaultCredentialTTL = time.Minute

// keychainAuth is the Authenticator every scope of a Transport shares. It
// asks the keychain again once its answer is older than ttl: a credential
// helper's secret may be short-lived (an hour for gcloud's), and a run may
// be longer; yet a Basic registry asks for credentials on every request, and
// a helper is a process to start. A failure is not kept.
type keychainAuth struct {
	kc  authn.Keychain
	reg name.Registry
	ttl time.Duration
	now func() time.Time

	mu  sync.Mutex
	cfg *authn.AuthConfig
	at  time.Time
}

func (k *keychainAuth) Authorization() (*authn.AuthConfig, error) {
	return k.AuthorizationContext(context.Background())
}

// AuthorizationContext implements authn.ContextAuthenticator: ctx stops a
// hanging credential helper.
func (k *keychainAuth) AuthorizationContext(ctx context.Context) (*authn.AuthConfig, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.cfg != nil && k.now().Sub(k.at) < k.ttl {
		c := *k.cfg
		return &c, nil
	}
	a, err := authn.Resolve(ctx, k.kc, k.reg)
	if err != nil {
		return nil, fmt.Errorf("credentials for %s: %w", k.reg, err)
	}
	cfg, err := authn.Authorization(ctx, a)
	if err != nil {
		return nil, fmt.Errorf("credentials for %s: %w", k.reg, err)
	}
	k.cfg, k.at = cfg, k.now()
	c := *cfg
	return &c, nil
}
