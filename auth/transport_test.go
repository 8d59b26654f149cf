package auth_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
	"github.com/google/go-containerregistry/pkg/v1/validate"

	"github.com/crane-migrate/crane-migrate/auth"
)

// fakeConfig shapes a fakeRegistry.
type fakeConfig struct {
	basic            bool   // challenge Basic (user, pass) instead of Bearer
	user, pass       string // credentials the token endpoint (or Basic) requires; "" lets anyone in
	noChallengeScope bool   // 401s name no scope, as some registries' do
	accessTokenOnly  bool   // the token endpoint answers access_token, not token
	pingFailures     int    // the first pings answer 500
	perRepoBlobs     bool   // blobs belong to a repository, so a copy between repositories mounts
}

// fakeRegistry is ggcr's in-memory registry behind token authentication
// that checks scopes the way distribution does: /v2/ challenges, /token
// hands out "tok:<epoch>:<scope>", and every repository request needs a
// current token whose scope covers it, or gets a 401 naming the scope.
type fakeRegistry struct {
	cfg   fakeConfig
	srv   *httptest.Server
	inner http.Handler
	realm string

	mu          sync.Mutex
	redirect    string         // when set, blob GETs are redirected to this base URL
	redirectAll string         // when set, every authorized repository request is redirected there
	epoch       int            // tokens of an older epoch have expired
	pings       int            // requests to /v2/
	tokens      map[string]int // token requests, by their scopes joined with " "
	tokenHdr    []string       // the Authorization of each token request
	rejected    int            // registry requests answered 401
	mounts      int            // upload starts with from=
	headers     []string       // "METHOD path Authorization" of registry requests
	agents      map[string]int // User-Agent of registry and token requests
}

func newFakeRegistry(t *testing.T, cfg fakeConfig) *fakeRegistry {
	t.Helper()
	opts := []registry.Option{registry.Logger(log.New(io.Discard, "", 0))}
	if cfg.perRepoBlobs {
		opts = append(opts, registry.WithBlobHandler(&repoBlobs{m: map[string][]byte{}}))
	}
	f := &fakeRegistry{
		cfg:    cfg,
		inner:  registry.New(opts...),
		tokens: map[string]int{},
		agents: map[string]int{},
	}
	f.srv = httptest.NewUnstartedServer(f)
	f.realm = "http://" + f.srv.Listener.Addr().String() + "/token"
	f.srv.Start()
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeRegistry) host() string { return strings.TrimPrefix(f.srv.URL, "http://") }

func (f *fakeRegistry) registry(t *testing.T) name.Registry {
	t.Helper()
	reg, err := name.NewRegistry(f.host())
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

// expire makes every token handed out so far invalid.
func (f *fakeRegistry) expire() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.epoch++
}

type fakeCounts struct {
	pings    int
	tokens   map[string]int
	rejected int
	mounts   int
}

func (f *fakeRegistry) counts() fakeCounts {
	f.mu.Lock()
	defer f.mu.Unlock()
	return fakeCounts{pings: f.pings, tokens: maps.Clone(f.tokens), rejected: f.rejected, mounts: f.mounts}
}

func (f *fakeRegistry) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/v2/", "/v2":
		f.mu.Lock()
		f.pings++
		fail := f.cfg.pingFailures > 0
		if fail {
			f.cfg.pingFailures--
		}
		f.mu.Unlock()
		if fail {
			http.Error(w, "warming up", http.StatusInternalServerError)
			return
		}
		f.challenge(w, nil, "")
		return
	case "/token":
		f.token(w, r)
		return
	}
	f.mu.Lock()
	f.agents[r.Header.Get("User-Agent")]++
	f.headers = append(f.headers, r.Method+" "+r.URL.Path+" "+r.Header.Get("Authorization"))
	if r.Method == http.MethodPost && r.URL.Query().Get("from") != "" {
		f.mounts++
	}
	redirect, redirectAll := f.redirect, f.redirectAll
	f.mu.Unlock()
	if !f.authorized(w, r) {
		return
	}
	if redirectAll != "" {
		http.Redirect(w, r, redirectAll+r.URL.RequestURI(), http.StatusTemporaryRedirect)
		return
	}
	if redirect != "" && r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/blobs/sha256:") {
		http.Redirect(w, r, redirect+r.URL.Path, http.StatusTemporaryRedirect)
		return
	}
	f.inner.ServeHTTP(w, r)
}

// challenge answers 401 with the registry's challenge; needs are the scope
// items the request lacked, named as distribution names them.
func (f *fakeRegistry) challenge(w http.ResponseWriter, needs []string, errCode string) {
	if f.cfg.basic {
		w.Header().Set("WWW-Authenticate", `Basic realm="fake"`)
	} else {
		c := fmt.Sprintf(`Bearer realm=%q,service="fake"`, f.realm)
		if len(needs) > 0 && !f.cfg.noChallengeScope {
			c += fmt.Sprintf(`,scope=%q`, strings.Join(needs, " "))
		}
		if errCode != "" {
			c += fmt.Sprintf(`,error=%q`, errCode)
		}
		w.Header().Set("WWW-Authenticate", c)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusUnauthorized)
	io.WriteString(w, `{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}`)
}

