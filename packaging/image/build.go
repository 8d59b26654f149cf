package main

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// What the image holds, and how it runs.
const (
	// DefaultCA is where Debian, Ubuntu and Alpine keep the CA bundle; Go's
	// crypto/x509 looks there first on Linux.
	DefaultCA  = "/etc/ssl/certs/ca-certificates.crt"
	Binary     = "/crane-migrate"
	PluginName = "/kubectl-crane_migrate"
	// User is numeric: the image has no /etc/passwd, and the kubelet can
	// check runAsNonRoot only against a number.
	User = "65532:65532"
)

// epoch is every file's and the config's time, so builds are reproducible.
var epoch = time.Unix(0, 0).UTC()

// Index builds the image of each "os/arch" from dist/os_arch/crane-migrate
// and certs, as one OCI index.
func Index(dist string, certs []byte, platforms ...string) (v1.ImageIndex, error) {
	idx := mutate.IndexMediaType(empty.Index, types.OCIImageIndex)
	for _, p := range platforms {
		plat, err := v1.ParsePlatform(p)
		if err != nil || plat.OS == "" || plat.Architecture == "" {
			return nil, fmt.Errorf("platform %q: want OS/ARCH", p)
		}
		bin, err := os.ReadFile(filepath.Join(dist, plat.OS+"_"+plat.Architecture, "crane-migrate"))
		if err != nil {
			return nil, fmt.Errorf("platform %s: %w (make builds it)", p, err)
		}
		img, err := Image(*plat, bin, certs)
		if err != nil {
			return nil, fmt.Errorf("platform %s: %w", p, err)
		}
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{Platform: plat}})
	}
	return idx, nil
}

// Image is one platform's image: bin and certs in one layer on nothing.
func Image(p v1.Platform, bin, certs []byte) (v1.Image, error) {
	layerTar, err := files(bin, certs)
	if err != nil {
		return nil, err
	}
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(layerTar)), nil
	}, tarball.WithMediaType(types.OCILayer))
	if err != nil {
		return nil, err
	}
	img, err := mutate.AppendLayers(mutate.MediaType(empty.Image, types.OCIManifestSchema1), layer)
	if err != nil {
		return nil, err
	}
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture, cf.Variant = p.OS, p.Architecture, p.Variant
	cf.Created = v1.Time{Time: epoch}
	cf.Config.Entrypoint = []string{Binary}
	cf.Config.User = User
	cf.Config.WorkingDir = "/tmp"
	cf.Config.Env = []string{"SSL_CERT_FILE=" + DefaultCA, "HOME=/tmp"}
	cf.Config.Labels = map[string]string{"org.opencontainers.image.source": "https://github.com/crane-migrate/crane-migrate"}
	return mutate.ConfigFile(img, cf)
}

// files is the layer's tar: directories first, each file owned by root,
// readable by everyone, at epoch.
func files(bin, certs []byte) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, d := range []string{"etc/", "etc/ssl/", "etc/ssl/certs/", "tmp/"} {
		mode := int64(0o755)
		if d == "tmp/" {
			mode = 0o1777
		}
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: d, Mode: mode, ModTime: epoch}); err != nil {
			return nil, err
		}
	}
	for _, f := range []struct {
		name string
		mode int64
		data []byte
	}{
		{strings.TrimPrefix(Binary, "/"), 0o755, bin},
		{strings.TrimPrefix(DefaultCA, "/"), 0o644, certs},
	} {
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: f.name, Mode: f.mode, Size: int64(len(f.data)), ModTime: epoch}); err != nil {
			return nil, err
		}
		if _, err := tw.Write(f.data); err != nil {
			return nil, err
		}
	}
	// kubectl's name for the plugin, a hard link: the binary once.
	if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeLink, Name: strings.TrimPrefix(PluginName, "/"),
		Linkname: strings.TrimPrefix(Binary, "/"), Mode: 0o755, ModTime: epoch}); err != nil {
		return nil, err
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
