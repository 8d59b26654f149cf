package e2e

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// fakeHub answers the Docker Hub API routes crane-migrate uses, in the real
// Hub's JSON shapes (../shared/hub-api.md), with the content of a real
// registry: repositories are its catalog, tags its tags, digests its manifests.
// Visibility, descriptions and accounts live here, as they do on the Hub.
type fakeHub struct {
	srv      *httptest.Server
	registry name.Registry
	regOpts  []remote.Option

	mu       sync.Mutex
	accounts map[string]string // user → secret
	tokens   map[string]time.Time
	repos    map[string]*hubRepo // "ns/name"
	counts   map[string]int
	ttl      time.Duration
}

type hubRepo struct {
	Private         bool
	Description     string
	FullDescription string
	Created         bool // by POST, before any push
}

// newFakeHub serves the Hub API for the registry reg (host:port). regAuth
// reads an htpasswd-protected registry.
func newFakeHub(t *testing.T, reg string, regAuth authn.Authenticator) *fakeHub {
	t.Helper()
	r, err := name.NewRegistry(reg)
	if err != nil {
		t.Fatal(err)
	}
	h := &fakeHub{registry: r, accounts: map[string]string{}, tokens: map[string]time.Time{},
		repos: map[string]*hubRepo{}, counts: map[string]int{}, ttl: 10 * time.Minute,
		regOpts: []remote.Option{remote.WithAuth(regAuth)}}
	if regAuth == nil {
		h.regOpts = nil
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v2/auth/token", h.count("token", h.authToken))
	mux.HandleFunc("POST /v2/users/login", h.count("login", h.usersLogin))
	mux.HandleFunc("GET /v2/namespaces/{ns}/repositories", h.count("repositories", h.listRepositories))
	mux.HandleFunc("POST /v2/namespaces/{ns}/repositories", h.count("create", h.createRepository))
	mux.HandleFunc("GET /v2/namespaces/{ns}/repositories/{repo}", h.count("repository", h.getRepository))
	mux.HandleFunc("GET /v2/namespaces/{ns}/repositories/{repo}/tags", h.count("tags", h.listTags))
	mux.HandleFunc("PATCH /v2/repositories/{ns}/{repo}/", h.count("patch", h.patchRepository))
	h.srv = httptest.NewServer(mux)
	t.Cleanup(h.srv.Close)
	return h
}

func (h *fakeHub) URL() string { return h.srv.URL }

func (h *fakeHub) addAccount(user, secret string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.accounts[user] = secret
}

func (h *fakeHub) setRepo(ns, repo string, meta hubRepo) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.repos[ns+"/"+repo] = &meta
}

func (h *fakeHub) repo(ns, repo string) (hubRepo, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	m, ok := h.repos[ns+"/"+repo]
	if !ok {
		return hubRepo{}, false
	}
	return *m, true
}

// Counts is how many requests each route answered.
func (h *fakeHub) Counts() map[string]int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return maps(h.counts)
}

func maps(m map[string]int) map[string]int {
	out := map[string]int{}
	for k, v := range m {
		out[k] = v
	}
	return out
}

func (h *fakeHub) count(route string, f http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		h.counts[route]++
		h.mu.Unlock()
		w.Header().Set("X-RateLimit-Limit", "180")
		w.Header().Set("X-RateLimit-Remaining", "179")
		w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(time.Now().Add(time.Minute).Unix(), 10))
		w.Header().Set("Content-Type", "application/json")
		f(w, r)
	}
}

