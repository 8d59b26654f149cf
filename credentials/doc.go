// Package credentials resolves the user's Docker credentials for one side of
// a migration (source or destination) and serves them as a
// go-containerregistry authn.Keychain.
//
// It reads config.json ($DOCKER_CONFIG, else ~/.docker) the way the docker
// CLI does — credHelpers, then credsStore, then auths — and talks to
// credential helpers with docker-credential-helpers' client. We do not use
// authn.DefaultKeychain because a failing helper must be an error naming the
// helper (*HelperError), never a silent fall back to anonymous; because the
// source and the destination may need different accounts on the same host
// (WithOverride); and because it would pull in docker/cli.
//
// It is not a credential store: it never writes config.json or calls a
// helper's store/erase, and it never puts a secret in an error or in
// Describe's answer. It does not cache: each lookup re-reads config.json and
// re-asks the helper, so short-lived helper tokens (ECR, GCR) stay fresh
// during a long migration.
package credentials
