package e2e

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// registry is a real CNCF distribution registry (Debian's docker-registry)
// on 127.0.0.1, owned by one test.
type registry struct {
	host string
	cmd  *exec.Cmd
	done chan struct{}
}

func (r *registry) Host() string { return r.host }
func (r *registry) URL() string  { return "http://" + r.host }

type registryOptions struct{ users map[string]string }

type registryOption func(*registryOptions)

// withHtpasswd makes the registry demand Basic auth from these users.
func withHtpasswd(users map[string]string) registryOption {
	return func(o *registryOptions) { o.users = users }
}

// startRegistry starts a registry for t and stops it when t ends. It fails,
// never skips, when docker-registry is missing: CI must have it.
func startRegistry(t *testing.T, opts ...registryOption) *registry {
	t.Helper()
	var o registryOptions
	for _, opt := range opts {
		opt(&o)
	}
	bin, err := exec.LookPath("docker-registry")
	if err != nil {
		t.Fatalf("docker-registry not found (apt-get install docker-registry; .ci/run does): %v", err)
	}
	dir := t.TempDir()
	auth := ""
	if o.users != nil {
		var lines strings.Builder
		for u, p := range o.users {
			h, err := bcrypt.GenerateFromPassword([]byte(p), bcrypt.MinCost)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&lines, "%s:%s\n", u, h)
		}
		if err := os.WriteFile(filepath.Join(dir, "htpasswd"), []byte(lines.String()), 0o600); err != nil {
			t.Fatal(err)
		}
		auth = fmt.Sprintf("auth:\n  htpasswd:\n    realm: e2e\n    path: %s\n", filepath.Join(dir, "htpasswd"))
	}
	// A port can be taken between our probe and the registry's bind: try again.
	for attempt := 0; attempt < 5; attempt++ {
		r, err := launch(bin, dir, auth)
		if err == nil {
			t.Cleanup(r.stop)
			return r
		}
		if attempt == 4 {
			t.Fatalf("starting docker-registry: %v", err)
		}
	}
	return nil
}

func launch(bin, dir, auth string) (*registry, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	host := l.Addr().String()
	l.Close()
	config := fmt.Sprintf(`version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: %s
  delete:
    enabled: true
http:
  addr: %s
%s`, filepath.Join(dir, "data"), host, auth)
	cfg := filepath.Join(dir, "config.yml")
	if err := os.WriteFile(cfg, []byte(config), 0o600); err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "serve", cfg)
	log, err := os.Create(filepath.Join(dir, "registry.log"))
	if err != nil {
		return nil, err
	}
	defer log.Close()
	cmd.Stdout, cmd.Stderr = log, log
	// Its own process group, killed with the test binary if that dies first.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	r := &registry{host: host, cmd: cmd, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(r.done) }()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for {
		select {
		case <-r.done:
			out, _ := os.ReadFile(filepath.Join(dir, "registry.log"))
			return nil, fmt.Errorf("docker-registry exited: %s", out)
		case <-ctx.Done():
			r.stop()
			return nil, errors.New("docker-registry did not answer within 20s")
		case <-time.After(20 * time.Millisecond):
		}
		resp, err := http.Get(r.URL() + "/v2/")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusUnauthorized {
				return r, nil
			}
		}
	}
}

func (r *registry) stop() {
	_ = syscall.Kill(-r.cmd.Process.Pid, syscall.SIGKILL)
	<-r.done
}
