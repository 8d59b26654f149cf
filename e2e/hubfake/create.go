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

// alreadyExists answers the creation of a repository that exists. The Hub
// documents no 409 for this route: an existing name is a 400 (hub-api.md),
// and clients must not key on this text.
const alreadyExists = "repository with this name already exists in this namespace"

// quotaReached answers the creation of a private repository past the plan's
// private-repository quota: a 400 too.
const quotaReached = "private repository limit reached for this plan"

// Repository names, as Docker documents them for this route.
const (
	minNameLength = 2
	maxNameLength = 255
)

// hubName is what the Hub accepts as a repository name: lower-case
// components joined by one '.', '_' or '-', no nesting.
var hubName = regexp.MustCompile(`^[a-z0-9]+(?:[._-][a-z0-9]+)*$`)

// validName is Docker's rule for a repository name.
func validName(name string) bool {
	return len(name) >= minNameLength && len(name) <= maxNameLength && hubName.MatchString(name)
}

// createRequest is the body of a repository creation.
type createRequest struct {
	Name            string `json:"name"`
	Namespace       string `json:"namespace"`
	Description     string `json:"description"`
	FullDescription string `json:"full_description"`
	IsPrivate       bool   `json:"is_private"`
}

// createRepository is POST /v2/namespaces/{ns}/repositories → 201 with the
// new repository's listing entry. It needs a password, a PAT with Read &
// Write or more, or an OAT with scope-repository-create; it answers only
// the statuses Docker documents (400, 401, 403, 404, 500). The repository
// exists from then on, listed with its visibility before anything is
// pushed to it.
func (s *Server) createRepository(w http.ResponseWriter, r *http.Request) {
	ns := r.PathValue("ns")
	sess, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	if no := sess.mayCreate(ns); no.status != 0 {
		writeError(w, no.status, no.msg)
		return
	}
	var in createRequest
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || !validName(in.Name) {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("invalid repository name %q", in.Name))
		return
	}
	if in.Namespace != "" && in.Namespace != ns {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("namespace %q does not match the URL's %q", in.Namespace, ns))
		return
	}
	exists, err := s.exists(r.Context(), ns, in.Name)
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	m := Meta{Private: in.IsPrivate, Description: in.Description, FullDescription: in.FullDescription}
	switch {
	case exists:
		writeError(w, http.StatusBadRequest, alreadyExists)
	case in.IsPrivate && !s.underQuota(r.Context(), ns):
		writeError(w, http.StatusBadRequest, quotaReached)
	case !s.create(ns, in.Name, m):
		writeError(w, http.StatusBadRequest, alreadyExists)
	default:
		writeJSON(w, http.StatusCreated, s.entry(ns, in.Name, nil, time.Time{}))
	}
}

// underQuota tells whether ns may have one more private repository.
func (s *Server) underQuota(ctx context.Context, ns string) bool {
	quota, ok := s.o.privateQuota[ns]
	if !ok {
		return true
	}
	names, err := s.visible(ctx, ns, true)
	if err != nil {
		return false
	}
	private := 0
	for _, name := range names {
		if s.metaOf(ns, name).Private {
			private++
		}
	}
	return private < quota
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
