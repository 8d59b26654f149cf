package credentials_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/crane-migrate/crane-migrate/credentials"
)

// TestDefaults checks each default the With… comments state. It uses
// t.Setenv, so it cannot run in parallel.
func TestDefaults(t *testing.T) {
	if credentials.ConfigDirEnv != "DOCKER_CONFIG" || credentials.DefaultConfigDirName != ".docker" ||
		credentials.ConfigFileName != "config.json" || credentials.HelperPrefix != "docker-credential-" ||
		credentials.DockerHubKey != "https://index.docker.io/v1/" {
		t.Error("a docker-defined name changed")
	}
	config := func(user string) string { return `{"auths":{"reg.example.com":{"auth":"` + b64(user+":pw") + `"}}}` }
	lookup := func(t *testing.T, opts ...credentials.Option) string {
		t.Helper()
		k, err := credentials.New(opts...)
		if err != nil {
			t.Fatal(err)
		}
		ac, _, err := k.Lookup("reg.example.com")
		if err != nil {
			t.Fatal(err)
		}
		return ac.Username
	}

	t.Run("DOCKER_CONFIG", func(t *testing.T) {
		dir := t.TempDir()
		writeConfig(t, dir, config("gina"))
		t.Setenv(credentials.ConfigDirEnv, dir)
		t.Setenv("HOME", t.TempDir())
		if got := lookup(t); got != "gina" {
			t.Errorf("user %q, want gina from $DOCKER_CONFIG", got)
		}
	})
	t.Run("home directory", func(t *testing.T) {
		home := t.TempDir()
		dir := filepath.Join(home, credentials.DefaultConfigDirName)
		if err := os.Mkdir(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		writeConfig(t, dir, config("hank"))
		t.Setenv(credentials.ConfigDirEnv, "")
		t.Setenv("HOME", home)
		if got := lookup(t); got != "hank" {
			t.Errorf("user %q, want hank from ~/.docker", got)
		}
	})
	t.Run("WithConfigDir beats DOCKER_CONFIG", func(t *testing.T) {
		env, dir := t.TempDir(), t.TempDir()
		writeConfig(t, env, config("gina"))
		writeConfig(t, dir, config("ivan"))
		t.Setenv(credentials.ConfigDirEnv, env)
		if got := lookup(t, credentials.WithConfigDir(dir)); got != "ivan" {
			t.Errorf("user %q, want ivan from WithConfigDir", got)
		}
	})
	t.Run("helpers on PATH", func(t *testing.T) {
		dir := t.TempDir()
		writeConfig(t, dir, `{"credsStore":"onpath"}`)
		helperScript(t, dir, "onpath", map[string]string{"reg.example.com": "judy pw"})
		t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
		if got := lookup(t, credentials.WithConfigDir(dir)); got != "judy" {
			t.Errorf("user %q, want judy from the helper on PATH", got)
		}
	})
}
