package credentials

import "fmt"

// Describe says which credentials host would get, for hints on a 401 or
// 403: `user "alice" from credential helper docker-credential-foo`,
// `user "bob" from /home/bob/.docker/config.json`, `identity token from …`,
// or "anonymous". It never includes a secret.
func (k *Keychain) Describe(host string) string {
	ac, source, err := k.Lookup(host)
	switch {
	case err != nil:
		// Our errors carry no secret (see HelperError, ErrConfig).
		return fmt.Sprintf("unavailable (%v)", err)
	case ac.Username != "":
		return fmt.Sprintf("user %q from %s", ac.Username, source)
	case ac.IdentityToken != "":
		return "identity token from " + source
	case ac.RegistryToken != "":
		return "registry token from " + source
	}
	return AnonymousSource
}