func (f *fakeRegistry) token(w http.ResponseWriter, r *http.Request) {
	scope := strings.Join(r.URL.Query()["scope"], " ")
	f.mu.Lock()
	f.tokens[scope]++
	f.tokenHdr = append(f.tokenHdr, r.Header.Get("Authorization"))
	f.agents[r.Header.Get("User-Agent")]++
	epoch, user, pass := f.epoch, f.cfg.user, f.cfg.pass
	f.mu.Unlock()
	if user != "" {
		if u, p, ok := r.BasicAuth(); !ok || u != user || p != pass {
			http.Error(w, `{"details":"incorrect username or password"}`, http.StatusUnauthorized)
			return
		}
	}
	tok := fmt.Sprintf("tok:%d:%s", epoch, scope)
	body := map[string]string{"token": tok}
	if f.cfg.accessTokenOnly {
		body = map[string]string{"access_token": tok}
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(body)
}

// authorized reports whether r may go on to the registry, answering 401 if not.
func (f *fakeRegistry) authorized(w http.ResponseWriter, r *http.Request) bool {
	needs := requestNeeds(r)
	if len(needs) == 0 {
		return true
	}
	ok, errCode := false, "invalid_token"
	if f.cfg.basic {
		u, p, has := r.BasicAuth()
		ok = has && u == f.cfg.user && p == f.cfg.pass
	} else if tok, has := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer tok:"); has {
		epoch, scope, _ := strings.Cut(tok, ":")
		f.mu.Lock()
		current := epoch == strconv.Itoa(f.epoch)
		f.mu.Unlock()
		if current {
			ok, errCode = covers(scope, needs), "insufficient_scope"
		}
	}
	if !ok {
		f.mu.Lock()
		f.rejected++
		f.mu.Unlock()
		f.challenge(w, needs, errCode)
	}
	return ok
}

// requestNeeds lists the scope items (one action each) a registry request
// needs, written independently of package auth's parser: the repository is
// what precedes the last route word.
func requestNeeds(r *http.Request) []string {
	if r.URL.Path == "/v2/_catalog" {
		return []string{"registry:catalog:*"}
	}
	p := strings.TrimPrefix(r.URL.Path, "/v2/")
	end := -1
	for _, route := range []string{"/manifests/", "/blobs/", "/tags/list", "/referrers/"} {
		end = max(end, strings.LastIndex(p, route))
	}
	if end <= 0 {
		return nil // not a repository route: the registry answers 404
	}
	repo := p[:end]
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return []string{"repository:" + repo + ":pull"}
	}
	needs := []string{"repository:" + repo + ":pull", "repository:" + repo + ":push"}
	if from := r.URL.Query().Get("from"); from != "" && r.Method == http.MethodPost {
		needs = append(needs, "repository:"+from+":pull")
	}
	return needs
}

// covers reports whether a token's scope (space-separated
// "type:name:action,action" items) grants every one of needs.
func covers(scope string, needs []string) bool {
	granted := map[string]bool{}
	for _, item := range strings.Fields(scope) {
		i := strings.LastIndex(item, ":")
		if i < 0 {
			continue
		}
		for _, action := range strings.Split(item[i+1:], ",") {
			granted[item[:i]+":"+action] = true
		}
	}
	for _, n := range needs {
		if !granted[n] {
			return false
		}
	}
	return true
}

// repoBlobs is a blob store where a blob belongs to a repository, as in a
// real registry, so that ggcr mounts rather than finds a blob it copies.
type repoBlobs struct {
	mu sync.Mutex
	m  map[string][]byte
}

// key names a blob of a repository. ggcr's registry names the repository of
// an upload's final PUT with the path's "blobs" still on it.
func (b *repoBlobs) key(repo string, h v1.Hash) string {
	return strings.TrimSuffix(repo, "/blobs") + "@" + h.String()
}

func (b *repoBlobs) Stat(_ context.Context, repo string, h v1.Hash) (int64, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	blob, ok := b.m[b.key(repo, h)]
	if !ok {
		return 0, registry.ErrNotFound
	}
	return int64(len(blob)), nil
}

func (b *repoBlobs) Get(_ context.Context, repo string, h v1.Hash) (io.ReadCloser, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	blob, ok := b.m[b.key(repo, h)]
	if !ok {
		return nil, registry.ErrNotFound
	}
	return io.NopCloser(bytes.NewReader(blob)), nil
}

func (b *repoBlobs) Put(_ context.Context, repo string, h v1.Hash, rc io.ReadCloser) error {
	defer rc.Close()
	blob, err := io.ReadAll(rc)
	if err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.m[b.key(repo, h)] = blob
	return nil
}

// countingHandler counts what reaches a handler: pings, token requests and
// Authorization headers.
type countingHandler struct {
	inner http.Handler

	mu      sync.Mutex
	pings   int
	tokens  int
	authHdr []string
}

