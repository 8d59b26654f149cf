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

// immutableRequest is the body of an immutable-tags update.
type immutableRequest struct {
	Enabled bool     `json:"immutable_tags"`
	Rules   []string `json:"immutable_tags_rules"`
}

// updateRepository is PATCH /v2/repositories/{ns}/{repo}/ {description,
// full_description} → 200 with the repository's detail. It needs a
// repository that exists and a password or a PAT with Read, Write, Delete
// (Read & Write gets 403); this legacy route refuses every OAT.
func (s *Server) updateRepository(w http.ResponseWriter, r *http.Request) {
	s.updateTexts(w, r, true)
}

// updateRepositoryNS is the same update on PATCH
// /v2/namespaces/{ns}/repositories/{repo}, where an OAT with
// scope-repository-edit may make it too.
func (s *Server) updateRepositoryNS(w http.ResponseWriter, r *http.Request) {
	s.updateTexts(w, r, false)
}

func (s *Server) updateTexts(w http.ResponseWriter, r *http.Request, legacy bool) {
	var in updateRequest
	may := func(sess *session, ns string) refusal { return sess.mayEditTexts(ns, legacy) }
	s.patch(w, r, may, &in, func(e *metaEntry) {
		if in.Description != nil {
			e.Description = *in.Description
		}
		if in.FullDescription != nil {
			e.FullDescription = *in.FullDescription
		}
	})
}

// updateImmutable is PATCH …/{repo}/immutabletags {immutable_tags,
// immutable_tags_rules} → 200 with the repository's detail. It needs admin
// rights on the repository.
func (s *Server) updateImmutable(w http.ResponseWriter, r *http.Request) {
	var in immutableRequest
	s.patch(w, r, (*session).mayAdminister, &in, func(e *metaEntry) { e.ImmutableTags, e.ImmutableRules = in.Enabled, in.Rules })
}

// patch is what every repository update shares: a signed-in caller that
// may make it, a JSON body decoded into in, a repository that exists; then
// change applies to its metadata and the answer is the repository's detail.
func (s *Server) patch(w http.ResponseWriter, r *http.Request, may func(*session, string) refusal, in any, change func(*metaEntry)) {
	ns, name := r.PathValue("ns"), r.PathValue("repo")
	sess, ok := s.signedIn(w, r)
	if !ok {
		return
	}
	if no := may(sess, ns); no.status != 0 {
		writeError(w, no.status, no.msg)
		return
	}
	if err := json.NewDecoder(r.Body).Decode(in); err != nil {
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
	change(&e)
	e.modified = s.o.now()
	s.meta[ns+"/"+name] = e
	s.mu.Unlock()
	s.writeDetail(w, r, ns, name, sess)
}
