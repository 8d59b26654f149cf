package credentials_test

import (
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"

	"github.com/crane-migrate/crane-migrate/credentials"
)

// helperScript writes docker-credential-<suffix> into dir: it answers `get`
// for the server URLs in creds ("user secret" each) and "not found" otherwise.
func helperScript(t *testing.T, dir, suffix string, creds map[string]string) {
	t.Helper()
	var cases strings.Builder
	for server, us := range creds {
		user, secret, _ := strings.Cut(us, " ")
		cases.WriteString("  '" + server + "') printf '{\"ServerURL\":\"%s\",\"Username\":\"" + user + "\",\"Secret\":\"" + secret + "\"}' \"$server\" ;;\n")
	}
	script := `#!/bin/sh
[ "$1" = get ] || { echo "unsupported $1" >&2; exit 1; }
read -r server
case "$server" in
` + cases.String() + `  *) echo "credentials not found in native keychain"; exit 1 ;;
esac
`
	if err := os.WriteFile(filepath.Join(dir, "docker-credential-"+suffix), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
}

func failingHelper(t *testing.T, dir, suffix string) {
	t.Helper()
	script := "#!/bin/sh\necho 'error getting credentials - err: exit status 1, out: `keychain locked`'\nexit 1\n"
	if err := os.WriteFile(filepath.Join(dir, "docker-credential-"+suffix), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
}

func writeConfig(t *testing.T, dir, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func resolve(t *testing.T, k authn.Keychain, host string) (authn.AuthConfig, error) {
	t.Helper()
	reg, err := name.NewRegistry(host)
	if err != nil {
		t.Fatal(err)
	}
	a, err := k.Resolve(reg)
	if err != nil {
		return authn.AuthConfig{}, err
	}
	ac, err := a.Authorization()
	if err != nil {
		t.Fatal(err)
	}
	return *ac, nil
}

func TestLookup(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		config  string
		helpers map[string]map[string]string // suffix → server → "user secret"
		host    string
		want    authn.AuthConfig
		source  string
	}{
		{name: "auths base64", config: `{"auths":{"reg.example.com":{"auth":"` + b64("alice:pw1") + `"}}}`,
			host: "reg.example.com", want: authn.AuthConfig{Username: "alice", Password: "pw1"}, source: "config.json"},
		{name: "auths https key with path", config: `{"auths":{"https://reg.example.com/v1/":{"username":"bob","password":"pw2"}}}`,
			host: "reg.example.com", want: authn.AuthConfig{Username: "bob", Password: "pw2"}, source: "config.json"},
		{name: "auths identity token", config: `{"auths":{"reg.example.com":{"identitytoken":"idt"}}}`,
			host: "reg.example.com", want: authn.AuthConfig{IdentityToken: "idt"}, source: "config.json"},
		{name: "docker hub key", config: `{"auths":{"https://index.docker.io/v1/":{"auth":"` + b64("carol:pw3") + `"}}}`,
			host: "index.docker.io", want: authn.AuthConfig{Username: "carol", Password: "pw3"}, source: "config.json"},
		{name: "other host is anonymous", config: `{"auths":{"reg.example.com":{"auth":"` + b64("alice:pw1") + `"}}}`,
			host: "other.example.com", source: "anonymous"},
		{name: "credsStore", config: `{"credsStore":"store"}`,
			helpers: map[string]map[string]string{"store": {"reg.example.com": "dave pw4"}},
			host:    "reg.example.com", want: authn.AuthConfig{Username: "dave", Password: "pw4"}, source: "docker-credential-store"},
		{name: "credsStore not found falls through to auths", config: `{"credsStore":"store","auths":{"reg.example.com":{"auth":"` + b64("erin:pw5") + `"}}}`,
			helpers: map[string]map[string]string{"store": {}},
			host:    "reg.example.com", want: authn.AuthConfig{Username: "erin", Password: "pw5"}, source: "config.json"},
		{name: "credHelpers wins over credsStore", config: `{"credsStore":"store","credHelpers":{"reg.example.com":"special"}}`,
			helpers: map[string]map[string]string{"store": {"reg.example.com": "dave pw4"}, "special": {"reg.example.com": "frank pw6"}},
			host:    "reg.example.com", want: authn.AuthConfig{Username: "frank", Password: "pw6"}, source: "docker-credential-special"},
		{name: "helper identity token", config: `{"credsStore":"store"}`,
			helpers: map[string]map[string]string{"store": {"https://index.docker.io/v1/": "<token> idt2"}},
			host:    "index.docker.io", want: authn.AuthConfig{IdentityToken: "idt2"}, source: "docker-credential-store"},
		{name: "no config file", host: "reg.example.com", source: "anonymous"},
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
				t.Errorf("(-want +got):\n%s", d)
			}
			if !strings.Contains(source, tt.source) {
				t.Errorf("source %q, want it to mention %q", source, tt.source)
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

func TestHelperFailureIsAnError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		config string
		setup  func(t *testing.T, dir string)
		want   string
	}{
		{name: "helper fails", config: `{"credsStore":"locked"}`, setup: func(t *testing.T, dir string) { failingHelper(t, dir, "locked") }, want: "keychain locked"},
		{name: "helper missing", config: `{"credHelpers":{"reg.example.com":"absent"}}`, setup: func(*testing.T, string) {}, want: "docker-credential-absent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			writeConfig(t, dir, tt.config)
			tt.setup(t, dir)
			k, _ := credentials.New(credentials.WithConfigDir(dir), credentials.WithHelperDir(dir))
			_, err := resolve(t, k, "reg.example.com")
			var he *credentials.HelperError
			if !errors.As(err, &he) {
				t.Fatalf("err = %v, want a *HelperError (never anonymous)", err)
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "reg.example.com") {
				t.Errorf("error %q should name the helper, host and its message", err)
			}
		})
	}
}

func TestConfigErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeConfig(t, dir, `{"auths": nope`)
	k, _ := credentials.New(credentials.WithConfigDir(dir))
	_, _, err := k.Lookup("reg.example.com")
	if !errors.Is(err, credentials.ErrConfig) || !strings.Contains(err.Error(), filepath.Join(dir, "config.json")) {
		t.Errorf("err = %v, want ErrConfig naming the file", err)
	}
}

