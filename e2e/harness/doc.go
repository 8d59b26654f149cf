// Package harness runs the real world our end-to-end tests and benchmarks need:
// the CNCF distribution registry (docker-registry) as a child process on
// 127.0.0.1, over plain HTTP or HTTPS with a self-signed certificate; a
// counting and fault-injecting reverse proxy in front of it; and helpers that
// seed small random images and indexes with go-containerregistry.
//
// It is not bound to *testing.T: everything returns errors, so a benchmark
// program can use it too. MustStartRegistry and MustNewProxy are thin
// testing.TB conveniences on top. It does not fake anything: for a fake Docker
// Hub API see package hubfake.
package harness
