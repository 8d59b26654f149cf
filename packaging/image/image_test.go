package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/crane-migrate/crane-migrate/e2e/harness"
)

// TestImageRunsAndMigratesItself builds the image as make image does (the
// host's platform from a real static build; the other's from the same
// bytes, never run), pushes it to a registry, pulls it back, extracts its
// layer and runs its entrypoint with --version; then crane-migrate, from
// the image, copies the image within the registry and the digests agree.
func TestImageRunsAndMigratesItself(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the image is for linux")
	}
	dist := t.TempDir()
	hostDir := filepath.Join(dist, "linux_"+runtime.GOARCH)
	build := exec.Command("go", "build", "-trimpath", "-ldflags", "-X github.com/crane-migrate/crane-migrate/commands.version=v0.0.0-imagetest",
		"-o", filepath.Join(hostDir, "crane-migrate"), "../..")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building crane-migrate: %v\n%s", err, out)
	}
	other := map[string]string{"amd64": "arm64", "arm64": "amd64"}[runtime.GOARCH]
	bin, err := os.ReadFile(filepath.Join(hostDir, "crane-migrate"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dist, "linux_"+other), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dist, "linux_"+other, "crane-migrate"), bin, 0o755); err != nil {
		t.Fatal(err)
	}
	ca := filepath.Join(t.TempDir(), "ca.crt")
	if err := os.WriteFile(ca, []byte("-----BEGIN CERTIFICATE-----\ntest\n-----END CERTIFICATE-----\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	reg := harness.MustStartGGCRRegistry(t, false)
	ref := reg.Host() + "/crane-migrate/crane-migrate:test"
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	if err := run(context.Background(), []string{"-dist", dist, "-ca", ca, "-image", ref, "linux/amd64", "linux/arm64"}); err != nil {
		t.Fatal(err)
	}

	pushed, err := remote.Index(mustRef(t, ref))
	if err != nil {
		t.Fatal(err)
	}
	im, err := pushed.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	var plats []string
	for _, m := range im.Manifests {
		plats = append(plats, m.Platform.String())
	}
	if got := strings.Join(plats, " "); got != "linux/amd64 linux/arm64" {
		t.Errorf("index platforms %q", got)
	}
	img, err := remote.Image(mustRef(t, ref), remote.WithPlatform(v1.Platform{OS: "linux", Architecture: runtime.GOARCH}))
	if err != nil {
		t.Fatal(err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if cf.Config.User == "" || strings.HasPrefix(cf.Config.User, "0") || cf.Architecture != runtime.GOARCH {
		t.Errorf("config user %q arch %s", cf.Config.User, cf.Architecture)
	}
	root := extract(t, img)
	if data, err := os.ReadFile(filepath.Join(root, DefaultCA)); err != nil || !bytes.Contains(data, []byte("test")) {
		t.Errorf("CA certificates: %v", err)
	}
	entry := filepath.Join(root, cf.Config.Entrypoint[0])
	out, err := exec.Command(entry, "--version").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "v0.0.0-imagetest") {
		t.Fatalf("%s --version: %v\n%s", cf.Config.Entrypoint[0], err, out)
	}
	if fi, err := os.Stat(filepath.Join(root, PluginName)); err != nil || fi.Size() != int64(len(bin)) {
		t.Errorf("%s: %v", PluginName, err)
	}

	// The image migrates itself.
	home := t.TempDir()
	cp := exec.Command(entry, "copy", ref, reg.Host()+"/mirror/crane-migrate:test")
	cp.Env = []string{"HOME=" + home, "DOCKER_CONFIG=" + home}
	if out, err := cp.CombinedOutput(); err != nil {
		t.Fatalf("crane-migrate copy: %v\n%s", err, out)
	}
	want, _ := pushed.Digest()
	got, err := remote.Head(mustRef(t, reg.Host()+"/mirror/crane-migrate:test"))
	if err != nil || got.Digest != want {
		t.Errorf("copied index %v (%v), want %s", got, err, want)
	}
}

// extract writes img's filesystem under a temporary directory.
func extract(t *testing.T, img v1.Image) string {
	t.Helper()
	root := t.TempDir()
	tarPath := filepath.Join(t.TempDir(), "fs.tar")
	f, err := os.Create(tarPath)
	if err != nil {
		t.Fatal(err)
	}
	rc := mutate.Extract(img)
	defer rc.Close()
	if _, err := f.ReadFrom(rc); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if out, err := exec.Command("tar", "-xf", tarPath, "-C", root).CombinedOutput(); err != nil {
		t.Fatalf("tar: %v\n%s", err, out)
	}
	return root
}

func TestIndexIsReproducible(t *testing.T) {
	dist := t.TempDir()
	for _, p := range []string{"linux_amd64", "linux_arm64"} {
		if err := os.MkdirAll(filepath.Join(dist, p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dist, p, "crane-migrate"), []byte("binary "+p), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	digest := func() v1.Hash {
		idx, err := Index(dist, []byte("certs"), "linux/amd64", "linux/arm64")
		if err != nil {
			t.Fatal(err)
		}
		d, err := idx.Digest()
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	if a, b := digest(), digest(); a != b {
		t.Errorf("two builds of the same files: %s and %s", a, b)
	}
	if _, err := Index(dist, nil, "linux"); err == nil {
		t.Error("a platform without an architecture was accepted")
	}
	if _, err := Index(dist, nil, "darwin/arm64"); err == nil {
		t.Error("a platform with no binary was accepted")
	}
}

func mustRef(t *testing.T, s string) name.Reference {
	t.Helper()
	r, err := name.ParseReference(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
