// Package credentials resolves the user's Docker credentials for one side of
// a migration and serves them as a go-containerregistry authn.Keychain.
//
// It reads config.json ($DOCKER_CONFIG, else ~/.docker) the way the docker
// CLI does — credHelpers, then credsStore, then auths — and talks to
// credential helpers through docker-credential-helpers. We do not use
// authn.DefaultKeychain because a failing helper must be an error naming the
// helper, never a silent fall back to anonymous, and because the source and
// the destination may need different accounts on the same host. It never
// stores, prints or returns a secret in an error.
package credentials
