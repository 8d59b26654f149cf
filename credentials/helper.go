package credentials

import (
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/docker/docker-credential-helpers/client"
	dcreds "github.com/docker/docker-credential-helpers/credentials"
	"github.com/google/go-containerregistry/pkg/authn"
)

// tokenUsername is what a helper answers as the username of an identity token.
const tokenUsername = "<token>"

// fromHelper asks docker-credential-<suffix> for host's credentials. Not
// found is (zero, false, nil); any other failure is a *HelperError.
func (k *Keychain) fromHelper(suffix, host string) (authn.AuthConfig, bool, error) {
	program := "docker-credential-" + suffix
	path := program
	if k.helperDir != "" {
		path = filepath.Join(k.helperDir, program)
	}
	if _, err := exec.LookPath(path); err != nil {
		return authn.AuthConfig{}, false, &HelperError{Helper: program, Host: host, Err: err}
	}
	c, err := client.Get(client.NewShellProgramFunc(path), serverKey(host))
	if dcreds.IsErrCredentialsNotFound(err) || (err != nil && strings.Contains(err.Error(), dcreds.NewErrCredentialsNotFound().Error())) {
		return authn.AuthConfig{}, false, nil
	}
	if err != nil {
		return authn.AuthConfig{}, false, &HelperError{Helper: program, Host: host, Err: err}
	}
	if c.Username == tokenUsername {
		return authn.AuthConfig{IdentityToken: c.Secret}, true, nil
	}
	return authn.AuthConfig{Username: c.Username, Password: c.Secret}, true, nil
}
