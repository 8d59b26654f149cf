package harness

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// DefaultBinary is the registry program StartRegistry runs, looked up in PATH.
const DefaultBinary = "docker-registry"

// DefaultStartTimeout bounds how long StartRegistry waits for the registry to
// answer, on top of whatever deadline its ctx carries.
const DefaultStartTimeout = 30 * time.Second

// Option configures StartRegistry.
type Option func(*options) error

type options struct {
	binary       string
	users        map[string]string
	tls          bool
	logs         io.Writer
	startTimeout time.Duration
	storageRoot  string // "" is os.TempDir()
}

func makeOptions(opts ...Option) (*options, error) {
	o := &options{binary: DefaultBinary, logs: io.Discard, startTimeout: DefaultStartTimeout}
	for _, opt := range opts {
		if err := opt(o); err != nil {
			return nil, err
		}
	}
	return o, nil
}

// WithHtpasswd makes the registry demand HTTP Basic auth from these users
// (name → password). Default: no authentication.
func WithHtpasswd(users map[string]string) Option {
	return func(o *options) error {
		if len(users) == 0 {
			return errors.New("WithHtpasswd: no users")
		}
		o.users = make(map[string]string, len(users))
		for u, p := range users {
			if u == "" || p == "" || strings.ContainsAny(u, ":\n") {
				return fmt.Errorf("WithHtpasswd: bad user %q or empty password", u)
			}
			o.users[u] = p
		}
		return nil
	}
}

// WithTLS serves HTTPS with a self-signed certificate for 127.0.0.1, made
// afresh for each registry: clients must trust it through Registry.Transport
// or, like crane-migrate, be told the registry is insecure. Default: plain HTTP.
func WithTLS() Option {
	return func(o *options) error {
		o.tls = true
		return nil
	}
}

// WithBinary runs path instead of DefaultBinary ("docker-registry" from PATH).
func WithBinary(path string) Option {
	return func(o *options) error {
		if path == "" {
			return errors.New("WithBinary: empty path")
		}
		o.binary = path
		return nil
	}
}

// WithLogOutput sends the registry's own output (log level error) to w.
// Default: io.Discard.
func WithLogOutput(w io.Writer) Option {
	return func(o *options) error {
		if w == nil {
			return errors.New("WithLogOutput: nil writer")
		}
		o.logs = w
		return nil
	}
}

// WithStartTimeout changes how long StartRegistry waits for the registry to
// answer. Default: DefaultStartTimeout.
func WithStartTimeout(d time.Duration) Option {
	return func(o *options) error {
		if d <= 0 {
			return errors.New("WithStartTimeout: not positive")
		}
		o.startTimeout = d
		return nil
	}
}

// WithStorageIn keeps the registry's directory (configuration and storage)
// in a fresh directory under root. Default: under os.TempDir(). A benchmark
// puts it on a tmpfs, where the filesystem driver's many small files cost
// no disk metadata work.
func WithStorageIn(root string) Option {
	return func(o *options) error {
		if root == "" {
			return errors.New("WithStorageIn: empty directory")
		}
		o.storageRoot = root
		return nil
	}
}
