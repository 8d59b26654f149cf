package credentials_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/crane-migrate/crane-migrate/credentials"
)

func TestConfigErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		config string // "" makes config.json a directory: unreadable
		want   string
	}{
		{name: "malformed JSON", config: `{"auths": nope`, want: "not valid JSON"},
		{name: "wrong type", config: `{"auths":{"reg.example.com":{"auth":42}}}`, want: "not valid JSON"},
		{name: "unreadable", want: "is a directory"},
		{name: "auth not base64", config: `{"auths":{"reg.example.com":{"auth":"` + secret + `!"}}}`, want: `auths["reg.example.com"].auth is not base64`},
		{name: "auth without colon", config: `{"auths":{"reg.example.com":{"auth":"` + b64(secret) + `"}}}`, want: "is not base64 of user:password"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			path := filepath.Join(dir, "config.json")
			if tt.config == "" {
				if err := os.Mkdir(path, 0o700); err != nil {
					t.Fatal(err)
				}
			} else {
				writeConfig(t, dir, tt.config)
			}
			k, err := credentials.New(credentials.WithConfigDir(dir))
			if err != nil {
				t.Fatal(err)
			}
			_, err = resolve(t, k, "reg.example.com")
			if !errors.Is(err, credentials.ErrConfig) {
				t.Fatalf("err = %v, want ErrConfig", err)
			}
			if msg := err.Error(); !strings.Contains(msg, path) || !strings.Contains(msg, tt.want) || strings.Contains(msg, secret) {
				t.Errorf("error %q should name %s, say %q and show no secret", msg, path, tt.want)
			}
		})
	}
}

func TestOptionMisuse(t *testing.T) {
	t.Parallel()
	tests := map[string]credentials.Option{
		"empty config dir":      credentials.WithConfigDir(""),
		"empty helper dir":      credentials.WithHelperDir(""),
		"password, no username": credentials.WithOverride("", "pw", "CRANE_MIGRATE_SRC_USERNAME"),
	}
	for name, opt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if _, err := credentials.New(opt); !errors.Is(err, credentials.ErrInvalidOption) {
				t.Errorf("New err = %v, want ErrInvalidOption", err)
			}
		})
	}
}
