package hubfake

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"
)

// mfaDetail is the Hub's answer to a password login on a 2FA account.
const mfaDetail = "Require secondary authentication on MFA enabled account"

// badCredentials is the Hub's answer to a wrong user or secret.
const badCredentials = "Incorrect authentication credentials"

// notSignedIn is Django REST framework's answer to a request without credentials.
const notSignedIn = "Authentication credentials were not provided."

// account is one secret a user can log in with, and what it may do.
type account struct {
	user, secret string
	kind         Kind
	twoFactor    bool          // a password of an account with 2FA
	pat          PATPermission // of a KindPAT
	scopes       []string      // of a KindOAT, on its organization and all its repositories
	resources    []resource    // of a KindOAT, per repository
	namespaces   []string      // of a password or PAT; nil is every namespace
}

// session is what a token stands for.
type session struct {
	account *account
	expires time.Time
}

// authToken is POST /v2/auth/token {"identifier","secret"} → {"access_token"}.
func (s *Server) authToken(w http.ResponseWriter, r *http.Request) {
	var in struct{ Identifier, Secret string }
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.Identifier == "" {
		writeError(w, http.StatusBadRequest, "identifier and secret are required")
		return
	}
	a := s.account(in.Identifier, in.Secret)
	switch {
	case a == nil:
		writeError(w, http.StatusUnauthorized, badCredentials)
	case a.twoFactor:
		writeError(w, http.StatusUnauthorized, mfaDetail)
	default:
		writeJSON(w, http.StatusOK, map[string]string{"access_token": s.issue(a)})
	}
}

// login is POST /v2/users/login {"username","password"} → {"token"}, or 401
// with a login_2fa_token for a 2FA account.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	var in struct{ Username, Password string }
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.Username == "" {
		writeError(w, http.StatusBadRequest, "username and password are required")
		return
	}
	a := s.account(in.Username, in.Password)
	switch {
	case a == nil:
		writeError(w, http.StatusUnauthorized, badCredentials)
	case a.twoFactor:
		writeJSON(w, http.StatusUnauthorized, map[string]string{"detail": mfaDetail, "login_2fa_token": s.twoFactorToken(a)})
	default:
		writeJSON(w, http.StatusOK, map[string]string{"token": s.issue(a)})
	}
}

// account finds the account user logs in to with secret. Hub user names are
// not case-sensitive; secrets are.
func (s *Server) account(user, secret string) *account {
	for _, a := range s.o.accounts {
		if strings.EqualFold(a.user, user) && a.secret == secret {
			return a
		}
	}
	return nil
}

// issue makes and remembers a token for a.
func (s *Server) issue(a *account) string {
	now := s.o.now()
	tok := jwtLike(a.user, now, s.o.tokenTTL)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens[tok] = session{account: a, expires: now.Add(s.o.tokenTTL)}
	s.issued = append(s.issued, tok)
	return tok
}

// twoFactorToken makes a login_2fa_token for a. Nothing accepts it (the fake
// has no second factor), but it is a secret a client must not print.
func (s *Server) twoFactorToken(a *account) string {
	tok := jwtLike(a.user, s.o.now(), s.o.tokenTTL)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.issued = append(s.issued, tok)
	return tok
}

// IssuedTokens lists every token the server handed out, expired ones and
// login_2fa_tokens included, oldest first: the secrets a test can look for
// in a client's output.
func (s *Server) IssuedTokens() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.issued...)
}

// session is the bearer token's session: nil without an Authorization
// header, an error for an unknown or expired token.
func (s *Server) session(r *http.Request) (*session, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return nil, nil
	}
	// The Hub API takes Bearer only; the "JWT <token>" of old clients is
	// refused, so a client that sends it fails here as it would there.
	scheme, tok, _ := strings.Cut(h, " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return nil, errBadScheme
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.tokens[strings.TrimSpace(tok)]
	switch {
	case !ok:
		return nil, errBadToken
	case !s.o.now().Before(sess.expires):
		return nil, errExpiredToken
	}
	return &sess, nil
}

// signedIn is authorize for the routes that change something: they answer
// 401 without a token too.
func (s *Server) signedIn(w http.ResponseWriter, r *http.Request) (*session, bool) {
	sess, ok := s.authorize(w, r)
	if ok && sess == nil {
		writeError(w, http.StatusUnauthorized, notSignedIn)
		return nil, false
	}
	return sess, ok
}

// authorize is session for the listing routes: a bad token answers 401.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request) (*session, bool) {
	sess, err := s.session(r)
	if errors.Is(err, errBadScheme) {
		writeError(w, http.StatusUnauthorized, notSignedIn)
		return nil, false
	}
	if err != nil {
		writeError(w, http.StatusUnauthorized, err.Error())
		return nil, false
	}
	return sess, true
}

// readable is authorize for one repository's routes: a private repository
// is not found by a caller who may not read it (anonymous, a public
// read-only PAT, an OAT without pull scope on it), as on the Hub.
func (s *Server) readable(w http.ResponseWriter, r *http.Request, ns, name string) (*session, bool) {
	sess, ok := s.authorize(w, r)
	if ok && !sess.readsPrivate(ns, name) && s.metaOf(ns, name).Private {
		writeError(w, http.StatusNotFound, "object not found")
		return nil, false
	}
	return sess, ok
}
