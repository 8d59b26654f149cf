package credentials

import (
	"fmt"
	"os"
	"path/filepath"
)

const (
	// ConfigDirEnv names the directory holding config.json, as in docker.
	ConfigDirEnv = "DOCKER_CONFIG"
	// DefaultConfigDirName is the directory under the home directory used
	// when ConfigDirEnv is unset.
	DefaultConfigDirName = ".docker"
	// ConfigFileName is the file read in the config directory.
	ConfigFileName = "config.json"
	// HelperPrefix is prepended to a credsStore or credHelpers value to name
	// the helper program.
	HelperPrefix = "docker-credential-"
	// DefaultOverrideSource labels override credentials given no source.
	DefaultOverrideSource = "override"
)

// Option configures a Keychain. A misused option makes New fail.
type Option func(*options) error

type options struct {
	configDir string // "" when there is no home directory: no config.json
	helperDir string // "" searches PATH
	override  *override
}

type override struct {
	user, pass, source string
}

// WithConfigDir reads dir/config.json (ConfigFileName). Default:
// $DOCKER_CONFIG (ConfigDirEnv) if set, else ~/.docker (DefaultConfigDirName
// in the home directory). A missing file means no credentials.
func WithConfigDir(dir string) Option {
	return func(o *options) error {
		if dir == "" {
			return fmt.Errorf("%w: WithConfigDir: empty directory", ErrInvalidOption)
		}
		o.configDir = dir
		return nil
	}
}

// WithHelperDir runs credential helpers (HelperPrefix+name) from dir only.
// Default: the helper is looked up on PATH, as docker does.
func WithHelperDir(dir string) Option {
	return func(o *options) error {
		if dir == "" {
			return fmt.Errorf("%w: WithHelperDir: empty directory", ErrInvalidOption)
		}
		o.helperDir = dir
		return nil
	}
}

// WithOverride answers every host with user and pass, without reading
// config.json or running a helper: how CRANE_MIGRATE_SRC_USERNAME/PASSWORD
// (or the DST pair) replace the chain for one side. source says where they
// came from, for Lookup and Describe (default DefaultOverrideSource). An
// empty user leaves the chain in charge; a password without a user is an
// error. Default: no override.
func WithOverride(user, pass, source string) Option {
	return func(o *options) error {
		if user == "" {
			if pass != "" {
				return fmt.Errorf("%w: WithOverride: a password without a username (from %s)", ErrInvalidOption, source)
			}
			return nil
		}
		if source == "" {
			source = DefaultOverrideSource
		}
		o.override = &override{user: user, pass: pass, source: source}
		return nil
	}
}

// defaultOptions are the defaults every With… comment states.
func defaultOptions() options {
	return options{configDir: defaultConfigDir()}
}

// defaultConfigDir is $DOCKER_CONFIG, else ~/.docker, else "" (no home:
// no credentials rather than a config.json relative to the working
// directory).
func defaultConfigDir() string {
	if d := os.Getenv(ConfigDirEnv); d != "" {
		return d
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, DefaultConfigDirName)
}
