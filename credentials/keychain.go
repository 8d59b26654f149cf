package credentials

import (
	"context"
	"fmt"

	"github.com/google/go-containerregistry/pkg/authn"
)

// AnonymousSource is the source Lookup reports when no credentials apply.
const AnonymousSource = "anonymous"

// Keychain resolves one side's credentials. It implements authn.Keychain
// and authn.ContextKeychain, and is safe for concurrent use.
type Keychain struct {
	o options
}

var (
	_ authn.Keychain        = (*Keychain)(nil)
	_ authn.ContextKeychain = (*Keychain)(nil)
)

// New returns a Keychain, or ErrInvalidOption for a misused option. It reads
// nothing yet: config.json is read on each lookup.
func New(opts ...Option) (*Keychain, error) {
	o := defaultOptions()
	for _, opt := range opts {
		if err := opt(&o); err != nil {
			return nil, err
		}
	}
	return &Keychain{o: o}, nil
}

// Resolve implements authn.Keychain.
func (k *Keychain) Resolve(r authn.Resource) (authn.Authenticator, error) {
	return k.ResolveContext(context.Background(), r)
}

// ResolveContext implements authn.ContextKeychain: ctx stops a hanging
// credential helper. No credentials is authn.Anonymous; a failing helper or
// a broken config.json is an error, never anonymous.
func (k *Keychain) ResolveContext(ctx context.Context, r authn.Resource) (authn.Authenticator, error) {
	ac, _, err := k.LookupContext(ctx, r.RegistryStr())
	if err != nil {
		return nil, err
	}
	if ac == (authn.AuthConfig{}) {
		return authn.Anonymous, nil
	}
	return authn.FromConfig(ac), nil
}

// Lookup is LookupContext without a deadline.
func (k *Keychain) Lookup(host string) (authn.AuthConfig, string, error) {
	return k.LookupContext(context.Background(), host)
}

// LookupContext returns the credentials for a registry host (as
// name.Registry.RegistryStr gives it) in plain form — the Docker Hub API
// client logs in with them — and a label saying where they came from: the
// override's source, "credential helper docker-credential-<x>", the
// config.json path, or AnonymousSource with the zero AuthConfig.
//
// The order is docker's: the host's credHelpers entry, else credsStore,
// then auths. Unlike docker, a helper answering "not found" falls through
// to auths instead of hiding them.
func (k *Keychain) LookupContext(ctx context.Context, host string) (authn.AuthConfig, string, error) {
	if o := k.o.override; o != nil {
		return authn.AuthConfig{Username: o.user, Password: o.pass}, o.source, nil
	}
	cf, path, err := loadConfig(k.o.configDir)
	if err != nil {
		return authn.AuthConfig{}, "", err
	}
	if helper := cf.helperFor(host); helper != "" {
		ac, err := k.fromHelper(ctx, helper, host)
		if err != nil {
			return authn.AuthConfig{}, "", err
		}
		if ac != (authn.AuthConfig{}) {
			return ac, helperSource(helper), nil
		}
	}
	ac, err := cf.fromAuths(host, path)
	switch {
	case err != nil:
		return authn.AuthConfig{}, "", err
	case ac == (authn.AuthConfig{}):
		return ac, AnonymousSource, nil
	}
	return ac, path, nil
}

func helperSource(suffix string) string {
	return fmt.Sprintf("credential helper %s%s", HelperPrefix, suffix)
}
