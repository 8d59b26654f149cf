package e2e

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/crane-migrate/crane-migrate/e2e/harness"
)

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// dockerConfig writes a config.json (and any helper scripts) into a fresh
// directory and returns the environment that points crane-migrate at it.
func dockerConfig(t *testing.T, config string, helpers map[string]string) []string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, script := range helpers {
		if err := os.WriteFile(filepath.Join(dir, "docker-credential-"+name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return []string{"DOCKER_CONFIG=" + dir, "PATH=" + dir + ":" + os.Getenv("PATH")}
}

// helper is a credential helper speaking the protocol for one server.
func helper(server, user, secret string) string {
	return `#!/bin/sh
[ "$1" = get ] || exit 1
read -r s
if [ "$s" = "` + server + `" ]; then
  printf '{"ServerURL":"%s","Username":"` + user + `","Secret":"` + secret + `"}' "$s"
else
  echo "credentials not found in native keychain"; exit 1
fi
`
}

func TestCredentialsFromConfigAndHelper(t *testing.T) {
	t.Parallel()
	src := harness.MustStartRegistry(t, harness.WithHtpasswd(map[string]string{"alice": "alice-pw"}))
	dst := harness.MustStartRegistry(t, harness.WithHtpasswd(map[string]string{"bob": "bob-pw"}))
	seedImage(t, src.Host()+"/oldorg/app:v1", harness.WithAuth(&authn.Basic{Username: "alice", Password: "alice-pw"}))

	// No credentials: the source answers 401, and the error says which were used.
	anon := cli(t, dockerConfig(t, `{}`, nil), "repo", src.Host()+"/oldorg/app", dst.Host()+"/neworg/app").expect(t, 1)
	if !strings.Contains(anon.stderr+anon.stdout, "401") && !strings.Contains(strings.ToLower(anon.stderr+anon.stdout), "unauthorized") {
		t.Errorf("anonymous run does not report 401:\n%s\n%s", anon.stdout, anon.stderr)
	}

	// auths for the source, a credential helper for the destination.
	env := dockerConfig(t, `{"auths":{"`+src.Host()+`":{"auth":"`+b64("alice:alice-pw")+`"}},"credHelpers":{"`+dst.Host()+`":"e2e"}}`,
		map[string]string{"e2e": helper(dst.Host(), "bob", "bob-pw")})
	r := cli(t, env, "repo", src.Host()+"/oldorg/app", dst.Host()+"/neworg/app").expect(t, 0)
	if r.report.Summary.Copied != 1 || r.report.Summary.Verified != 1 {
		t.Fatalf("summary %+v", r.report.Summary)
	}
	for _, secret := range []string{"alice-pw", "bob-pw"} {
		if strings.Contains(r.stdout+r.stderr, secret) {
			t.Errorf("output contains a secret")
		}
	}
}

func TestFailingCredentialHelperIsAnError(t *testing.T) {
	t.Parallel()
	src, dst := harness.MustStartRegistry(t), harness.MustStartRegistry(t)
	seedImage(t, src.Host()+"/oldorg/app:v1")
	env := dockerConfig(t, `{"credsStore":"broken"}`, map[string]string{"broken": "#!/bin/sh\necho 'keychain is locked' >&2\nexit 1\n"})
	r := cli(t, env, "copy", src.Host()+"/oldorg/app:v1", dst.Host()+"/neworg/app:v1")
	if r.code == 0 {
		t.Fatalf("a failing helper fell back to anonymous access:\n%s", r.stderr)
	}
	if !strings.Contains(r.stdout+r.stderr, "docker-credential-broken") || !strings.Contains(r.stdout+r.stderr, "keychain is locked") {
		t.Errorf("error does not name the helper and its message:\n%s\n%s", r.stdout, r.stderr)
	}
}

// TestDifferentAccountsForSourceAndDestination: the source accepts only
// alice and the destination only bob; config.json has neither, the
// CRANE_MIGRATE_SRC_*/DST_* variables supply one each.
func TestDifferentAccountsForSourceAndDestination(t *testing.T) {
	t.Parallel()
	src := harness.MustStartRegistry(t, harness.WithHtpasswd(map[string]string{"alice": "alice-pw"}))
	dst := harness.MustStartRegistry(t, harness.WithHtpasswd(map[string]string{"bob": "bob-pw"}))
	seedIndex(t, src.Host()+"/oldorg/app:multi", types.OCIImageIndex,
		harness.WithAuth(&authn.Basic{Username: "alice", Password: "alice-pw"}))
	env := append(dockerConfig(t, `{}`, nil),
		"CRANE_MIGRATE_SRC_USERNAME=alice", "CRANE_MIGRATE_SRC_PASSWORD=alice-pw",
		"CRANE_MIGRATE_DST_USERNAME=bob", "CRANE_MIGRATE_DST_PASSWORD=bob-pw")
	r := cli(t, env, "org", src.Host()+"/oldorg", dst.Host()+"/neworg", "-v").expect(t, 0)
	if r.report.Summary.Copied != 1 || r.report.Summary.Verified != 1 {
		t.Fatalf("summary %+v", r.report.Summary)
	}
	// Swapped accounts are refused by the registry at preflight: one line
	// naming the credentials used, exit 2 (issue 18; it was a 401 per tag).
	swapped := append(dockerConfig(t, `{}`, nil),
		"CRANE_MIGRATE_SRC_USERNAME=bob", "CRANE_MIGRATE_SRC_PASSWORD=bob-pw",
		"CRANE_MIGRATE_DST_USERNAME=alice", "CRANE_MIGRATE_DST_PASSWORD=alice-pw")
	bad := cli(t, swapped, "copy", src.Host()+"/oldorg/app:multi", dst.Host()+"/neworg/app:x").expect(t, 2)
	if !strings.Contains(bad.stderr, `user "bob"`) {
		t.Errorf("the refusal does not say which credentials were used:\n%s", bad.stderr)
	}
	for _, secret := range []string{"alice-pw", "bob-pw"} {
		if strings.Contains(r.stdout+r.stderr+bad.stdout+bad.stderr, secret) {
			t.Errorf("debug output contains a secret")
		}
	}
}
