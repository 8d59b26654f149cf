package hub

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Login logs in now rather than on the first request, so bad credentials
// show before a run starts. Anonymous clients have nothing to do.
func (c *Client) Login(ctx context.Context) error {
	_, err := c.bearer(ctx, false)
	return err
}

// bearer returns the token to send, logging in when there is none yet, when
// it is old, or when fresh is set (the last one was rejected).
func (c *Client) bearer(ctx context.Context, fresh bool) (string, error) {
	if c.user == "" {
		return "", nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.token != "" && !fresh && time.Since(c.tokenAt) < tokenLifetime {
		return c.token, nil
	}
	tok, err := c.login(ctx)
	if err != nil {
		return "", err
	}
	c.token, c.tokenAt = tok, time.Now()
	return tok, nil
}

// login exchanges the credentials for a JWT with /v2/auth/token (it takes
// passwords, personal and organization access tokens). Only a Hub without
// that route (404 or 405) gets the older /v2/users/login: after a 401 (wrong
// credentials), a 429 or a 5xx the secret is not sent a second time.
func (c *Client) login(ctx context.Context) (string, error) {
	if !c.legacyLogin.Load() {
		tok, err := c.tokenLogin(ctx)
		if !noSuchRoute(err) {
			if err != nil {
				return "", fmt.Errorf("docker hub login as %q: %w", c.user, loginError(err))
			}
			return tok, nil
		}
		c.legacyLogin.Store(true)
		c.log.Debug("docker hub has no /v2/auth/token; using /v2/users/login")
	}
	tok, err := c.usersLogin(ctx)
	if err != nil {
		return "", fmt.Errorf("docker hub login as %q: %w", c.user, loginError(err))
	}
	return tok, nil
}

// tokenLogin is POST /v2/auth/token.
func (c *Client) tokenLogin(ctx context.Context) (string, error) {
	var out struct {
		AccessToken string `json:"access_token"`
	}
	err := c.send(ctx, http.MethodPost, c.url("/v2/auth/token", nil), "",
		map[string]string{"identifier": c.user, "secret": c.secret}, &out)
	switch {
	case err != nil:
		return "", err
	case out.AccessToken == "":
		return "", fmt.Errorf("%w: no access_token in the answer of /v2/auth/token", ErrBadResponse)
	}
	c.log.WithField("user", c.user).Debug("logged in to docker hub with /v2/auth/token")
	return out.AccessToken, nil
}

// usersLogin is POST /v2/users/login, for a Hub without /v2/auth/token.
func (c *Client) usersLogin(ctx context.Context) (string, error) {
	var out struct {
		Token string `json:"token"`
	}
	err := c.send(ctx, http.MethodPost, c.url("/v2/users/login", nil), "",
		map[string]string{"username": c.user, "password": c.secret}, &out)
	switch {
	case err != nil:
		return "", err
	case out.Token == "":
		return "", fmt.Errorf("%w: no token in the answer of /v2/users/login", ErrBadResponse)
	}
	c.log.WithField("user", c.user).Debug("logged in to docker hub with /v2/users/login")
	return out.Token, nil
}

// noSuchRoute tells a login route the Hub does not serve (404, 405) from
// every other failure.
func noSuchRoute(err error) bool {
	var se *StatusError
	return errors.As(err, &se) && (se.StatusCode == http.StatusNotFound || se.StatusCode == http.StatusMethodNotAllowed)
}

// loginError classifies a failed login: a 401 carrying a login_2fa_token is
// ErrTwoFactor; any other 401 stays the StatusError (ErrUnauthorized), with
// what to check. Other
// failures (429, 5xx, network) stay as they are: retrying belongs to the
// transport.
func loginError(err error) error {
	var se *StatusError
	if !errors.As(err, &se) || se.StatusCode != http.StatusUnauthorized {
		return err
	}
	if twoFactor(se) {
		return ErrTwoFactor
	}
	return fmt.Errorf("%w; check the user name and secret (an account with two-factor authentication logs in with a personal access token, not its password)", se)
}

// twoFactor tells a 2FA challenge from a wrong password: the Hub answers 401
// with a login_2fa_token.
func twoFactor(se *StatusError) bool {
	var b struct {
		Token string `json:"login_2fa_token"`
	}
	return json.Unmarshal(se.body, &b) == nil && b.Token != ""
}
