package hubfake

import (
	"fmt"
	"net/http"
	"sync"
	"time"
)

// Route names, the keys of Counts.
const (
	RouteAuthToken    = "auth_token"   // POST /v2/auth/token
	RouteLogin        = "users_login"  // POST /v2/users/login
	RouteRepositories = "repositories" // GET /v2/namespaces/{ns}/repositories
	RouteRepository   = "repository"   // GET /v2/namespaces/{ns}/repositories/{repo}
	RouteTags         = "tags"         // GET /v2/namespaces/{ns}/repositories/{repo}/tags
	RouteCreate       = "create"       // POST /v2/namespaces/{ns}/repositories
	RouteImmutable    = "immutable"    // PATCH /v2/namespaces/{ns}/repositories/{repo}/immutabletags
	RouteUpdate       = "update"       // PATCH /v2/repositories/{ns}/{repo}/ or /v2/namespaces/{ns}/repositories/{repo}
	RouteNotFound     = "not_found"    // anything else
)

// Server is the fake Hub: an http.Handler, safe for concurrent use.
type Server struct {
	o       *options
	mux     *http.ServeMux
	reg     *registry
	limiter *limiter

	mu       sync.Mutex
	tokens   map[string]session
	meta     map[string]metaEntry // by "ns/name"
	created  map[string]bool      // by "ns/name": created through the API, pushed or not
	issued   []string             // every token handed out, in order
	seen     map[string]time.Time // first sight of a repository
	pushed   map[string]pushed    // by "ns/name:tag"
	requests []Request
}

// Request is what the server saw of one request.
type Request struct {
	Route    string
	Method   string
	Path     string
	Query    string
	User     string // the account of the bearer token, "" when anonymous
	Status   int
	Start    time.Time
	Duration time.Duration
}

// New serves the Hub API for the content of the registry at registryURL
// ("http://127.0.0.1:PORT"). Like httptest.NewServer it panics on misuse (a
// malformed URL or a misused option): those are mistakes in the calling test.
func New(registryURL string, opts ...Option) *Server {
	o, err := makeOptions(opts...)
	if err != nil {
		panic(fmt.Sprintf("hubfake.New: %v", err))
	}
	reg, err := newRegistry(registryURL, o)
	if err != nil {
		panic(fmt.Sprintf("hubfake.New: %v", err))
	}
	s := &Server{o: o, reg: reg, limiter: newLimiter(o.rateLimit, o.window, o.now),
		tokens: map[string]session{}, meta: map[string]metaEntry{}, created: map[string]bool{},
		seen: map[string]time.Time{}, pushed: map[string]pushed{}}
	s.routes()
	return s
}

// routes registers each route with and without the trailing slash the Hub's
// Django front end also accepts. Go's mux unescapes path segments, so a
// nested repository name arrives whole when a client escapes its slash.
func (s *Server) routes() {
	s.mux = http.NewServeMux()
	s.handle(RouteAuthToken, s.authToken, "POST /v2/auth/token")
	s.handle(RouteLogin, s.login, "POST /v2/users/login")
	s.handle(RouteRepositories, s.listRepositories, "GET /v2/namespaces/{ns}/repositories")
	s.handle(RouteRepository, s.getRepository, "GET /v2/namespaces/{ns}/repositories/{repo}")
	s.handle(RouteTags, s.listTags, "GET /v2/namespaces/{ns}/repositories/{repo}/tags")
	s.handle(RouteCreate, s.createRepository, "POST /v2/namespaces/{ns}/repositories")
	s.handle(RouteImmutable, s.updateImmutable, "PATCH /v2/namespaces/{ns}/repositories/{repo}/immutabletags")
	s.handle(RouteUpdate, s.updateRepository, "PATCH /v2/repositories/{ns}/{repo}")
	s.handle(RouteUpdate, s.updateRepositoryNS, "PATCH /v2/namespaces/{ns}/repositories/{repo}")
	s.mux.Handle("/", s.wrap(RouteNotFound, func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "object not found")
	}))
}

func (s *Server) handle(route string, h http.HandlerFunc, pattern string) {
	s.mux.Handle(pattern, s.wrap(route, h))
	s.mux.Handle(pattern+"/{$}", s.wrap(route, h))
}

// ServeHTTP answers one Hub API request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mux.ServeHTTP(w, r)
}

// wrap records the request and applies the rate limit before h.
func (s *Server) wrap(route string, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw, start := &statusWriter{ResponseWriter: w}, time.Now()
		defer func() { s.record(r, route, sw.status, start) }()
		if !s.limiter.allow(sw) {
			return
		}
		h(sw, r)
	})
}

func (s *Server) record(r *http.Request, route string, status int, start time.Time) {
	user := ""
	if sess, err := s.session(r); err == nil && sess != nil {
		user = sess.account.user
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, Request{Route: route, Method: r.Method, Path: r.URL.Path,
		Query: r.URL.RawQuery, User: user, Status: status, Start: start, Duration: time.Since(start)})
}

// Counts counts the requests seen per route (Route… constants).
func (s *Server) Counts() map[string]int {
	counts := map[string]int{}
	for _, r := range s.Requests() {
		counts[r.Route]++
	}
	return counts
}

// Requests returns a copy of the requests seen since New or Reset.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Reset forgets the requests seen (not tokens, metadata or the rate limit).
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}

// statusWriter remembers the status sent.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}