func (c *countingHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	switch r.URL.Path {
	case "/v2/", "/v2":
		c.pings++
	case "/token":
		c.tokens++
	}
	if h := r.Header.Get("Authorization"); h != "" {
		c.authHdr = append(c.authHdr, r.Method+" "+r.URL.Path+" "+h)
	}
	c.mu.Unlock()
	c.inner.ServeHTTP(w, r)
}

// staticKeychain resolves every registry to one authenticator, or fails
// the first failures times, counting its calls.
type staticKeychain struct {
	mu       sync.Mutex
	auth     authn.Authenticator
	failures atomic.Int32
	calls    atomic.Int32
}

var errKeychain = errors.New("credential helper exited 1")

func (k *staticKeychain) Resolve(authn.Resource) (authn.Authenticator, error) {
	k.calls.Add(1)
	if k.failures.Add(-1) >= 0 {
		return nil, errKeychain
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.auth, nil
}

// pushAndPull writes a new random image to each tag of repo and reads it
// back: its digest by HEAD, then the whole image by GET, every blob checked.
// It returns an error rather than failing, so goroutines can call it.
func pushAndPull(repo name.Repository, tags []string, opts ...remote.Option) error {
	for _, tag := range tags {
		ref := repo.Tag(tag)
		img, err := random.Image(256, 2)
		if err != nil {
			return err
		}
		want, err := img.Digest()
		if err != nil {
			return err
		}
		if err := remote.Write(ref, img, opts...); err != nil {
			return fmt.Errorf("writing %s: %w", ref, err)
		}
		if err := pull(ref, want, opts...); err != nil {
			return err
		}
	}
	return nil
}

func pull(ref name.Reference, want v1.Hash, opts ...remote.Option) error {
	d, err := remote.Head(ref, opts...)
	if err != nil {
		return fmt.Errorf("HEAD %s: %w", ref, err)
	}
	if d.Digest != want {
		return fmt.Errorf("HEAD %s: digest %s, want %s", ref, d.Digest, want)
	}
	desc, err := remote.Get(ref, opts...)
	if err != nil {
		return fmt.Errorf("GET %s: %w", ref, err)
	}
	img, err := desc.Image()
	if err != nil {
		return fmt.Errorf("GET %s: %w", ref, err)
	}
	if err := validate.Image(img); err != nil {
		return fmt.Errorf("reading %s back: %w", ref, err)
	}
	return nil
}

// concurrently runs each fn in its own goroutine and returns their errors.
func concurrently(fns ...func() error) error {
	errs := make([]error, len(fns))
	var wg sync.WaitGroup
	for i, fn := range fns {
		wg.Go(func() { errs[i] = fn() })
	}
	wg.Wait()
	return errors.Join(errs...)
}

func remoteOpts(t *testing.T, tr *auth.Transport) []remote.Option {
	return []remote.Option{remote.WithTransport(tr.Wrap()), remote.WithContext(t.Context())}
}

// TestTransportOnePingOneTokenPerScope pushes and pulls two repositories at
// once, several tags each, and lists the catalog: the registry is pinged
// once for the whole run (ggcr, handed Wrap, pings nothing), each scope set
// costs one token exchange, and no request is ever turned away, so every
// request carried the scope it needed from the start.
func TestTransportOnePingOneTokenPerScope(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		opts       []auth.Option
		wantTokens map[string]int
	}{
		{
			name: "pull unless writing",
			wantTokens: map[string]int{
				"repository:a:pull":           1,
				"repository:a:push,pull":      1,
				"repository:team/b:pull":      1,
				"repository:team/b:push,pull": 1,
				"registry:catalog:*":          1,
			},
		},
		{
			name: "write: reads and writes share a token",
			opts: []auth.Option{auth.WithWrite(true)},
			wantTokens: map[string]int{
				"repository:a:push,pull":      1,
				"repository:team/b:push,pull": 1,
				"registry:catalog:*":          1,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeRegistry(t, fakeConfig{})
			reg := f.registry(t)
			tr := newTransport(t, reg, authn.NewMultiKeychain(), http.DefaultTransport, tt.opts...)
			opts := remoteOpts(t, tr)
			tags := []string{"1", "2", "3"}
			err := concurrently(
				func() error { return pushAndPull(reg.Repo("a"), tags, opts...) },
				func() error { return pushAndPull(reg.Repo("team", "b"), tags, opts...) },
			)
			if err != nil {
				t.Fatal(err)
			}
			repos, err := remote.Catalog(t.Context(), reg, opts...)
			if err != nil {
				t.Fatalf("catalog: %v", err)
			}
			slices.Sort(repos)
			if diff := cmp.Diff([]string{"a", "team/b"}, repos); diff != "" {
				t.Errorf("catalog (-want +got):\n%s", diff)
			}

			got := f.counts()
			if got.pings != 1 {
				t.Errorf("pings = %d, want 1 for the whole run", got.pings)
			}
			if diff := cmp.Diff(tt.wantTokens, got.tokens); diff != "" {
				t.Errorf("token exchanges by scope (-want +got):\n%s", diff)
			}
			if got.rejected != 0 {
				t.Errorf("%d requests were answered 401; want every request to carry its scope from the start", got.rejected)
			}
		})
	}
}

