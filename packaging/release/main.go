// Command release packs the binaries the Makefile cross-compiled into the
// archives krew downloads, and writes each archive's sha256 into plugin.yaml:
//
//	go run ./packaging/release -dist dist -manifest plugin.yaml -license LICENSE linux/amd64 …
//
// For each OS/ARCH it reads DIST/OS_ARCH/crane-migrate and writes
// DIST/crane-migrate_OS_ARCH.tar.gz holding it twice (as crane-migrate and as
// kubectl-crane_migrate, the name kubectl looks for) and LICENSE. It prints
// the sums as sha256sum does. The Makefile is its only caller.
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/crane-migrate/crane-migrate/packaging"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "release:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("release", flag.ContinueOnError)
	dist := fs.String("dist", "dist", "directory holding OS_ARCH/crane-migrate; archives are written here")
	manifest := fs.String("manifest", "plugin.yaml", "krew manifest whose sha256 fields are rewritten")
	license := fs.String("license", "LICENSE", "license file put in every archive")
	if err := fs.Parse(args); err != nil {
		return err
	}
	licenseData, err := os.ReadFile(*license)
	if err != nil {
		return err
	}
	sums := map[string]string{}
	for _, p := range fs.Args() {
		name, sum, err := archive(*dist, p, licenseData)
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		sums[name] = sum
		fmt.Printf("%s  %s\n", sum, filepath.Join(*dist, name))
	}
	return setSums(*manifest, sums)
}

// archive writes the archive of platform p ("linux/amd64") and returns its
// name and sha256.
func archive(dist, p string, license []byte) (name, sum string, err error) {
	goos, goarch, ok := strings.Cut(p, "/")
	if !ok {
		return "", "", fmt.Errorf("want OS/ARCH")
	}
	bin, err := os.ReadFile(filepath.Join(dist, goos+"_"+goarch, packaging.BinaryName))
	if err != nil {
		return "", "", err
	}
	var buf bytes.Buffer
	if err := packaging.WriteArchive(&buf, packaging.ReleaseFiles(bin, license)); err != nil {
		return "", "", err
	}
	name = packaging.ArchiveName(goos, goarch)
	h := sha256.Sum256(buf.Bytes())
	return name, hex.EncodeToString(h[:]), os.WriteFile(filepath.Join(dist, name), buf.Bytes(), 0o644)
}

func setSums(manifest string, sums map[string]string) error {
	old, err := os.ReadFile(manifest)
	if err != nil {
		return err
	}
	updated, err := packaging.SetSHA256(old, sums)
	if err != nil {
		return fmt.Errorf("%s: %w", manifest, err)
	}
	return os.WriteFile(manifest, updated, 0o644)
}
