package credentials

import (
	"fmt"

	"github.com/google/go-containerregistry/pkg/authn"
)

// Keychain resolves one side's credentials. It implements authn.Keychain.
type Keychain struct {
	dir       string
	helperDir string
	override  *override
}

type override struct {
	user, pass, source string
}

// Option configures a Keychain.
type Option func(*Keychain)

// WithConfigDir reads DIR/config.json. Default: $DOCKER_CONFIG, else ~/.docker.
func WithConfigDir(dir string) Option { return func(k *Keychain) { k.dir = dir } }

// WithHelperDir runs credential helpers from dir. Default: found on PATH.
func WithHelperDir(dir string) Option { return func(k *Keychain) { k.helperDir = dir } }

// WithOverride answers every host with user and pass, ignoring config.json;
// source names where they came from (an environment variable) for messages.
// An empty user leaves the chain in charge. Default: none.
func WithOverride(user, pass, source string) Option {
	return func(k *Keychain) {
		if user != "" {
			k.override = &override{user: user, pass: pass, source: source}
		}
	}
}

// New returns a Keychain. It reads nothing yet: config.json is read on each
// lookup, so a fresh `docker login` is seen without a restart.
func New(opts ...Option) (*Keychain, error) {
	k := &Keychain{dir: defaultConfigDir()}
	for _, o := range opts {
		o(k)
	}
	return k, nil
}

// Resolve implements authn.Keychain.
func (k *Keychain) Resolve(r authn.Resource) (authn.Authenticator, error) {
	ac, _, err := k.Lookup(r.RegistryStr())
	if err != nil {
		return nil, err
	}
	if ac == (authn.AuthConfig{}) {
		return authn.Anonymous, nil
	}
	return authn.FromConfig(ac), nil
}

// Lookup returns host's credentials and a label saying where they came from
// ("anonymous" when nowhere). The Docker Hub API client needs them in plain
// form to log in.
func (k *Keychain) Lookup(host string) (authn.AuthConfig, string, error) {
	if o := k.override; o != nil {
		return authn.AuthConfig{Username: o.user, Password: o.pass}, o.source, nil
	}
	cf, path, err := loadConfig(k.dir)
	if err != nil {
		return authn.AuthConfig{}, "", err
	}
	// credHelpers wins over credsStore, which wins over auths, as in docker.
	if h := cf.CredHelpers[host]; h != "" {
		return k.helperLookup(h, host)
	}
	if cf.CredsStore != "" {
		ac, ok, err := k.fromHelper(cf.CredsStore, host)
		if err != nil {
			return authn.AuthConfig{}, "", err
		}
		if ok {
			return ac, "credential helper docker-credential-" + cf.CredsStore, nil
		}
	}
	ac, ok, err := cf.fromAuths(host, path)
	if err != nil || !ok {
		return authn.AuthConfig{}, "anonymous", err
	}
	return ac, path, nil
}

func (k *Keychain) helperLookup(helper, host string) (authn.AuthConfig, string, error) {
	ac, ok, err := k.fromHelper(helper, host)
	if err != nil || !ok {
		return authn.AuthConfig{}, "anonymous", err
	}
	return ac, "credential helper docker-credential-" + helper, nil
}

// Describe says which credentials host gets — user and source, never the
// secret — for error messages such as a 401's hint.
func (k *Keychain) Describe(host string) string {
	ac, source, err := k.Lookup(host)
	switch {
	case err != nil:
		return fmt.Sprintf("none for %s (%v)", host, err)
	case ac.Username != "":
		return fmt.Sprintf("user %q for %s from %s", ac.Username, host, source)
	case ac.IdentityToken != "" || ac.RegistryToken != "":
		return fmt.Sprintf("a token for %s from %s", host, source)
	}
	return "anonymous for " + host
}
