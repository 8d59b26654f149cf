package e2e

import (
	"net/http"
	"testing"

	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/crane-migrate/crane-migrate/e2e/harness"
)

// TestSameRegistryMountsEveryBlob: from one namespace to another in the same
// registry, every layer and config is mounted and no blob byte is uploaded.
func TestSameRegistryMountsEveryBlob(t *testing.T) {
	t.Parallel()
	reg := harness.MustStartRegistry(t)
	seedImage(t, reg.Host()+"/oldorg/app:v1")
	seedIndex(t, reg.Host()+"/oldorg/app:multi", types.DockerManifestList)
	p := harness.MustNewProxy(t, reg.URL())
	r := cli(t, nil, "org", p.Host()+"/oldorg", p.Host()+"/neworg").expect(t, 0)

	uploaded := int64(0)
	for _, req := range p.Requests() {
		if req.Kind == harness.BlobUploadChunk {
			uploaded += req.BytesIn
		}
	}
	mounted := 0
	for _, req := range p.Requests() {
		if req.Kind == harness.BlobMount && req.Status == http.StatusCreated {
			mounted++
		}
	}
	// v1: config + layer; the manifest list: 2 images × (config + layer).
	if mounted != 6 || uploaded != 0 || p.Counts()[harness.BlobGet] != 0 {
		t.Errorf("mounted %d blobs (want 6), uploaded %d bytes and read %d blobs (want 0)", mounted, uploaded, p.Counts()[harness.BlobGet])
	}
	if s := r.report.Summary; s.Mounts != 6 || s.BytesUploaded != 0 {
		t.Errorf("report summary says %d mounts, %d bytes uploaded", s.Mounts, s.BytesUploaded)
	}
}