// TestTransportMount: a copy between repositories mounts, and the upload
// start that names from= carries a token for both repositories, exchanged
// once for that pair.
func TestTransportMount(t *testing.T) {
	t.Parallel()
	f := newFakeRegistry(t, fakeConfig{perRepoBlobs: true})
	reg := f.registry(t)
	tr := newTransport(t, reg, authn.NewMultiKeychain(), http.DefaultTransport, auth.WithWrite(true))
	opts := remoteOpts(t, tr)
	if err := pushAndPull(reg.Repo("src"), []string{"1"}, opts...); err != nil {
		t.Fatal(err)
	}
	src, err := remote.Image(reg.Repo("src").Tag("1"), opts...)
	if err != nil {
		t.Fatal(err)
	}
	want, err := src.Digest()
	if err != nil {
		t.Fatal(err)
	}
	dst := reg.Repo("dst").Tag("1")
	if err := remote.Write(dst, src, opts...); err != nil {
		t.Fatalf("copying to %s: %v", dst, err)
	}
	if err := pull(dst, want, opts...); err != nil {
		t.Fatal(err)
	}

	got := f.counts()
	if got.mounts == 0 {
		t.Fatal("no upload named from=: the test did not exercise a mount")
	}
	wantTokens := map[string]int{
		"repository:src:push,pull":                     1,
		"repository:dst:push,pull":                     1,
		"repository:dst:push,pull repository:src:pull": 1,
	}
	if diff := cmp.Diff(wantTokens, got.tokens); diff != "" {
		t.Errorf("token exchanges by scope (-want +got):\n%s", diff)
	}
	if got.pings != 1 || got.rejected != 0 {
		t.Errorf("pings = %d, rejected = %d, want 1, 0", got.pings, got.rejected)
	}
}

// TestTransportOtherHostPassesThrough: a request to another host (a blob
// store the registry redirects to) goes out as it came, with no credentials
// added; asking for it costs at most the run's one ping and one token for no
// repository.
func TestTransportOtherHostPassesThrough(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		preset  string // the request's own Authorization
		wantHdr string
	}{
		{name: "no header", wantHdr: ""},
		{name: "caller's own header untouched", preset: "Bearer caller", wantHdr: "Bearer caller"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeRegistry(t, fakeConfig{})
			other := &countingHandler{inner: http.NotFoundHandler()}
			osrv := httptest.NewServer(other)
			t.Cleanup(osrv.Close)
			tr := newTransport(t, f.registry(t), authn.NewMultiKeychain(), http.DefaultTransport, auth.WithWrite(true))

			req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, osrv.URL+"/v2/a/blobs/sha256:abc", nil)
			if err != nil {
				t.Fatal(err)
			}
			if tt.preset != "" {
				req.Header.Set("Authorization", tt.preset)
			}
			resp, err := tr.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusNotFound {
				t.Errorf("status %d, want the other host's 404", resp.StatusCode)
			}

			other.mu.Lock()
			hdrs := other.authHdr
			other.mu.Unlock()
			var want []string
			if tt.wantHdr != "" {
				want = []string{"GET /v2/a/blobs/sha256:abc " + tt.wantHdr}
			}
			if diff := cmp.Diff(want, hdrs); diff != "" {
				t.Errorf("Authorization the other host saw (-want +got):\n%s", diff)
			}
			got := f.counts()
			if got.pings > 1 || sum(got.tokens) > 1 || got.tokens[""] != sum(got.tokens) {
				t.Errorf("registry pings = %d, token exchanges = %v, want at most one ping and one token for no repository", got.pings, got.tokens)
			}
		})
	}
}

