package hubfake

import (
	"encoding/json"
	"net/http"
)

// updateRequest is the body of a repository update: only the fields sent
// change, so a client may set the description and leave the README.
type updateRequest struct {
	Description     *string `json:"description"`
	FullDescription *string `json:"full_description"`
}

// updateRepository is PATCH /v2/repositories/{ns}/{repo}/ (the Hub accepts
// it on the namespaces route too) {description, full_description} → 200 with
// the repository's detail. It needs a token and a repository that exists.
func (s *Server) updateRepository(w http.ResponseWriter, r *http.Request) {
	ns, name := r.PathValue("ns"), r.PathValue("repo")
	sess, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	var in updateRequest
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		writeError(w, http.StatusBadRequest, "invalid JSON body")
		return
	}
	exists, err := s.exists(r.Context(), ns, name)
	switch {
	case err != nil:
		writeError(w, http.StatusBadGateway, err.Error())
		return
	case !exists:
		writeError(w, http.StatusNotFound, errNotFound.Error())
		return
	}
	s.update(ns, name, in)
	s.writeDetail(w, r, ns, name, sess)
}

func (s *Server) update(ns, name string, in updateRequest) {
	key := ns + "/" + name
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.meta[key]
	if in.Description != nil {
		e.Description = *in.Description
	}
	if in.FullDescription != nil {
		e.FullDescription = *in.FullDescription
	}
	e.modified = s.o.now()
	s.meta[key] = e
}

// updateImmutable is PATCH …/{repo}/immutabletags {immutable_tags,
// immutable_tags_rules} → 200 with the repository's detail.
func (s *Server) updateImmutable(w http.ResponseWriter, r *http.Request) {
	ns, name := r.PathValue("ns"), r.PathValue("repo")
	sess, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	var in struct {
		Enabled bool     `json:"immutable_tags"`
		Rules   []string `json:"immutable_tags_rules"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		writeError(w, http.StatusBadRequest, "invalid JSON body")
		return
	}
	exists, err := s.exists(r.Context(), ns, name)
	switch {
	case err != nil:
		writeError(w, http.StatusBadGateway, err.Error())
		return
	case !exists:
		writeError(w, http.StatusNotFound, errNotFound.Error())
		return
	}
	s.mu.Lock()
	e := s.meta[ns+"/"+name]
	e.ImmutableTags, e.ImmutableRules = in.Enabled, in.Rules
	e.modified = s.o.now()
	s.meta[ns+"/"+name] = e
	s.mu.Unlock()
	s.writeDetail(w, r, ns, name, sess)
}
