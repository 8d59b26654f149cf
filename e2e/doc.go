// Package e2e holds the end-to-end tests: the built crane-migrate binary run
// as a user runs it, against the real CNCF distribution registry
// (docker-registry) on 127.0.0.1 and our fake Docker Hub API (hubfake) backed
// by that registry. The tests fail, never skip, when the registry binary is
// missing: .ci/run installs it.
package e2e