// TestTransportRedirectToAnotherRegistry: a gateway that redirects to
// another registry (lscr.io to ghcr.io, say) whose 401 challenges for a
// token of its own: the redirected request gets an anonymous token from
// that registry and succeeds, never carrying this registry's credentials.
func TestTransportRedirectToAnotherRegistry(t *testing.T) {
	t.Parallel()
	real := newFakeRegistry(t, fakeConfig{})
	rreg := real.registry(t)
	img, err := random.Image(256, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(rreg.Repo("a").Tag("1"), img, remote.WithTransport(newTransport(t, rreg, authn.NewMultiKeychain(), http.DefaultTransport).Wrap())); err != nil {
		t.Fatal(err)
	}
	realTokens := sum(real.counts().tokens)
	gateway := newFakeRegistry(t, fakeConfig{user: "u", pass: "secret"})
	gateway.mu.Lock()
	gateway.redirectAll = "http://" + rreg.RegistryStr()
	gateway.mu.Unlock()
	greg := gateway.registry(t)
	kc := &staticKeychain{auth: &authn.Basic{Username: "u", Password: "secret"}}
	tr := newTransport(t, greg, kc, http.DefaultTransport)
	d, err := remote.Head(greg.Repo("a").Tag("1"), remote.WithTransport(tr.Wrap()))
	if err != nil {
		t.Fatalf("HEAD through the gateway: %v", err)
	}
	if want, _ := img.Digest(); d.Digest != want {
		t.Errorf("digest %s, want %s", d.Digest, want)
	}
	if n := sum(real.counts().tokens) - realTokens; n != 1 {
		t.Errorf("the real registry issued %d tokens for the redirected request, want 1", n)
	}
	real.mu.Lock()
	defer real.mu.Unlock()
	for _, tok := range real.tokenHdr {
		if strings.Contains(tok, "Basic") {
			t.Errorf("the gateway's credentials reached the other registry: %q", tok)
		}
	}
}

// TestTransportCredentialsRotate: a keychain whose secret changes (a
// credential helper's short-lived token) is asked again once its answer is
// older than the TTL, so a repository first met after the change works.
func TestTransportCredentialsRotate(t *testing.T) {
	t.Parallel()
	f := newFakeRegistry(t, fakeConfig{user: "u", pass: "p1"})
	reg := f.registry(t)
	kc := &staticKeychain{auth: &authn.Basic{Username: "u", Password: "p1"}}
	tr := newTransport(t, reg, kc, http.DefaultTransport, auth.WithCredentialTTL(0))
	opts := remoteOpts(t, tr)
	if err := pushAndPull(reg.Repo("a"), []string{"1"}, opts...); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	f.cfg.pass = "p2"
	f.mu.Unlock()
	kc.mu.Lock()
	kc.auth = &authn.Basic{Username: "u", Password: "p2"}
	kc.mu.Unlock()
	if err := pushAndPull(reg.Repo("b"), []string{"1"}, opts...); err != nil {
		t.Fatalf("a new repository after the secret changed: %v", err)
	}
}

// TestTransportRedirectCarriesNoToken: blobs the registry redirects to a
// store on another host are fetched from it without the registry's token.
func TestTransportRedirectCarriesNoToken(t *testing.T) {
	t.Parallel()
	f := newFakeRegistry(t, fakeConfig{})
	store := &countingHandler{inner: f.inner} // serves the same blobs, unauthenticated
	var fetched atomic.Int32
	ssrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fetched.Add(1)
		store.ServeHTTP(w, r)
	}))
	t.Cleanup(ssrv.Close)

	reg := f.registry(t)
	tr := newTransport(t, reg, authn.NewMultiKeychain(), http.DefaultTransport, auth.WithWrite(true))
	ref, img, opts := written(t, reg, tr, 2)
	want, err := img.Digest()
	if err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	f.redirect = ssrv.URL
	f.mu.Unlock()
	if err := pull(ref, want, opts...); err != nil {
		t.Fatal(err)
	}
	if fetched.Load() == 0 {
		t.Fatal("no blob was fetched from the store: the test did not exercise a redirect")
	}
	store.mu.Lock()
	defer store.mu.Unlock()
	if len(store.authHdr) != 0 {
		t.Errorf("the blob store on another host got credentials: %q", store.authHdr)
	}
}

// TestTransportRefreshesExpiredToken: once the registry stops accepting a
// token, the next request, whatever it is, is answered 401, gets a new token
// and succeeds; the registry is not pinged again.
func TestTransportRefreshesExpiredToken(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// after runs against a's tag "1" once the token has expired.
		after func(ref name.Reference, img v1.Image, opts []remote.Option) error
	}{
		{"head", func(ref name.Reference, img v1.Image, opts []remote.Option) error {
			_, err := remote.Head(ref, opts...)
			return err
		}},
		{"get image", func(ref name.Reference, img v1.Image, opts []remote.Option) error {
			want, _ := img.Digest()
			return pull(ref, want, opts...)
		}},
		{"write image", func(ref name.Reference, _ v1.Image, opts []remote.Option) error {
			return pushAndPull(ref.Context(), []string{"2"}, opts...)
		}},
		{"put manifest", func(ref name.Reference, img v1.Image, opts []remote.Option) error {
			// The first request after expiry is a PUT with a body.
			return remote.Put(ref.Context().Tag("2"), img, opts...)
		}},
	}
	for _, tt := range tests {
		for _, write := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/write=%t", tt.name, write), func(t *testing.T) {
				t.Parallel()
				f := newFakeRegistry(t, fakeConfig{})
				reg := f.registry(t)
				tr := newTransport(t, reg, authn.NewMultiKeychain(), http.DefaultTransport, auth.WithWrite(write))
				ref, img, opts := written(t, reg, tr, 2)
				before := f.counts()
				if before.rejected != 0 {
					t.Fatalf("%d requests rejected before expiry", before.rejected)
				}

				f.expire()
				if err := tt.after(ref, img, opts); err != nil {
					t.Fatalf("first operation after expiry: %v", err)
				}
				// And the refreshed token keeps working for reads and writes.
				if err := pushAndPull(reg.Repo("a"), []string{"3"}, opts...); err != nil {
					t.Fatalf("after the refresh: %v", err)
				}

				got := f.counts()
				if got.rejected == 0 {
					t.Fatal("no request was rejected: the test did not exercise expiry")
				}
				if got.pings != 1 {
					t.Errorf("pings = %d, want 1", got.pings)
				}
				if sum(got.tokens) <= sum(before.tokens) {
					t.Errorf("token exchanges %v, then %v: want a refresh", before.tokens, got.tokens)
				}
			})
		}
	}
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// written writes a random image of layers layers to a:1 through tr, and
// returns it with the options that wrote it.
func written(t *testing.T, reg name.Registry, tr *auth.Transport, layers int64) (name.Tag, v1.Image, []remote.Option) {
	t.Helper()
	opts := remoteOpts(t, tr)
	img, err := random.Image(256, layers)
	if err != nil {
		t.Fatal(err)
	}
	ref := reg.Repo("a").Tag("1")
	if err := remote.Write(ref, img, opts...); err != nil {
		t.Fatal(err)
	}
	return ref, img, opts
}

