package credentials_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-containerregistry/pkg/authn"

	"github.com/crane-migrate/crane-migrate/credentials"
)

func TestOverride(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	// A broken helper for every host: the override must not even run it.
	writeConfig(t, dir, `{"credsStore":"bad","auths":{"reg.example.com":{"auth":"`+b64("alice:pw1")+`"}}}`)
	writeScript(t, dir, "docker-credential-bad", "exit 1\n")
	tests := []struct {
		name   string
		opt    credentials.Option
		want   authn.AuthConfig
		source string
	}{
		{name: "override wins", opt: credentials.WithOverride("bob", "pw2", "CRANE_MIGRATE_DST_USERNAME"),
			want: authn.AuthConfig{Username: "bob", Password: "pw2"}, source: "CRANE_MIGRATE_DST_USERNAME"},
		{name: "default source", opt: credentials.WithOverride("bob", "pw2", ""),
			want: authn.AuthConfig{Username: "bob", Password: "pw2"}, source: credentials.DefaultOverrideSource},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			k, err := credentials.New(credentials.WithConfigDir(dir), credentials.WithHelperDir(dir), tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			for _, host := range []string{"reg.example.com", "index.docker.io", "127.0.0.1:5000"} {
				got, source, err := k.Lookup(host)
				if err != nil {
					t.Fatal(err)
				}
				if d := cmp.Diff(tt.want, got); d != "" || source != tt.source {
					t.Errorf("Lookup(%s) = %+v from %q, want %+v from %q", host, got, source, tt.want, tt.source)
				}
				if got, err := resolve(t, k, host); err != nil || got != tt.want {
					t.Errorf("Resolve(%s) = %+v, %v", host, got, err)
				}
			}
		})
	}
	t.Run("empty username leaves the chain", func(t *testing.T) {
		t.Parallel()
		k, err := credentials.New(credentials.WithConfigDir(dir), credentials.WithOverride("", "", "X"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := resolve(t, k, "reg.example.com"); err == nil {
			t.Error("Resolve succeeded, want the chain's broken helper to fail it")
		}
	})
}

func TestDescribe(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := writeConfig(t, dir, `{
		"credHelpers": {"helped.example.com": "foo", "broken.example.com": "missing"},
		"auths": {
			"reg.example.com": {"auth": "`+b64("bob:"+secret)+`"},
			"token.example.com": {"identitytoken": "`+secret+`"},
			"rtoken.example.com": {"registrytoken": "`+secret+`"}
		}}`)
	helperScript(t, dir, "foo", map[string]string{"helped.example.com": "alice " + secret})
	chain, err := credentials.New(credentials.WithConfigDir(dir), credentials.WithHelperDir(dir))
	if err != nil {
		t.Fatal(err)
	}
	over, err := credentials.New(credentials.WithConfigDir(dir), credentials.WithOverride("carol", secret, "CRANE_MIGRATE_SRC_USERNAME"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		k    *credentials.Keychain
		host string
		want string
	}{
		{name: "helper", k: chain, host: "helped.example.com", want: `user "alice" from credential helper docker-credential-foo`},
		{name: "config file", k: chain, host: "reg.example.com", want: `user "bob" from ` + path},
		{name: "identity token", k: chain, host: "token.example.com", want: "identity token from " + path},
		{name: "registry token", k: chain, host: "rtoken.example.com", want: "registry token from " + path},
		{name: "override", k: over, host: "reg.example.com", want: `user "carol" from CRANE_MIGRATE_SRC_USERNAME`},
		{name: "anonymous", k: chain, host: "other.example.com", want: "anonymous"},
		{name: "failing helper", k: chain, host: "broken.example.com",
			want: `unavailable (credential helper "docker-credential-missing" for broken.example.com: program not found: ` +
				`exec: "` + filepath.Join(dir, "docker-credential-missing") + `": stat ` + filepath.Join(dir, "docker-credential-missing") + `: no such file or directory)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := tt.k.Describe(tt.host)
			if got != tt.want {
				t.Errorf("Describe(%s) = %q, want %q", tt.host, got, tt.want)
			}
			if strings.Contains(got, secret) {
				t.Errorf("Describe(%s) shows the secret", tt.host)
			}
		})
	}
}
