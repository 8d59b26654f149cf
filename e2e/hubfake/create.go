package hubfake

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"
)

// alreadyExists answers the creation of a repository that exists, with 409.
// Clients should treat a 400 saying the same alike (crane-migrate's hub client
// does): which of the two the Hub sends has varied between its routes.
const alreadyExists = "repository already exists"

// hubName is what the Hub accepts as a repository name: one path component of
// the distribution grammar, no nesting.
var hubName = regexp.MustCompile(`^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$`)

// createRequest is the body of a repository creation.
type createRequest struct {
	Name            string `json:"name"`
	Namespace       string `json:"namespace"`
	Description     string `json:"description"`
	FullDescription string `json:"full_description"`
	IsPrivate       bool   `json:"is_private"`
}

// createRepository is POST /v2/namespaces/{ns}/repositories → 201 with the
// new repository's listing entry. It needs a token. The repository exists
// from then on, listed with its visibility before anything is pushed to it.
func (s *Server) createRepository(w http.ResponseWriter, r *http.Request) {
	ns := r.PathValue("ns")
	if _, ok := s.signedIn(w, r); !ok {
		return
	}
	var in createRequest
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || !hubName.MatchString(in.Name) {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("invalid repository name %q", in.Name))
		return
	}
	if in.Namespace != "" && in.Namespace != ns {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("namespace %q does not match the URL's %q", in.Namespace, ns))
		return
	}
	exists, err := s.exists(r.Context(), ns, in.Name)
	if err != nil {
		writeError(w, http.StatusBadGateway, err.Error())
		return
	}
	m := Meta{Private: in.IsPrivate, Description: in.Description, FullDescription: in.FullDescription}
	if exists || !s.create(ns, in.Name, m) {
		writeError(w, http.StatusConflict, alreadyExists)
		return
	}
	writeJSON(w, http.StatusCreated, s.entry(ns, in.Name, nil, time.Time{}))
}

// create records ns/name as created with m, unless it already was.
func (s *Server) create(ns, name string, m Meta) bool {
	key := ns + "/" + name
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.created[key] {
		return false
	}
	now := s.o.now()
	s.created[key] = true
	s.meta[key] = metaEntry{Meta: m, modified: now}
	if _, ok := s.seen[key]; !ok {
		s.seen[key] = now
	}
	return true
}

// exists tells whether ns/name was created here or is in the registry.
func (s *Server) exists(ctx context.Context, ns, name string) (bool, error) {
	if s.isCreated(ns, name) {
		return true, nil
	}
	all, err := s.reg.catalog(ctx)
	if err != nil {
		return false, err
	}
	return slices.Contains(all, ns+"/"+name), nil
}

func (s *Server) isCreated(ns, name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.created[ns+"/"+name]
}

// createdIn lists the names of the repositories created in ns.
func (s *Server) createdIn(ns string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var names []string
	for key := range s.created {
		if name, ok := strings.CutPrefix(key, ns+"/"); ok {
			names = append(names, name)
		}
	}
	return names
}