// TestTransportRefreshKeepsScopes: the token that replaces an expired one is
// asked for the same scopes, so it serves what the old one did: one refresh
// per repository, whether or not the registry's 401 names a scope, as ggcr's
// own transport does.
func TestTransportRefreshKeepsScopes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  fakeConfig
	}{
		{"challenge names the scope", fakeConfig{}},
		{"challenge names no scope", fakeConfig{noChallengeScope: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeRegistry(t, tt.cfg)
			reg := f.registry(t)
			tr := newTransport(t, reg, authn.NewMultiKeychain(), http.DefaultTransport, auth.WithWrite(true))
			ref, img, opts := written(t, reg, tr, 1)
			f.expire()
			// A read, then a write: with WithWrite both are one push token.
			if _, err := remote.Head(ref, opts...); err != nil {
				t.Fatalf("HEAD after expiry: %v", err)
			}
			if err := remote.Put(reg.Repo("a").Tag("2"), img, opts...); err != nil {
				t.Fatalf("PUT after the refresh: %v", err)
			}
			got := f.counts()
			if n := sum(got.tokens); n != 2 {
				t.Errorf("token exchanges %v: want 2 (the first, one refresh)", got.tokens)
			}
		})
	}
}

// TestTransportPingFailureNotRemembered: a ping that fails fails the request
// that needed it, with the cause, and the next request pings again; a ping
// that succeeds is then kept.
func TestTransportPingFailureNotRemembered(t *testing.T) {
	t.Parallel()
	errDown := errors.New("network is down")
	tests := []struct {
		name      string
		cfg       fakeConfig
		down      bool // the inner transport fails every request while down
		check     func(error) bool
		wantPings int // pings that reached the registry, after the retry
	}{
		{
			name: "server error",
			cfg:  fakeConfig{pingFailures: 1},
			check: func(err error) bool {
				var terr *transport.Error
				return errors.As(err, &terr) && terr.StatusCode == http.StatusInternalServerError
			},
			wantPings: 2,
		},
		{
			name:      "transport error",
			down:      true,
			check:     func(err error) bool { return errors.Is(err, errDown) },
			wantPings: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeRegistry(t, tt.cfg)
			reg := f.registry(t)
			inner := &flakyTransport{inner: http.DefaultTransport, err: errDown}
			inner.down.Store(tt.down)
			tr := newTransport(t, reg, authn.NewMultiKeychain(), inner)
			opts := remoteOpts(t, tr)
			ref := reg.Repo("a").Tag("1")
			img, err := random.Image(256, 1)
			if err != nil {
				t.Fatal(err)
			}

			// One request, so that one ping fails.
			_, err = remote.Head(ref, opts...)
			if err == nil || !tt.check(err) {
				t.Fatalf("HEAD with the ping failing: error %v, want the ping's", err)
			}
			inner.down.Store(false)
			if err := remote.Write(ref, img, opts...); err != nil {
				t.Fatalf("write once the registry answers: %v", err)
			}
			if _, err := remote.Head(ref, opts...); err != nil {
				t.Fatal(err)
			}
			if got := f.counts().pings; got != tt.wantPings {
				t.Errorf("pings = %d, want %d", got, tt.wantPings)
			}
		})
	}
}

// flakyTransport fails every request with err while down.
type flakyTransport struct {
	inner http.RoundTripper
	err   error
	down  atomic.Bool
}

func (f *flakyTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if f.down.Load() {
		return nil, f.err
	}
	return f.inner.RoundTrip(req)
}

// countingTransport counts the pings it sends.
type countingTransport struct {
	inner http.RoundTripper
	pings atomic.Int32
}

func (c *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Path == "/v2/" {
		c.pings.Add(1)
	}
	return c.inner.RoundTrip(req)
}

