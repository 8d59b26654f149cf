package credentials_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-containerregistry/pkg/authn"

	"github.com/crane-migrate/crane-migrate/credentials"
)

func TestLookup(t *testing.T) {
	t.Parallel()
	const hub = "https://index.docker.io/v1/"
	alice := `{"auth":"` + b64("alice:pw1") + `"}`
	tests := []struct {
		name    string
		config  string                       // "" writes no config.json
		helpers map[string]map[string]string // suffix → server URL → "user secret"
		host    string
		want    authn.AuthConfig
		source  string // CONFIG stands for the config.json path
	}{
		{name: "auths base64", config: `{"auths":{"reg.example.com":` + alice + `}}`,
			host: "reg.example.com", want: authn.AuthConfig{Username: "alice", Password: "pw1"}, source: "CONFIG"},
		{name: "auths base64 password with colon", config: `{"auths":{"reg.example.com":{"auth":"` + b64("alice:p:w") + `"}}}`,
			host: "reg.example.com", want: authn.AuthConfig{Username: "alice", Password: "p:w"}, source: "CONFIG"},
		{name: "auths username and password", config: `{"auths":{"reg.example.com":{"username":"bob","password":"pw2"}}}`,
			host: "reg.example.com", want: authn.AuthConfig{Username: "bob", Password: "pw2"}, source: "CONFIG"},
		{name: "auths identity token", config: `{"auths":{"reg.example.com":{"identitytoken":"idt"}}}`,
			host: "reg.example.com", want: authn.AuthConfig{IdentityToken: "idt"}, source: "CONFIG"},
		{name: "auths registry token", config: `{"auths":{"reg.example.com":{"registrytoken":"rt"}}}`,
			host: "reg.example.com", want: authn.AuthConfig{RegistryToken: "rt"}, source: "CONFIG"},
		{name: "key https://host", config: `{"auths":{"https://reg.example.com":` + alice + `}}`,
			host: "reg.example.com", want: authn.AuthConfig{Username: "alice", Password: "pw1"}, source: "CONFIG"},
		{name: "key http://host", config: `{"auths":{"http://reg.example.com":` + alice + `}}`,
			host: "reg.example.com", want: authn.AuthConfig{Username: "alice", Password: "pw1"}, source: "CONFIG"},
		{name: "key https://host/v1/", config: `{"auths":{"https://reg.example.com/v1/":` + alice + `}}`,
			host: "reg.example.com", want: authn.AuthConfig{Username: "alice", Password: "pw1"}, source: "CONFIG"},
		{name: "key with port", config: `{"auths":{"https://127.0.0.1:5000/v2/":` + alice + `}}`,
			host: "127.0.0.1:5000", want: authn.AuthConfig{Username: "alice", Password: "pw1"}, source: "CONFIG"},
		{name: "port must match", config: `{"auths":{"127.0.0.1:5000":` + alice + `}}`,
			host: "127.0.0.1:5001", source: credentials.AnonymousSource},
		{name: "exact key wins over a normalised one", config: `{"auths":{"https://reg.example.com":{"username":"other","password":"x"},"reg.example.com":` + alice + `}}`,
			host: "reg.example.com", want: authn.AuthConfig{Username: "alice", Password: "pw1"}, source: "CONFIG"},
		{name: "empty entry is skipped", config: `{"auths":{"reg.example.com":{},"https://reg.example.com":` + alice + `}}`,
			host: "reg.example.com", want: authn.AuthConfig{Username: "alice", Password: "pw1"}, source: "CONFIG"},
		{name: "docker hub key for index.docker.io", config: `{"auths":{"` + hub + `":{"auth":"` + b64("carol:pw3") + `"}}}`,
			host: "index.docker.io", want: authn.AuthConfig{Username: "carol", Password: "pw3"}, source: "CONFIG"},
		{name: "docker hub key for docker.io", config: `{"auths":{"` + hub + `":{"auth":"` + b64("carol:pw3") + `"}}}`,
			host: "docker.io", want: authn.AuthConfig{Username: "carol", Password: "pw3"}, source: "CONFIG"},
		{name: "docker hub key for registry-1.docker.io", config: `{"auths":{"` + hub + `":{"auth":"` + b64("carol:pw3") + `"}}}`,
			host: "registry-1.docker.io", want: authn.AuthConfig{Username: "carol", Password: "pw3"}, source: "CONFIG"},
		{name: "legacy docker.io key", config: `{"auths":{"docker.io":{"auth":"` + b64("carol:pw3") + `"}}}`,
			host: "index.docker.io", want: authn.AuthConfig{Username: "carol", Password: "pw3"}, source: "CONFIG"},
		{name: "other host is anonymous", config: `{"auths":{"reg.example.com":` + alice + `}}`,
			host: "other.example.com", source: credentials.AnonymousSource},
		{name: "no config file", host: "reg.example.com", source: credentials.AnonymousSource},
		{name: "empty config file", config: "  \n", host: "reg.example.com", source: credentials.AnonymousSource},
		{name: "credsStore", config: `{"credsStore":"store"}`,
			helpers: map[string]map[string]string{"store": {"reg.example.com": "dave pw4"}},
			host:    "reg.example.com", want: authn.AuthConfig{Username: "dave", Password: "pw4"}, source: "credential helper docker-credential-store"},
		{name: "credsStore wins over auths", config: `{"credsStore":"store","auths":{"reg.example.com":` + alice + `}}`,
			helpers: map[string]map[string]string{"store": {"reg.example.com": "dave pw4"}},
			host:    "reg.example.com", want: authn.AuthConfig{Username: "dave", Password: "pw4"}, source: "credential helper docker-credential-store"},
		{name: "credsStore asked with the docker hub key", config: `{"credsStore":"store"}`,
			helpers: map[string]map[string]string{"store": {hub: "dave pw4"}},
			host:    "index.docker.io", want: authn.AuthConfig{Username: "dave", Password: "pw4"}, source: "credential helper docker-credential-store"},
		{name: "credsStore not found falls through to auths", config: `{"credsStore":"store","auths":{"reg.example.com":{"auth":"` + b64("erin:pw5") + `"}}}`,
			helpers: map[string]map[string]string{"store": {}},
			host:    "reg.example.com", want: authn.AuthConfig{Username: "erin", Password: "pw5"}, source: "CONFIG"},
		{name: "credsStore not found and no auths is anonymous", config: `{"credsStore":"store"}`,
			helpers: map[string]map[string]string{"store": {}},
			host:    "reg.example.com", source: credentials.AnonymousSource},
		{name: "credsStore empty answer is anonymous", config: `{"credsStore":"store"}`,
			helpers: map[string]map[string]string{"store": {"reg.example.com": " "}},
			host:    "reg.example.com", source: credentials.AnonymousSource},
		{name: "credHelpers wins over credsStore", config: `{"credsStore":"store","credHelpers":{"reg.example.com":"special"}}`,
			helpers: map[string]map[string]string{"store": {"reg.example.com": "dave pw4"}, "special": {"reg.example.com": "frank pw6"}},
			host:    "reg.example.com", want: authn.AuthConfig{Username: "frank", Password: "pw6"}, source: "credential helper docker-credential-special"},
		{name: "credHelpers only for its host", config: `{"credsStore":"store","credHelpers":{"other.example.com":"special"}}`,
			helpers: map[string]map[string]string{"store": {"reg.example.com": "dave pw4"}},
			host:    "reg.example.com", want: authn.AuthConfig{Username: "dave", Password: "pw4"}, source: "credential helper docker-credential-store"},
		{name: "credHelpers keyed by docker hub key", config: `{"credHelpers":{"` + hub + `":"special"}}`,
			helpers: map[string]map[string]string{"special": {hub: "frank pw6"}},
			host:    "index.docker.io", want: authn.AuthConfig{Username: "frank", Password: "pw6"}, source: "credential helper docker-credential-special"},
		{name: "credHelpers keyed by docker.io", config: `{"credHelpers":{"docker.io":"special"}}`,
			helpers: map[string]map[string]string{"special": {hub: "frank pw6"}},
			host:    "index.docker.io", want: authn.AuthConfig{Username: "frank", Password: "pw6"}, source: "credential helper docker-credential-special"},
		{name: "credHelpers not found falls through to auths", config: `{"credHelpers":{"reg.example.com":"special"},"auths":{"reg.example.com":` + alice + `}}`,
			helpers: map[string]map[string]string{"special": {}},
			host:    "reg.example.com", want: authn.AuthConfig{Username: "alice", Password: "pw1"}, source: "CONFIG"},
		{name: "empty credHelpers entry bypasses credsStore", config: `{"credsStore":"broken","credHelpers":{"reg.example.com":""},"auths":{"reg.example.com":` + alice + `}}`,
			host: "reg.example.com", want: authn.AuthConfig{Username: "alice", Password: "pw1"}, source: "CONFIG"},
		{name: "helper identity token", config: `{"credsStore":"store"}`,
			helpers: map[string]map[string]string{"store": {hub: "<token> idt2"}},
			host:    "index.docker.io", want: authn.AuthConfig{IdentityToken: "idt2"}, source: "credential helper docker-credential-store"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			if tt.config != "" {
				writeConfig(t, dir, tt.config)
			}
			for suffix, creds := range tt.helpers {
				helperScript(t, dir, suffix, creds)
			}
			k, err := credentials.New(credentials.WithConfigDir(dir), credentials.WithHelperDir(dir))
			if err != nil {
				t.Fatal(err)
			}
			got, source, err := k.Lookup(tt.host)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("Lookup (-want +got):\n%s", d)
			}
			wantSource := strings.ReplaceAll(tt.source, "CONFIG", filepath.Join(dir, "config.json"))
			if source != wantSource {
				t.Errorf("source = %q, want %q", source, wantSource)
			}
			viaKeychain, err := resolve(t, k, tt.host)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, viaKeychain); d != "" {
				t.Errorf("Resolve (-want +got):\n%s", d)
			}
		})
	}
}
