package credentials

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/google/go-containerregistry/pkg/authn"
)

// dockerHubKey is the key Docker Hub credentials are stored under.
const dockerHubKey = "https://index.docker.io/v1/"

// configFile is the part of config.json we read.
type configFile struct {
	Auths       map[string]authEntry `json:"auths"`
	CredsStore  string               `json:"credsStore"`
	CredHelpers map[string]string    `json:"credHelpers"`
}

type authEntry struct {
	Auth          string `json:"auth"`
	Username      string `json:"username"`
	Password      string `json:"password"`
	IdentityToken string `json:"identitytoken"`
	RegistryToken string `json:"registrytoken"`
}

// defaultConfigDir is $DOCKER_CONFIG, else ~/.docker.
func defaultConfigDir() string {
	if d := os.Getenv("DOCKER_CONFIG"); d != "" {
		return d
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ".docker"
	}
	return filepath.Join(home, ".docker")
}

// loadConfig reads dir/config.json; a missing file is an empty config.
func loadConfig(dir string) (configFile, string, error) {
	path := filepath.Join(dir, "config.json")
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return configFile{}, path, nil
	}
	if err != nil {
		return configFile{}, path, fmt.Errorf("%w %s: %w", ErrConfig, path, err)
	}
	var cf configFile
	if err := json.Unmarshal(data, &cf); err != nil {
		return configFile{}, path, fmt.Errorf("%w %s: not valid JSON: %w", ErrConfig, path, err)
	}
	return cf, path, nil
}

// serverKey is the name a host's credentials are stored under.
func serverKey(host string) string {
	switch host {
	case "docker.io", "index.docker.io", "registry-1.docker.io":
		return dockerHubKey
	}
	return host
}

// normalizeKey reduces an auths key (https://host/v1/, http://host, host) to
// its host, the way docker matches them.
func normalizeKey(k string) string {
	if k == dockerHubKey {
		return k
	}
	k = strings.TrimPrefix(strings.TrimPrefix(k, "https://"), "http://")
	k, _, _ = strings.Cut(k, "/")
	return serverKey(k)
}

// fromAuths finds host's entry in auths.
func (cf configFile) fromAuths(host, path string) (authn.AuthConfig, bool, error) {
	key := serverKey(host)
	for k, e := range cf.Auths {
		if normalizeKey(k) != key {
			continue
		}
		ac := authn.AuthConfig{Username: e.Username, Password: e.Password, IdentityToken: e.IdentityToken, RegistryToken: e.RegistryToken}
		if e.Auth != "" {
			raw, err := base64.StdEncoding.DecodeString(e.Auth)
			if err != nil {
				return authn.AuthConfig{}, false, fmt.Errorf("%w %s: auths[%q].auth is not base64", ErrConfig, path, k)
			}
			user, pass, ok := strings.Cut(string(raw), ":")
			if !ok {
				return authn.AuthConfig{}, false, fmt.Errorf("%w %s: auths[%q].auth is not user:password", ErrConfig, path, k)
			}
			ac.Username, ac.Password = user, pass
		}
		if ac == (authn.AuthConfig{}) {
			continue // an empty entry, as docker login with a helper leaves
		}
		return ac, true, nil
	}
	return authn.AuthConfig{}, false, nil
}
