package harness

import (
	"net/http"
	"regexp"
	"strings"
)

// Kind is what a registry request does, as far as the distribution API tells.
type Kind string

// The kinds of registry requests the proxy tells apart.
const (
	Ping            Kind = "ping"              // GET /v2/
	Catalog         Kind = "catalog"           // GET /v2/_catalog
	TagsList        Kind = "tags-list"         // GET /v2/<name>/tags/list
	ManifestGet     Kind = "manifest-get"      // GET /v2/<name>/manifests/<ref>
	ManifestHead    Kind = "manifest-head"     // HEAD /v2/<name>/manifests/<ref>
	ManifestPut     Kind = "manifest-put"      // PUT /v2/<name>/manifests/<ref>
	BlobGet         Kind = "blob-get"          // GET /v2/<name>/blobs/<digest>
	BlobHead        Kind = "blob-head"         // HEAD /v2/<name>/blobs/<digest>
	BlobUploadStart Kind = "blob-upload-start" // POST /v2/<name>/blobs/uploads/
	BlobMount       Kind = "blob-mount"        // POST /v2/<name>/blobs/uploads/?mount=<digest>&from=<repo>
	BlobUploadChunk Kind = "blob-upload-chunk" // PATCH or PUT /v2/<name>/blobs/uploads/<id>
	Other           Kind = "other"             // anything else (DELETE, referrers, upload status…)
)

// The repository name is greedy (.+), so a name with a component called
// "blobs" or "manifests" still parses: what follows it is anchored at the end.
var (
	manifestPath = regexp.MustCompile(`^/v2/(.+)/manifests/[^/]+$`)
	uploadPath   = regexp.MustCompile(`^/v2/(.+)/blobs/uploads/([^/]*)$`)
	blobPath     = regexp.MustCompile(`^/v2/(.+)/blobs/[^/]+$`)
	tagsPath     = regexp.MustCompile(`^/v2/(.+)/tags/list$`)
)

// Classify tells the kind of a registry request and the repository it is
// about ("" for Ping, Catalog and unrecognised paths).
func Classify(r *http.Request) (Kind, string) {
	p, m := r.URL.Path, r.Method
	switch {
	case p == "/v2/" || p == "/v2":
		return Ping, ""
	case p == "/v2/_catalog":
		return Catalog, ""
	}
	if s := manifestPath.FindStringSubmatch(p); s != nil {
		return byMethod(m, map[string]Kind{http.MethodGet: ManifestGet, http.MethodHead: ManifestHead, http.MethodPut: ManifestPut}), s[1]
	}
	if s := uploadPath.FindStringSubmatch(p); s != nil {
		return uploadKind(r, s[2]), s[1]
	}
	if s := blobPath.FindStringSubmatch(p); s != nil {
		return byMethod(m, map[string]Kind{http.MethodGet: BlobGet, http.MethodHead: BlobHead}), s[1]
	}
	if s := tagsPath.FindStringSubmatch(p); s != nil {
		return byMethod(m, map[string]Kind{http.MethodGet: TagsList}), s[1]
	}
	return Other, repositoryGuess(p)
}

func byMethod(method string, kinds map[string]Kind) Kind {
	if k, ok := kinds[method]; ok {
		return k
	}
	return Other
}

// uploadKind tells a new upload from a mount from a chunk of an upload.
func uploadKind(r *http.Request, id string) Kind {
	switch {
	case id == "" && r.Method == http.MethodPost && r.URL.Query().Get("mount") != "":
		return BlobMount
	case id == "" && r.Method == http.MethodPost:
		return BlobUploadStart
	case id != "" && (r.Method == http.MethodPatch || r.Method == http.MethodPut):
		return BlobUploadChunk
	}
	return Other
}

// repositoryGuess names the repository of a request we do not classify, such
// as GET /v2/<name>/referrers/<digest>.
func repositoryGuess(p string) string {
	rest, ok := strings.CutPrefix(p, "/v2/")
	if !ok {
		return ""
	}
	if i := strings.LastIndex(rest, "/referrers/"); i > 0 {
		return rest[:i]
	}
	return ""
}
