package hub

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sirupsen/logrus"
)

// tokenLifetime is how long we trust a Hub JWT: it lives 10 minutes, so we
// refresh a minute early rather than fail mid-run.
const tokenLifetime = 9 * time.Minute

// Client talks to one Docker Hub API endpoint as one account (or anonymously).
// It is safe for concurrent use.
type Client struct {
	base     *url.URL
	http     *http.Client
	log      logrus.FieldLogger
	pageSize int
	user     string
	secret   string

	mu      sync.Mutex
	token   string
	tokenAt time.Time
	// legacyLogin is set once /v2/auth/token turned out not to exist.
	legacyLogin atomic.Bool

	counted  sync.Mutex
	requests map[Route]int
}

// New returns a client for the API at baseURL (for example DefaultBaseURL).
func New(baseURL string, opts ...Option) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(baseURL, "/"))
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("docker hub API URL %q: must be an absolute http(s) URL", baseURL)
	}
	o := defaults()
	for _, opt := range opts {
		if err := opt(&o); err != nil {
			return nil, err
		}
	}
	c := &Client{base: u, http: &http.Client{Transport: o.transport}, log: o.log, pageSize: o.pageSize, user: o.user, secret: o.secret}
	// A redirect elsewhere would carry a login body (the secret) or a token
	// to a host we never chose: refuse it.
	c.http.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if req.URL.Host != c.base.Host || req.URL.Scheme != c.base.Scheme {
			return http.ErrUseLastResponse
		}
		return nil
	}
	return c, nil
}

// Authenticated reports whether the client has credentials to log in with.
func (c *Client) Authenticated() bool { return c.user != "" }

// User is the account the client logs in as, empty when anonymous.
func (c *Client) User() string { return c.user }

// BaseURL is the API endpoint.
func (c *Client) BaseURL() string { return c.base.String() }

func (c *Client) url(path string, q url.Values) string {
	u := *c.base
	u.Path += path
	u.RawQuery = q.Encode()
	return u.String()
}

// getJSON GETs u into out, logging in first when the client has credentials.
func (c *Client) getJSON(ctx context.Context, u string, out any) error {
	return c.doJSON(ctx, http.MethodGet, u, nil, out)
}

// doJSON sends an authenticated request and decodes a 2xx JSON answer. A 401
// on a token we hold triggers one fresh login, since tokens lapse on long runs.
func (c *Client) doJSON(ctx context.Context, method, u string, body, out any) error {
	for attempt := 0; ; attempt++ {
		tok, err := c.bearer(ctx, attempt > 0)
		if err != nil {
			return err
		}
		err = c.send(ctx, method, u, tok, body, out)
		if attempt == 0 && tok != "" && errors.Is(err, ErrUnauthorized) {
			c.log.Debug("docker hub token rejected; logging in again")
			continue
		}
		return err
	}
}

// send performs one request and classifies a non-2xx answer into a
// StatusError. Retries (429 included) belong to the transport: see package retry.
func (c *Client) send(ctx context.Context, method, u, token string, body, out any) error {
	req, err := newRequest(ctx, method, u, body)
	if err != nil {
		return err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	c.count(routeOf(method, req.URL.Path))
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, u, err)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	resp.Body.Close()
	if err != nil {
		return fmt.Errorf("%s %s: reading body: %w", method, u, err)
	}
	if resp.StatusCode/100 != 2 {
		err := statusError(method, u, resp.StatusCode, data)
		if (resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden) && token != "" {
			err = fmt.Errorf("%w (logged in to the Docker Hub API as %q)", err, c.user)
		}
		return err
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("%s %s: %w: %s", method, u, ErrBadResponse, snippet(data))
	}
	return nil
}

func newRequest(ctx context.Context, method, u string, body any) (*http.Request, error) {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, r)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}

func statusError(method, u string, code int, data []byte) error {
	var msg struct {
		Message string `json:"message"`
		Detail  string `json:"detail"`
	}
	_ = json.Unmarshal(data, &msg)
	e := &StatusError{Method: method, URL: u, StatusCode: code, Message: msg.Message, body: data}
	if e.Message == "" {
		e.Message = msg.Detail
	}
	if e.Message == "" && len(data) > 0 && !json.Valid(data) {
		e.Message = snippet(data)
	}
	switch {
	case code == http.StatusForbidden && strings.Contains(e.Message, "pagination offset too large"):
		e.kind = ErrPaginationCap
	case code == http.StatusUnauthorized:
		e.kind = ErrUnauthorized
	case code == http.StatusForbidden:
		e.kind = ErrForbidden
	case code == http.StatusNotFound:
		e.kind = ErrNotFound
	case code == http.StatusTooManyRequests:
		e.kind = ErrRateLimited
	}
	return e
}

// snippet shortens a body for an error message: HTML error pages are long.
func snippet(b []byte) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if len(s) > 120 {
		s = s[:120] + "…"
	}
	return s
}
