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

// login exchanges the credentials for a JWT: /v2/auth/token first (it takes
// personal and organization access tokens), then the older /v2/users/login.
func (c *Client) login(ctx context.Context) (string, error) {
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	err := c.send(ctx, http.MethodPost, c.url("/v2/auth/token", nil), "",
		map[string]string{"identifier": c.user, "secret": c.secret}, &tok)
	if err == nil && tok.AccessToken != "" {
		c.log.WithField("user", c.user).Debug("logged in to docker hub with /v2/auth/token")
		return tok.AccessToken, nil
	}
	var se *StatusError
	if err != nil && !errors.As(err, &se) {
		return "", fmt.Errorf("docker hub login as %q: %w", c.user, err)
	}
	var old struct {
		Token         string `json:"token"`
		Login2FAToken string `json:"login_2fa_token"`
	}
	err2 := c.send(ctx, http.MethodPost, c.url("/v2/users/login", nil), "",
		map[string]string{"username": c.user, "password": c.secret}, &old)
	if err2 != nil {
		if errors.As(err2, &se) && se.StatusCode == http.StatusUnauthorized {
			if twoFactor(se) {
				return "", fmt.Errorf("docker hub login as %q: %w", c.user, ErrTwoFactor)
			}
			return "", fmt.Errorf("docker hub login as %q: %w", c.user, ErrUnauthorized)
		}
		return "", fmt.Errorf("docker hub login as %q: %w", c.user, err2)
	}
	if old.Token == "" {
		return "", fmt.Errorf("docker hub login as %q: %w: no token in answer", c.user, ErrBadResponse)
	}
	c.log.WithField("user", c.user).Debug("logged in to docker hub with /v2/users/login")
	return old.Token, nil
}

// twoFactor tells a 2FA challenge from a wrong password: the Hub answers 401
// with a login_2fa_token.
func twoFactor(se *StatusError) bool {
	var b struct {
		Token string `json:"login_2fa_token"`
	}
	return json.Unmarshal(se.body, &b) == nil && b.Token != ""
}