// TestTransportUnreachableRegistry: nothing listens on the registry's
// address; each request reports the connection error and pings again.
func TestTransportUnreachableRegistry(t *testing.T) {
	t.Parallel()
	reg, err := name.NewRegistry("127.0.0.1:1") // a privileged port nothing listens on
	if err != nil {
		t.Fatal(err)
	}
	inner := &countingTransport{inner: http.DefaultTransport}
	tr := newTransport(t, reg, authn.NewMultiKeychain(), inner)
	client := &http.Client{Transport: tr.Wrap()}
	var attempts []int32
	for range 2 {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://127.0.0.1:1/v2/a/manifests/latest", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
			t.Fatalf("GET from an unreachable registry: status %d, want an error", resp.StatusCode)
		}
		if !errors.Is(err, syscall.ECONNREFUSED) {
			t.Errorf("error %v, want %v", err, syscall.ECONNREFUSED)
		}
		attempts = append(attempts, inner.pings.Load())
	}
	if attempts[0] == 0 || attempts[1] <= attempts[0] {
		t.Errorf("ping attempts after each request: %v, want the second request to ping again", attempts)
	}
}

// TestTransportNoAuthRegistry: a registry that answers the ping 200 gets no
// token exchange and no credentials, and is still pinged once.
func TestTransportNoAuthRegistry(t *testing.T) {
	t.Parallel()
	h := &countingHandler{inner: registry.New(registry.Logger(log.New(io.Discard, "", 0)))}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	reg, err := name.NewRegistry(strings.TrimPrefix(srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	tr := newTransport(t, reg, authn.NewMultiKeychain(), http.DefaultTransport)
	opts := remoteOpts(t, tr)
	tags := []string{"1", "2"}
	err = concurrently(
		func() error { return pushAndPull(reg.Repo("a"), tags, opts...) },
		func() error { return pushAndPull(reg.Repo("b"), tags, opts...) },
	)
	if err != nil {
		t.Fatal(err)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.pings != 1 || h.tokens != 0 || len(h.authHdr) != 0 {
		t.Errorf("pings = %d, token requests = %d, Authorization headers = %q; want 1, 0, none", h.pings, h.tokens, h.authHdr)
	}
}

// TestTransportCredentials: the keychain's credentials go to the token
// endpoint (Bearer) or with every request (Basic); the keychain is asked
// once for the run, however many scopes; a registry that wants credentials
// and gets none answers 401, and that is the error.
func TestTransportCredentials(t *testing.T) {
	t.Parallel()
	const user, pass = "migrator", "s3cret"
	good := &authn.Basic{Username: user, Password: pass}
	tests := []struct {
		name       string
		cfg        fakeConfig
		auth       authn.Authenticator
		wantStatus int // 0: success
		wantTokens int // token requests
	}{
		{"bearer", fakeConfig{user: user, pass: pass}, good, 0, 2},
		{"bearer, no credentials", fakeConfig{user: user, pass: pass}, authn.Anonymous, http.StatusUnauthorized, 1},
		{"basic", fakeConfig{basic: true, user: user, pass: pass}, good, 0, 0},
		{"basic, no credentials", fakeConfig{basic: true, user: user, pass: pass}, authn.Anonymous, http.StatusUnauthorized, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeRegistry(t, tt.cfg)
			reg := f.registry(t)
			kc := &staticKeychain{auth: tt.auth}
			tr := newTransport(t, reg, kc, http.DefaultTransport, auth.WithWrite(true))
			opts := remoteOpts(t, tr)
			err := concurrently(
				func() error { return pushAndPull(reg.Repo("a"), []string{"1"}, opts...) },
				func() error { return pushAndPull(reg.Repo("b"), []string{"1"}, opts...) },
			)
			var terr *transport.Error
			switch {
			case tt.wantStatus == 0 && err != nil:
				t.Fatal(err)
			case tt.wantStatus != 0 && (!errors.As(err, &terr) || terr.StatusCode != tt.wantStatus):
				t.Fatalf("error %v, want a %d", err, tt.wantStatus)
			}
			if n := kc.calls.Load(); n != 1 {
				t.Errorf("keychain asked %d times, want once for the run", n)
			}
			f.mu.Lock()
			defer f.mu.Unlock()
			if n := len(f.tokenHdr); tt.wantStatus == 0 && n != tt.wantTokens {
				t.Errorf("%d token requests, want %d", n, tt.wantTokens)
			}
			for _, h := range f.tokenHdr {
				u, p, _ := (&http.Request{Header: http.Header{"Authorization": {h}}}).BasicAuth()
				if want := tt.auth == good; (u == user && p == pass) != want {
					t.Errorf("token request Authorization %q, want the keychain's credentials: %t", h, want)
				}
			}
			if tt.cfg.basic && tt.wantStatus == 0 {
				for _, h := range f.headers {
					if !strings.HasSuffix(h, " Basic "+basic(user, pass)) {
						t.Errorf("request %q, want Basic credentials", h)
					}
				}
			}
			if tt.wantStatus == 0 && f.rejected != 0 {
				t.Errorf("%d requests rejected", f.rejected)
			}
		})
	}
}

func basic(user, pass string) string {
	r := &http.Request{Header: http.Header{}}
	r.SetBasicAuth(user, pass)
	return strings.TrimPrefix(r.Header.Get("Authorization"), "Basic ")
}

// TestTransportKeychainFailure: a keychain that fails is the request's
// error, not anonymous access, and is asked again by the next request.
func TestTransportKeychainFailure(t *testing.T) {
	t.Parallel()
	f := newFakeRegistry(t, fakeConfig{user: "u", pass: "p"})
	reg := f.registry(t)
	kc := &staticKeychain{auth: &authn.Basic{Username: "u", Password: "p"}}
	kc.failures.Store(1)
	tr := newTransport(t, reg, kc, http.DefaultTransport)
	opts := remoteOpts(t, tr)
	ref := reg.Repo("a").Tag("1")
	img, err := random.Image(256, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(ref, img, opts...); !errors.Is(err, errKeychain) {
		t.Fatalf("write with the keychain failing: error %v, want %v", err, errKeychain)
	}
	if got := f.counts(); len(got.tokens) != 0 {
		t.Errorf("token exchanges %v after a keychain failure, want none (no anonymous fallback)", got.tokens)
	}
	if err := remote.Write(ref, img, opts...); err != nil {
		t.Fatalf("write once the keychain works: %v", err)
	}
	if n := kc.calls.Load(); n != 2 {
		t.Errorf("keychain asked %d times, want 2 (a failure is not kept)", n)
	}
}

// TestTransportUserAgent: requests to the registry and its token endpoint
// carry WithUserAgent's agent followed by go-containerregistry's, as
// remote.WithUserAgent gives; without the option, go-containerregistry's.
func TestTransportUserAgent(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts []auth.Option
		want string // prefix
	}{
		{"set", []auth.Option{auth.WithUserAgent("crane-migrate/test")}, "crane-migrate/test go-containerregistry"},
		{"default", nil, "go-containerregistry"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeRegistry(t, fakeConfig{})
			reg := f.registry(t)
			tr := newTransport(t, reg, authn.NewMultiKeychain(), http.DefaultTransport, tt.opts...)
			if err := pushAndPull(reg.Repo("a"), []string{"1"}, remoteOpts(t, tr)...); err != nil {
				t.Fatal(err)
			}
			f.mu.Lock()
			defer f.mu.Unlock()
			if len(f.agents) == 0 {
				t.Fatal("no request recorded its User-Agent")
			}
			for ua := range f.agents {
				if !strings.HasPrefix(ua, tt.want) {
					t.Errorf("User-Agent %q, want it to start with %q", ua, tt.want)
				}
			}
		})
	}
}

// TestTransportUnknownPath: a path package auth does not know gets a token
// for no repository, exchanged once, as transport's doc comment says.
func TestTransportUnknownPath(t *testing.T) {
	t.Parallel()
	f := newFakeRegistry(t, fakeConfig{})
	reg := f.registry(t)
	tr := newTransport(t, reg, authn.NewMultiKeychain(), http.DefaultTransport)
	for range 2 {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://"+reg.RegistryStr()+"/v2/x/unknown/thing", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := tr.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	got := f.counts()
	if diff := cmp.Diff(map[string]int{"": 1}, got.tokens); diff != "" {
		t.Errorf("token exchanges by scope (-want +got):\n%s", diff)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	want := []string{"GET /v2/x/unknown/thing Bearer tok:0:", "GET /v2/x/unknown/thing Bearer tok:0:"}
	if diff := cmp.Diff(want, f.headers); diff != "" {
		t.Errorf("requests and their Authorization (-want +got):\n%s", diff)
	}
}

// TestTransportAccessTokenOnly: a token endpoint that answers the OAuth2
// field access_token alone (as Azure Container Registry's does) is as good
// as one that answers token: one exchange per scope, and the first request
// carries the token.
func TestTransportAccessTokenOnly(t *testing.T) {
	t.Parallel()
	f := newFakeRegistry(t, fakeConfig{accessTokenOnly: true})
	reg := f.registry(t)
	tr := newTransport(t, reg, authn.NewMultiKeychain(), http.DefaultTransport, auth.WithWrite(true))
	if err := pushAndPull(reg.Repo("a"), []string{"1", "2"}, remoteOpts(t, tr)...); err != nil {
		t.Fatal(err)
	}
	got := f.counts()
	if diff := cmp.Diff(map[string]int{"repository:a:push,pull": 1}, got.tokens); diff != "" {
		t.Errorf("token exchanges by scope (-want +got):\n%s", diff)
	}
	if got.rejected != 0 {
		t.Errorf("%d requests were answered 401, want none", got.rejected)
	}
}

// newTransport is auth.New for a test: options that fail end it.
func newTransport(t testing.TB, reg name.Registry, kc authn.Keychain, inner http.RoundTripper, opts ...auth.Option) *auth.Transport {
	t.Helper()
	tr, err := auth.New(reg, kc, inner, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}
