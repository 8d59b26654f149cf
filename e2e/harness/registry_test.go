package harness

import (
	"context"
	"crypto/x509"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

func TestRegistryCloseLeavesNothing(t *testing.T) {
	t.Parallel()
	r, err := StartRegistry(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	pid, dir := r.PID(), r.dir
	if got := status(t, r.URL()+"/v2/", "", ""); got != http.StatusOK {
		t.Fatalf("GET /v2/ = %d, want 200", got)
	}
	if err := r.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("registry process %d still exists after Close (kill 0: %v)", pid, err)
	}
	if err := syscall.Kill(-pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("process group %d still exists after Close (kill 0: %v)", pid, err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("storage %s still there after Close: %v", dir, err)
	}
	if _, err := http.Get(r.URL() + "/v2/"); err == nil {
		t.Errorf("registry still answers after Close")
	}
	if err := r.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestHtpasswd(t *testing.T) {
	t.Parallel()
	r := MustStartRegistry(t, WithHtpasswd(map[string]string{"alice": "alice-pw", "bob": "bob-pw"}))
	tests := []struct {
		name, user, pass string
		want             int
	}{
		{"anonymous", "", "", http.StatusUnauthorized},
		{"right user", "alice", "alice-pw", http.StatusOK},
		{"other right user", "bob", "bob-pw", http.StatusOK},
		{"wrong password", "alice", "bob-pw", http.StatusUnauthorized},
		{"unknown user", "carol", "alice-pw", http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := status(t, r.URL()+"/v2/", tt.user, tt.pass); got != tt.want {
				t.Errorf("GET /v2/ as %q = %d, want %d", tt.user, got, tt.want)
			}
		})
	}
}

// TestTLS serves HTTPS with a certificate that only Transport trusts, with
// and without htpasswd (the two add to different parts of the configuration).
func TestTLS(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	alice := &authn.Basic{Username: "alice", Password: "alice-pw"}
	tests := []struct {
		name      string
		opts      []Option
		seed      []SeedOption
		anonymous int // status of an anonymous GET /v2/
	}{
		{"tls", []Option{WithTLS()}, nil, http.StatusOK},
		{"tls and htpasswd", []Option{WithTLS(), WithHtpasswd(map[string]string{"alice": "alice-pw"})}, []SeedOption{WithAuth(alice)}, http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := MustStartRegistry(t, tt.opts...)
			if want := "https://" + r.Host(); r.URL() != want {
				t.Errorf("URL() = %q, want %q", r.URL(), want)
			}
			var unknown x509.UnknownAuthorityError
			if _, err := http.Get(r.URL() + "/v2/"); !errors.As(err, &unknown) {
				t.Errorf("GET with the system's roots: %v, want an unknown authority", err)
			}
			resp, err := (&http.Client{Transport: r.Transport()}).Get(r.URL() + "/v2/")
			if err != nil {
				t.Fatalf("GET through Transport: %v", err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.anonymous {
				t.Errorf("anonymous GET /v2/ = %d, want %d", resp.StatusCode, tt.anonymous)
			}
			seed := append([]SeedOption{WithTransport(r.Transport())}, tt.seed...)
			d, err := SeedImage(ctx, r.Host()+"/org/app:v1", seed...)
			if err != nil {
				t.Fatal(err)
			}
			auth := authn.Authenticator(authn.Anonymous)
			if tt.seed != nil {
				auth = alice
			}
			desc, err := remote.Head(mustRef(t, r.Host()+"/org/app:v1"), remote.WithTransport(r.Transport()), remote.WithAuth(auth))
			if err != nil || desc.Digest != d {
				t.Errorf("HEAD over HTTPS: %v, %v; want %s", desc, err, d)
			}
		})
	}
	if plain := MustStartRegistry(t); !strings.HasPrefix(plain.URL(), "http://") {
		t.Errorf("without WithTLS, URL() = %q", plain.URL())
	}
}

// fakeRegistry writes a shell script standing in for docker-registry.
func fakeRegistry(t *testing.T, script string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "fake-registry")
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestStartFailures(t *testing.T) {
	t.Parallel()
	attempts := filepath.Join(t.TempDir(), "attempts")
	tests := []struct {
		name     string
		opts     []Option
		want     error
		contains string
	}{
		{"missing binary", []Option{WithBinary("/nonexistent/docker-registry")}, ErrNoRegistryBinary, "apt-get install docker-registry"},
		{"missing from PATH", []Option{WithBinary("no-such-docker-registry-here")}, ErrNoRegistryBinary, "apt-get install docker-registry"},
		{"exits at once", []Option{WithBinary(fakeRegistry(t, "echo 'configuration error' >&2; exit 3\n"))}, ErrRegistryExited, "configuration error"},
		{"port always taken", []Option{WithBinary(fakeRegistry(t, "echo x >> "+attempts+
			"\necho 'level=fatal msg=\"listen tcp 127.0.0.1:1: bind: address already in use\"' >&2; exit 1\n"))}, errAddrInUse, "address already in use"},
		{"never ready", []Option{WithStartTimeout(300 * time.Millisecond), WithBinary(fakeRegistry(t, "exec sleep 60\n"))}, context.DeadlineExceeded, "waiting for docker-registry"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := StartRegistry(context.Background(), tt.opts...)
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.contains) {
				t.Fatalf("StartRegistry() = %v, want %v containing %q", err, tt.want, tt.contains)
			}
		})
	}
	data, err := os.ReadFile(attempts)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(data), "x"); n != maxStartAttempts {
		t.Errorf("started %d times on port conflicts, want %d", n, maxStartAttempts)
	}
}

func TestOptionMisuse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opt  Option
	}{
		{"no users", WithHtpasswd(nil)},
		{"colon in user", WithHtpasswd(map[string]string{"a:b": "pw"})},
		{"empty password", WithHtpasswd(map[string]string{"a": ""})},
		{"empty binary", WithBinary("")},
		{"nil log writer", WithLogOutput(nil)},
		{"zero timeout", WithStartTimeout(0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := StartRegistry(context.Background(), tt.opt); err == nil {
				t.Fatal("StartRegistry accepted a misused option")
			}
		})
	}
}

func TestDefaults(t *testing.T) {
	t.Parallel()
	o, err := makeOptions()
	if err != nil {
		t.Fatal(err)
	}
	if o.binary != DefaultBinary || o.startTimeout != DefaultStartTimeout || o.users != nil || o.tls {
		t.Errorf("defaults %+v, want binary %q, timeout %v, no users, no TLS", o, DefaultBinary, DefaultStartTimeout)
	}
	s, err := makeSeedOptions()
	if err != nil {
		t.Fatal(err)
	}
	if s.layerSize != DefaultLayerSize || !s.platform.Equals(DefaultPlatform) || s.base != nil || s.attestation {
		t.Errorf("seed defaults %+v", s)
	}
}

// status GETs url, with Basic auth when user is set.
func status(t *testing.T, url, user, pass string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if user != "" {
		req.SetBasicAuth(user, pass)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
