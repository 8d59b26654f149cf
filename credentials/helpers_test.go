package credentials_test

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
)

// writeScript writes an executable shell script dir/name.
func writeScript(t *testing.T, dir, name, body string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte("#!/bin/sh\n"+body), 0o755); err != nil {
		t.Fatal(err)
	}
}

// helperScript writes a docker-credential-<suffix> that speaks the helper
// protocol for `get`: for a server URL in creds ("user secret") it prints
// the credentials; for any other it says "not found" and exits 1, as real
// helpers do. Only exact server URLs match, so tests also check what URL
// the keychain asked for.
func helperScript(t *testing.T, dir, suffix string, creds map[string]string) {
	t.Helper()
	var cases strings.Builder
	for _, server := range slices.Sorted(func(yield func(string) bool) {
		for k := range creds {
			if !yield(k) {
				return
			}
		}
	}) {
		user, secret, _ := strings.Cut(creds[server], " ")
		answer, err := json.Marshal(map[string]string{"ServerURL": server, "Username": user, "Secret": secret})
		if err != nil {
			t.Fatal(err)
		}
		cases.WriteString("  '" + server + "') printf '%s\\n' '" + string(answer) + "' ;;\n")
	}
	writeScript(t, dir, "docker-credential-"+suffix, `[ "$1" = get ] || { echo "unsupported $1" >&2; exit 1; }
read -r server
case "$server" in
`+cases.String()+`  *) echo "credentials not found in native keychain"; exit 1 ;;
esac
`)
}

func writeConfig(t *testing.T, dir, content string) string {
	t.Helper()
	path := filepath.Join(dir, "config.json")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// resolve goes through authn.Resolve, the way remote does, and returns what
// the authenticator would send.
func resolve(t *testing.T, k authn.Keychain, host string) (authn.AuthConfig, error) {
	t.Helper()
	reg, err := name.NewRegistry(host)
	if err != nil {
		t.Fatal(err)
	}
	a, err := authn.Resolve(t.Context(), k, reg)
	if err != nil {
		return authn.AuthConfig{}, err
	}
	ac, err := a.Authorization()
	if err != nil {
		t.Fatal(err)
	}
	return *ac, nil
}
