package harness

import (
	"net/http/httptest"
	"testing"
)

func TestClassify(t *testing.T) {
	t.Parallel()
	const d = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	tests := []struct {
		method, target string
		kind           Kind
		repo           string
	}{
		{"GET", "/v2/", Ping, ""},
		{"GET", "/v2", Ping, ""},
		{"GET", "/v2/_catalog?n=100", Catalog, ""},
		{"GET", "/v2/org/app/tags/list", TagsList, "org/app"},
		{"GET", "/v2/org/app/manifests/v1", ManifestGet, "org/app"},
		{"HEAD", "/v2/org/app/manifests/" + d, ManifestHead, "org/app"},
		{"PUT", "/v2/org/team/app/manifests/v1", ManifestPut, "org/team/app"},
		{"DELETE", "/v2/org/app/manifests/" + d, Other, "org/app"},
		{"GET", "/v2/org/app/blobs/" + d, BlobGet, "org/app"},
		{"HEAD", "/v2/org/app/blobs/" + d, BlobHead, "org/app"},
		{"POST", "/v2/org/app/blobs/uploads/", BlobUploadStart, "org/app"},
		{"POST", "/v2/org/app/blobs/uploads/?mount=" + d + "&from=org/old", BlobMount, "org/app"},
		{"PATCH", "/v2/org/app/blobs/uploads/7f3c-uuid?_state=x", BlobUploadChunk, "org/app"},
		{"PUT", "/v2/org/app/blobs/uploads/7f3c-uuid?digest=" + d, BlobUploadChunk, "org/app"},
		{"GET", "/v2/org/app/blobs/uploads/7f3c-uuid", Other, "org/app"},
		{"GET", "/v2/org/blobs/app/manifests/latest", ManifestGet, "org/blobs/app"},
		{"GET", "/v2/org/manifests/blobs/" + d, BlobGet, "org/manifests"},
		{"GET", "/v2/org/app/referrers/" + d, Other, "org/app"},
		{"GET", "/favicon.ico", Other, ""},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.target, func(t *testing.T) {
			kind, repo := Classify(httptest.NewRequest(tt.method, tt.target, nil))
			if kind != tt.kind || repo != tt.repo {
				t.Errorf("Classify() = %s, %q; want %s, %q", kind, repo, tt.kind, tt.repo)
			}
		})
	}
}
