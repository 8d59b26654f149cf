package harness

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"

	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// maxStartAttempts bounds the retries when another process takes the port
// between our choosing it and the registry binding it.
const maxStartAttempts = 5

// Registry is a running docker-registry process with its own storage.
type Registry struct {
	host   string
	id     string // value of idHeader on the registry's answers
	dir    string
	cmd    *exec.Cmd
	out    *tail
	exited chan struct{} // closed once cmd.Wait returns
	err    error         // cmd.Wait's error, set before exited is closed
	cert   *selfSigned   // with WithTLS; nil for plain HTTP

	transport *http.Transport // shared by Transport's callers

	closeOnce sync.Once
	closeErr  error
}

// StartRegistry starts docker-registry on a free port of 127.0.0.1 with its
// storage in a fresh temporary directory, and returns once GET /v2/ answers.
// ctx bounds the start-up only: the registry runs until Close.
func StartRegistry(ctx context.Context, opts ...Option) (*Registry, error) {
	o, err := makeOptions(opts...)
	if err != nil {
		return nil, err
	}
	bin, err := exec.LookPath(o.binary)
	if err != nil {
		return nil, fmt.Errorf("starting registry: %w: %v", ErrNoRegistryBinary, err)
	}
	ctx, cancel := context.WithTimeout(ctx, o.startTimeout)
	defer cancel()
	for attempt := 1; ; attempt++ {
		r, err := start(ctx, bin, o)
		if err == nil {
			return r, nil
		}
		if !errors.Is(err, errAddrInUse) || attempt == maxStartAttempts {
			return nil, err
		}
	}
}

// start makes one attempt on one port.
func start(ctx context.Context, bin string, o *options) (*Registry, error) {
	dir, err := os.MkdirTemp(o.storageRoot, "harness-registry-")
	if err != nil {
		return nil, fmt.Errorf("starting registry: %w", err)
	}
	r, err := spawn(bin, dir, o)
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	if err := r.waitReady(ctx); err != nil {
		_ = r.Close()
		return nil, err
	}
	return r, nil
}

// spawn writes the configuration and starts the process.
func spawn(bin, dir string, o *options) (*Registry, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	r := &Registry{host: addr, id: randomHex(), dir: dir, out: &tail{}, exited: make(chan struct{})}
	if o.tls {
		if r.cert, err = newSelfSigned(); err != nil {
			return nil, err
		}
	}
	r.transport = clientTransport(r.clientTLS())
	cfg, err := writeConfig(dir, addr, r.id, o.users, r.cert)
	if err != nil {
		return nil, err
	}
	w := io.MultiWriter(r.out, ignoreErrors{o.logs})
	r.cmd = exec.Command(bin, "serve", cfg)
	r.cmd.Dir, r.cmd.Env = dir, registryEnv()
	r.cmd.Stdout, r.cmd.Stderr = w, w
	r.cmd.SysProcAttr = sysProcAttr()
	if err := r.cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", bin, err)
	}
	go func() {
		r.err = r.cmd.Wait()
		close(r.exited)
	}()
	return r, nil
}

// Host is the registry's address, "127.0.0.1:PORT", ready to prefix a
// repository in a reference: go-containerregistry tries HTTPS on a loopback
// address first and falls back to plain HTTP, so the same reference serves
// both kinds of registry.
func (r *Registry) Host() string { return r.host }

// URL is "http://127.0.0.1:PORT", or "https://127.0.0.1:PORT" with WithTLS.
func (r *Registry) URL() string {
	if r.cert != nil {
		return "https://" + r.host
	}
	return "http://" + r.host
}

// Transport is remote.DefaultTransport's settings for clients of this
// registry, trusting its certificate (and no other) when it serves HTTPS:
// seed a WithTLS registry with WithTransport(r.Transport()).
func (r *Registry) Transport() http.RoundTripper { return r.transport }

// PID is the registry process's id, for benchmarks that watch its resources.
func (r *Registry) PID() int { return r.cmd.Process.Pid }

// Close kills the registry and its process group, waits for it and removes
// its storage. It may be called more than once.
func (r *Registry) Close() error {
	r.closeOnce.Do(func() {
		select {
		case <-r.exited:
			// Reaped: its pid, and so the group id, may belong to
			// someone else by now. docker-registry starts no children.
		default:
			killGroup(r.cmd)
		}
		<-r.exited
		r.transport.CloseIdleConnections()
		if err := os.RemoveAll(r.dir); err != nil {
			r.closeErr = fmt.Errorf("removing registry storage: %w", err)
		}
	})
	return r.closeErr
}

// clientTransport is a copy of go-containerregistry's default transport (or
// net/http's, if a program replaced that) with tlsConfig.
func clientTransport(tlsConfig *tls.Config) *http.Transport {
	base, ok := remote.DefaultTransport.(*http.Transport)
	if !ok {
		base = http.DefaultTransport.(*http.Transport)
	}
	t := base.Clone()
	t.TLSClientConfig = tlsConfig
	return t
}

// freeAddr asks the kernel for a free port. Another process may take it
// before the registry binds it: StartRegistry then retries.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("finding a free port: %w", err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		return "", fmt.Errorf("finding a free port: %w", err)
	}
	return addr, nil
}

// registryEnv is our environment without REGISTRY_* variables, which would
// override the configuration file.
func registryEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "REGISTRY_") {
			env = append(env, kv)
		}
	}
	return env
}