func answer(w http.ResponseWriter, code int, v any) {
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func detail(w http.ResponseWriter, code int, msg string) {
	answer(w, code, map[string]string{"detail": msg, "message": msg})
}

// jwtish is a random token shaped like a JWT.
func jwtish() string {
	part := func() string {
		b := make([]byte, 12)
		_, _ = rand.Read(b)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	return part() + "." + part() + "." + part()
}

func (h *fakeHub) login(user, secret string) (string, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if want, ok := h.accounts[user]; !ok || want != secret {
		return "", false
	}
	tok := jwtish()
	h.tokens[tok] = time.Now().Add(h.ttl)
	return tok, true
}

// issued lists every token handed out, for the secrets test to grep for.
func (h *fakeHub) issued() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for tok := range h.tokens {
		out = append(out, tok)
	}
	return out
}

func (h *fakeHub) authToken(w http.ResponseWriter, r *http.Request) {
	var body struct{ Identifier, Secret string }
	if json.NewDecoder(r.Body).Decode(&body) != nil {
		detail(w, http.StatusBadRequest, "invalid body")
		return
	}
	tok, ok := h.login(body.Identifier, body.Secret)
	if !ok {
		detail(w, http.StatusUnauthorized, "Incorrect authentication credentials")
		return
	}
	answer(w, http.StatusOK, map[string]string{"access_token": tok})
}

func (h *fakeHub) usersLogin(w http.ResponseWriter, r *http.Request) {
	var body struct{ Username, Password string }
	if json.NewDecoder(r.Body).Decode(&body) != nil {
		detail(w, http.StatusBadRequest, "invalid body")
		return
	}
	tok, ok := h.login(body.Username, body.Password)
	if !ok {
		detail(w, http.StatusUnauthorized, "Incorrect authentication credentials")
		return
	}
	answer(w, http.StatusOK, map[string]string{"token": tok})
}

// authorized says whether the request carries a live token; a token that
// was sent but is not live is a 401, as on the Hub.
func (h *fakeHub) authorized(w http.ResponseWriter, r *http.Request) (signedIn, ok bool) {
	tok, found := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !found {
		return false, true
	}
	h.mu.Lock()
	exp, known := h.tokens[tok]
	h.mu.Unlock()
	if !known || time.Now().After(exp) {
		detail(w, http.StatusUnauthorized, "token is invalid or expired")
		return false, false
	}
	return true, true
}

// visible lists the namespace's repositories the caller may see: the
// registry's catalog plus repositories created before their first push.
func (h *fakeHub) visible(r *http.Request, ns string, signedIn bool) ([]string, error) {
	all, err := remote.Catalog(r.Context(), h.registry, h.regOpts...)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, full := range all {
		if rel, ok := strings.CutPrefix(full, ns+"/"); ok {
			names = append(names, rel)
		}
	}
	h.mu.Lock()
	for key, m := range h.repos {
		if rel, ok := strings.CutPrefix(key, ns+"/"); ok && m.Created && !slices.Contains(names, rel) {
			names = append(names, rel)
		}
	}
	h.mu.Unlock()
	slices.Sort(names)
	return slices.DeleteFunc(names, func(rel string) bool {
		m, _ := h.repo(ns, rel)
		return m.Private && !signedIn
	}), nil
}

func (h *fakeHub) entry(ns, rel string) map[string]any {
	m, _ := h.repo(ns, rel)
	return map[string]any{"name": rel, "namespace": ns, "repository_type": "image", "status": 1,
		"status_description": "active", "description": m.Description, "is_private": m.Private,
		"star_count": 0, "pull_count": 0, "last_updated": "2026-11-01T00:00:00Z", "last_modified": "2026-11-01T00:00:00Z",
		"date_registered": "2026-01-01T00:00:00Z", "affiliation": "owner", "media_types": []string{}, "content_types": []string{"image"},
		"categories": []any{}, "storage_size": 0}
}

func (h *fakeHub) listRepositories(w http.ResponseWriter, r *http.Request) {
	signedIn, ok := h.authorized(w, r)
	if !ok {
		return
	}
	names, err := h.visible(r, r.PathValue("ns"), signedIn)
	if err != nil {
		detail(w, http.StatusBadGateway, err.Error())
		return
	}
	page(w, r, len(names), func(i int) any { return h.entry(r.PathValue("ns"), names[i]) })
}

func (h *fakeHub) findRepo(w http.ResponseWriter, r *http.Request) (string, string, bool) {
	signedIn, ok := h.authorized(w, r)
	if !ok {
		return "", "", false
	}
	ns, rel := r.PathValue("ns"), r.PathValue("repo")
	names, err := h.visible(r, ns, signedIn)
	if err != nil {
		detail(w, http.StatusBadGateway, err.Error())
		return "", "", false
	}
	if !slices.Contains(names, rel) {
		answer(w, http.StatusNotFound, map[string]string{"message": "object not found", "errinfo": "{}"})
		return "", "", false
	}
	return ns, rel, true
}

func (h *fakeHub) getRepository(w http.ResponseWriter, r *http.Request) {
	ns, rel, ok := h.findRepo(w, r)
	if !ok {
		return
	}
	e := h.entry(ns, rel)
	m, _ := h.repo(ns, rel)
	e["full_description"] = m.FullDescription
	e["permissions"] = map[string]bool{"read": true, "write": true, "admin": true}
	e["immutable_tags_settings"] = map[string]any{"enabled": false, "rules": []string{}}
	answer(w, http.StatusOK, e)
}

func (h *fakeHub) createRepository(w http.ResponseWriter, r *http.Request) {
	if signedIn, ok := h.authorized(w, r); !ok || !signedIn {
		if ok {
			detail(w, http.StatusUnauthorized, "authentication required")
		}
		return
	}
	var body struct {
		Name, Namespace, Description, Registry string
		FullDescription                        string `json:"full_description"`
		IsPrivate                              bool   `json:"is_private"`
	}
	if json.NewDecoder(r.Body).Decode(&body) != nil || body.Name == "" {
		detail(w, http.StatusBadRequest, "invalid body")
		return
	}
	h.setRepo(r.PathValue("ns"), body.Name, hubRepo{Private: body.IsPrivate, Description: body.Description,
		FullDescription: body.FullDescription, Created: true})
	answer(w, http.StatusCreated, h.entry(r.PathValue("ns"), body.Name))
}

func (h *fakeHub) patchRepository(w http.ResponseWriter, r *http.Request) {
	ns, rel, ok := h.findRepo(w, r)
	if !ok {
		return
	}
	var body struct {
		Description     *string `json:"description"`
		FullDescription *string `json:"full_description"`
	}
	if json.NewDecoder(r.Body).Decode(&body) != nil {
		detail(w, http.StatusBadRequest, "invalid body")
		return
	}
	h.mu.Lock()
	m := h.repos[ns+"/"+rel]
	if m == nil {
		m = &hubRepo{}
		h.repos[ns+"/"+rel] = m
	}
	if body.Description != nil {
		m.Description = *body.Description
	}
	if body.FullDescription != nil {
		m.FullDescription = *body.FullDescription
	}
	h.mu.Unlock()
	answer(w, http.StatusOK, h.entry(ns, rel))
}

func (h *fakeHub) listTags(w http.ResponseWriter, r *http.Request) {
	ns, rel, ok := h.findRepo(w, r)
	if !ok {
		return
	}
	repo := h.registry.Repo(ns, rel)
	tags, err := remote.List(repo, append(h.regOpts, remote.WithContext(r.Context()))...)
	if err != nil {
		tags = nil // created on the Hub, nothing pushed yet
	}
	slices.Sort(tags)
	page(w, r, len(tags), func(i int) any { return h.tag(r, repo, tags[i]) })
}

// tag describes one tag as the Hub does, images[] included.
func (h *fakeHub) tag(r *http.Request, repo name.Repository, tag string) any {
	opts := append(h.regOpts, remote.WithContext(r.Context()))
	d, err := remote.Get(repo.Tag(tag), opts...)
	if err != nil {
		return map[string]any{"name": tag}
	}
	images := []map[string]any{}
	image := func(p *v1.Platform, digest string, size int64) {
		var variant any
		if p.Variant != "" {
			variant = p.Variant
		}
		images = append(images, map[string]any{"architecture": p.Architecture, "os": p.OS, "variant": variant,
			"digest": digest, "size": size, "status": "active", "last_pulled": nil, "last_pushed": "2026-11-01T00:00:00Z"})
	}
	if d.MediaType.IsIndex() {
		m, err := v1.ParseIndexManifest(strings.NewReader(string(d.Manifest)))
		if err == nil {
			for _, c := range m.Manifests {
				p := c.Platform
				if p == nil {
					p = &v1.Platform{OS: "unknown", Architecture: "unknown"}
				}
				image(p, c.Digest.String(), c.Size)
			}
		}
	} else if img, err := d.Image(); err == nil {
		if cf, err := img.ConfigFile(); err == nil {
			image(cf.Platform(), d.Digest.String(), d.Size)
		}
	}
	return map[string]any{"name": tag, "digest": d.Digest.String(), "media_type": string(d.MediaType),
		"content_type": "image", "full_size": d.Size, "last_updated": "2026-11-01T00:00:00Z",
		"last_updater_username": "e2e", "tag_status": "active", "tag_last_pulled": nil,
		"tag_last_pushed": "2026-11-01T00:00:00Z", "images": images}
}

// page answers one page of n items in the Hub's shape: page_size defaults to
// 10 and is capped at 100, next/previous are full URLs, past the end is 404.
func page(w http.ResponseWriter, r *http.Request, n int, item func(int) any) {
	size, err := strconv.Atoi(r.URL.Query().Get("page_size"))
	if err != nil || size < 1 {
		size = 10
	}
	size = min(size, 100)
	p, err := strconv.Atoi(r.URL.Query().Get("page"))
	if err != nil || p < 1 {
		p = 1
	}
	start := (p - 1) * size
	if start >= n && p > 1 {
		answer(w, http.StatusNotFound, map[string]string{"message": "page not found"})
		return
	}
	link := func(to int) any {
		return fmt.Sprintf("http://%s%s?page=%d&page_size=%d", r.Host, r.URL.Path, to, size)
	}
	var next, prev any
	if start+size < n {
		next = link(p + 1)
	}
	if p > 1 {
		prev = link(p - 1)
	}
	results := []any{}
	for i := start; i < min(start+size, n); i++ {
		results = append(results, item(i))
	}
	answer(w, http.StatusOK, map[string]any{"count": n, "next": next, "previous": prev, "results": results})
}
