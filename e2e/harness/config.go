package harness

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/crypto/bcrypt"
)

// configTemplate is the registry's configuration. Logs stay at level error
// with the access log off so that hundreds of requests print nothing; the
// storage lives in the registry's own temporary directory.
const configTemplate = `version: 0.1
log:
  level: error
  formatter: text
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: %q
  delete:
    enabled: true
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: %s
  secret: %s
  headers:
    X-Content-Type-Options: [nosniff]
    ` + idHeader + `: [%q]
`

// idHeader carries a random id on every answer of the registry, so the
// readiness probe knows the answer comes from the registry it started and not
// from another process that took the port first.
const idHeader = "X-Harness-Registry"

const htpasswdTemplate = `auth:
  htpasswd:
    realm: harness
    path: %q
`

// writeConfig writes config.yml (and htpasswd when there are users, the
// certificate and key when cert is set) into dir for a registry listening on
// addr and answering with id, and returns the config's path.
func writeConfig(dir, addr, id string, users map[string]string, cert *selfSigned) (string, error) {
	cfg := fmt.Sprintf(configTemplate, filepath.Join(dir, "data"), addr, randomHex(), id)
	if cert != nil {
		tls, err := cert.write(dir)
		if err != nil {
			return "", err
		}
		cfg += tls
	}
	if len(users) > 0 {
		path := filepath.Join(dir, "htpasswd")
		if err := writeHtpasswd(path, users); err != nil {
			return "", err
		}
		cfg += fmt.Sprintf(htpasswdTemplate, path)
	}
	path := filepath.Join(dir, "config.yml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		return "", fmt.Errorf("writing registry config: %w", err)
	}
	return path, nil
}

func randomHex() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // never fails on supported platforms (Go 1.24+)
	return hex.EncodeToString(b)
}

// writeHtpasswd writes bcrypt entries. The cost is bcrypt's minimum on
// purpose: the registry checks the password on every request, and at the
// default cost each check takes tens of milliseconds, which would dominate
// any benchmark through an authenticated registry.
func writeHtpasswd(path string, users map[string]string) error {
	names := make([]string, 0, len(users))
	for u := range users {
		names = append(names, u)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, u := range names {
		h, err := bcrypt.GenerateFromPassword([]byte(users[u]), bcrypt.MinCost)
		if err != nil {
			return fmt.Errorf("hashing password of %q: %w", u, err)
		}
		fmt.Fprintf(&b, "%s:%s\n", u, h)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		return fmt.Errorf("writing htpasswd: %w", err)
	}
	return nil
}
