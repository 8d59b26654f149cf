// Package side is one end of a migration: everything about one registry —
// its name, credentials, transport stack (auth → retry → TLS policy → its own
// connections), go-containerregistry puller and pusher, Docker Hub API
// client and the limits it reports — built once per run and handed whole to
// enumerate, copy and verify, so that each request of a side is
// authenticated, retried and counted the same way whoever sends it.
//
// It is not where a run is decided (package migrate) nor where flags are
// read (package commands).
package side
