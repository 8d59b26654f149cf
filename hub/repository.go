package hub

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
)

// What each write needs, for the *ForbiddenError of a 403. Docker's access
// token reference and hub-api.md are the sources (see e2e/hubfake/FACTS.md).
const (
	needsCreate = "the account's password, a personal access token with Read & Write (or Read, Write, Delete), " +
		"or an organization access token with scope-repository-create"
	needsTexts = "the account's password or a personal access token with Read, Write, Delete " +
		"(a Read & Write token is refused); organization access tokens are refused on this route"
	needsAdmin = "admin rights on the repository: the account's password, a personal access token with Read, Write, Delete, " +
		"or an organization access token with scope-repository-edit"
)

// CreateRequest is the body of a repository creation.
type CreateRequest struct {
	Name            string `json:"name"`
	Namespace       string `json:"namespace"`
	Description     string `json:"description"`
	FullDescription string `json:"full_description"`
	Registry        string `json:"registry"`
	IsPrivate       bool   `json:"is_private"`
}

// CreateRepository creates ns/repo with the given visibility. Pushing would
// create it too, but with the account's default privacy: a private source
// must be created private before its first push. A name Docker Hub would
// refuse fails with ErrInvalidName before any request. When the creation
// fails, the repository may exist all the same (created by someone else, or
// by a retried POST whose first try went through): the Hub answers 400
// either way, so the client asks rather than read the message. An existing
// repository of the visibility asked for is success; of the other one, an
// error wrapping ErrRepositoryExists.
func (c *Client) CreateRepository(ctx context.Context, ns, repo string, private bool, description, fullDescription string) error {
	action := fmt.Sprintf("creating repository %s/%s", ns, repo)
	if err := ValidateRepositoryName(repo); err != nil {
		return fmt.Errorf("%s: %w", action, err)
	}
	body := CreateRequest{Name: repo, Namespace: ns, Registry: "docker.io", IsPrivate: private,
		Description: description, FullDescription: fullDescription}
	u := c.url("/v2/namespaces/"+url.PathEscape(ns)+"/repositories", nil)
	err := c.doJSON(ctx, http.MethodPost, u, body, nil)
	var se *StatusError
	if !errors.As(err, &se) {
		return forbidden(err, action, needsCreate) // nil, or no answer at all
	}
	got, gerr := c.Repository(ctx, ns, repo)
	switch {
	case gerr != nil: // not there, or cannot tell: the creation's error stands
		return forbidden(err, action, needsCreate)
	case got.IsPrivate != private:
		return fmt.Errorf("%s: %w: it is %s, %s was asked", action, ErrRepositoryExists, visibility(got.IsPrivate), visibility(private))
	}
	c.log.WithField("repository", ns+"/"+repo).Debug("creation failed but the repository exists with the visibility asked for")
	return nil
}

func visibility(private bool) string {
	if private {
		return "private"
	}
	return "public"
}

// UpdateDescriptions sets the short description and the README. A 403 is a
// *ForbiddenError saying which token would do.
func (c *Client) UpdateDescriptions(ctx context.Context, ns, repo, description, fullDescription string) error {
	body := map[string]string{"description": description, "full_description": fullDescription}
	err := c.doJSON(ctx, http.MethodPatch, c.legacyURL(ns, repo), body, nil)
	return forbidden(err, fmt.Sprintf("updating the description and README of %s/%s", ns, repo), needsTexts)
}

// SetImmutableTags applies immutable-tag settings to ns/repo. A 403 is a
// *ForbiddenError saying which token would do.
func (c *Client) SetImmutableTags(ctx context.Context, ns, repo string, s ImmutableTags) error {
	body := map[string]any{"immutable_tags": s.Enabled, "immutable_tags_rules": s.Rules}
	err := c.doJSON(ctx, http.MethodPatch, c.url(repoPath(ns, repo)+"/immutabletags", nil), body, nil)
	return forbidden(err, fmt.Sprintf("setting immutable tags of %s/%s", ns, repo), needsAdmin)
}

// SetDescription changes only the short description (the README stays). A
// 403 is a *ForbiddenError saying which token would do.
func (c *Client) SetDescription(ctx context.Context, ns, repo, description string) error {
	err := c.doJSON(ctx, http.MethodPatch, c.legacyURL(ns, repo), map[string]string{"description": description}, nil)
	return forbidden(err, fmt.Sprintf("updating the description of %s/%s", ns, repo), needsTexts)
}

// legacyURL is the /v2/repositories/{ns}/{repo}/ route, the one widely used
// to edit texts (Docker's reference documents none).
func (c *Client) legacyURL(ns, repo string) string {
	return c.url("/v2/repositories/"+url.PathEscape(ns)+"/"+url.PathEscape(repo)+"/", nil)
}
