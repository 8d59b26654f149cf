// Package packaging makes what a release ships reproducible: the per-platform
// .tar.gz archives krew downloads, and the sha256 fields of plugin.yaml that
// pin them. Its tests check plugin.yaml, and that it lists exactly the
// platforms the Makefile builds.
//
// It does not compile anything: the Makefile cross-compiles the binaries and
// then runs packaging/release, which archives them with this package.
package packaging
