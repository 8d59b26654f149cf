package credentials

import (
	"bytes"
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

// loadConfig reads dir/config.json and returns it with its path. A missing
// or empty file is an empty config, as in docker.
func loadConfig(dir string) (configFile, string, error) {
	if dir == "" {
		return configFile{}, "", nil
	}
	path := filepath.Join(dir, ConfigFileName)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return configFile{}, path, nil
	}
	if err != nil {
		return configFile{}, path, fmt.Errorf("%w %s: %w", ErrConfig, path, err)
	}
	var cf configFile
	if len(bytes.TrimSpace(data)) == 0 {
		return cf, path, nil
	}
	// json's errors name a character or a type, never a value: no secret.
	if err := json.Unmarshal(data, &cf); err != nil {
		return configFile{}, path, fmt.Errorf("%w %s: not valid JSON: %w", ErrConfig, path, err)
	}
	return cf, path, nil
}

// helperFor is the helper suffix serving host: its credHelpers entry, else
// credsStore. An empty credHelpers entry means "no helper", as in docker.
func (cf configFile) helperFor(host string) string {
	if keys := matchingKeys(cf.CredHelpers, host); len(keys) > 0 {
		return cf.CredHelpers[keys[0]]
	}
	return cf.CredsStore
}

// fromAuths is host's first non-empty auths entry (docker login with a
// helper leaves an empty one behind), or the zero AuthConfig.
func (cf configFile) fromAuths(host, path string) (authn.AuthConfig, error) {
	for _, k := range matchingKeys(cf.Auths, host) {
		e := cf.Auths[k]
		ac := authn.AuthConfig{Username: e.Username, Password: e.Password, IdentityToken: e.IdentityToken, RegistryToken: e.RegistryToken}
		if e.Auth != "" {
			user, pass, err := decodeAuth(e.Auth)
			if err != nil {
				return authn.AuthConfig{}, fmt.Errorf("%w %s: auths[%q].auth %w", ErrConfig, path, k, err)
			}
			ac.Username, ac.Password = user, pass
		}
		if ac != (authn.AuthConfig{}) {
			return ac, nil
		}
	}
	return authn.AuthConfig{}, nil
}

// decodeAuth splits base64 "user:password". Its errors never quote the
// value.
func decodeAuth(s string) (string, string, error) {
	raw, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return "", "", errors.New("is not base64")
	}
	user, pass, ok := strings.Cut(string(raw), ":")
	if !ok || user == "" {
		return "", "", errors.New("is not base64 of user:password")
	}
	return user, strings.Trim(pass, "\x00"), nil
}
