// Package demo stands up a throwaway migration on this machine: two
// in-memory registries on loopback, an "oldorg" namespace seeded with
// single-platform images, a multi-arch index and tags that share a digest,
// so that `crane-migrate demo` shows the whole job with nothing installed.
// It is not a test fixture: the e2e tests use the real distribution registry.
package demo
