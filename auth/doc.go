// Package auth authenticates one side's registry requests for a whole run:
// one ping, and one token per repository (per pair for a cross-repository
// mount), shared by every reader and writer of that repository.
//
// go-containerregistry pings the registry and exchanges a token each time it
// meets a repository, once for its puller and again for its pusher; a
// migration of a thousand repositories spends thousands of round trips on
// that alone. Handed a Transport through Wrap, it does neither, and this
// package does both once. It is not a credential store: credentials come
// from a keychain (package credentials).
package auth
