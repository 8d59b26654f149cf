package credentials

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"

	"github.com/docker/docker-credential-helpers/client"
	dcreds "github.com/docker/docker-credential-helpers/credentials"
	"github.com/google/go-containerregistry/pkg/authn"
)

// tokenUsername is what a helper answers as the username of an identity
// token.
const tokenUsername = "<token>"

// fromHelper asks HelperPrefix+suffix for host's credentials. "Not found"
// (and an empty answer) is the zero AuthConfig; any other failure is a
// *HelperError.
func (k *Keychain) fromHelper(ctx context.Context, suffix, host string) (authn.AuthConfig, error) {
	program := HelperPrefix + suffix
	fail := func(err error) (authn.AuthConfig, error) {
		return authn.AuthConfig{}, &HelperError{Helper: program, Host: host, Err: err}
	}
	path, err := k.helperPath(program)
	if err != nil {
		return fail(fmt.Errorf("%w: %w", ErrHelperMissing, err))
	}
	c, err := client.Get(helperProgram(ctx, path), serverKey(host))
	switch {
	case dcreds.IsErrCredentialsNotFound(err):
		return authn.AuthConfig{}, nil
	case err != nil && ctx.Err() != nil:
		// client.Get flattens the run's error to text; put ctx back in the chain.
		return fail(fmt.Errorf("%w: %v", ctx.Err(), err))
	case isDecodeError(err):
		return fail(fmt.Errorf("unreadable answer: %w", err))
	case err != nil:
		return fail(err)
	case c.Username == tokenUsername:
		return authn.AuthConfig{IdentityToken: c.Secret}, nil
	}
	return authn.AuthConfig{Username: c.Username, Password: c.Secret}, nil
}

// helperPath finds program in the helper directory, else on PATH.
func (k *Keychain) helperPath(program string) (string, error) {
	if k.o.helperDir != "" {
		program = filepath.Join(k.o.helperDir, program)
	}
	return exec.LookPath(program)
}

// isDecodeError is a helper that exited 0 with something other than a JSON
// credentials object. encoding/json's errors quote no input, so no secret.
func isDecodeError(err error) bool {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	return errors.As(err, &syntax) || errors.As(err, &typ) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}
