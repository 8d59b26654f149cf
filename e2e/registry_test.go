package e2e

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
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
	host   string
	scheme string
	cmd    *exec.Cmd
	done   chan struct{}
}

func (r *registry) Host() string { return r.host }
func (r *registry) URL() string  { return r.scheme + "://" + r.host }

type registryOptions struct {
	users map[string]string
	tls   bool
}

// withTLS serves HTTPS with a self-signed certificate for 127.0.0.1.
func withTLS() registryOption { return func(o *registryOptions) { o.tls = true } }

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
	scheme := "http"
	if o.tls {
		scheme = "https"
		cert, key := selfSigned(t, dir)
		auth += fmt.Sprintf("  tls:\n    certificate: %s\n    key: %s\n", cert, key)
	}
	// A port can be taken between our probe and the registry's bind: try again.
	for attempt := 0; attempt < 5; attempt++ {
		r, err := launch(bin, dir, auth, scheme)
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

func launch(bin, dir, extra, scheme string) (*registry, error) {
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
%s`, filepath.Join(dir, "data"), host, extra)
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
	r := &registry{host: host, scheme: scheme, cmd: cmd, done: make(chan struct{})}
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
		resp, err := insecureClient.Get(r.URL() + "/v2/")
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

// insecureClient reads test registries whatever their certificate.
var insecureClient = &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}

// selfSigned writes a certificate and key for 127.0.0.1 into dir.
func selfSigned(t *testing.T, dir string) (cert, key string) {
	t.Helper()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "e2e"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	cert, key = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(key, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600); err != nil {
		t.Fatal(err)
	}
	return cert, key
}