func TestOverrideAndDescribe(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeConfig(t, dir, `{"auths":{"reg.example.com":{"auth":"`+b64("alice:topsecret")+`"}}}`)
	chain, _ := credentials.New(credentials.WithConfigDir(dir))
	over, _ := credentials.New(credentials.WithConfigDir(dir), credentials.WithOverride("bob", "othersecret", "CRANE_MIGRATE_DST_USERNAME"))
	got, _ := resolve(t, over, "reg.example.com")
	if got.Username != "bob" || got.Password != "othersecret" {
		t.Errorf("override: got %+v", got)
	}
	for k, want := range map[*credentials.Keychain]string{chain: `user "alice"`, over: "CRANE_MIGRATE_DST_USERNAME"} {
		d := k.Describe("reg.example.com")
		if !strings.Contains(d, want) || strings.Contains(d, "secret") {
			t.Errorf("Describe = %q, want %q and no secret", d, want)
		}
	}
}

func TestDockerConfigEnv(t *testing.T) {
	dir := t.TempDir()
	writeConfig(t, dir, `{"auths":{"reg.example.com":{"auth":"`+b64("gina:pw7")+`"}}}`)
	t.Setenv("DOCKER_CONFIG", dir)
	k, _ := credentials.New()
	got, _, err := k.Lookup("reg.example.com")
	if err != nil || got.Username != "gina" {
		t.Errorf("DOCKER_CONFIG not honoured: %+v, %v", got, err)
	}
}
