package hub

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
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
// must be created private before its first push.
func (c *Client) CreateRepository(ctx context.Context, ns, repo string, private bool, description, fullDescription string) error {
	body := CreateRequest{Name: repo, Namespace: ns, Registry: "docker.io", IsPrivate: private,
		Description: description, FullDescription: fullDescription}
	u := c.url("/v2/namespaces/"+url.PathEscape(ns)+"/repositories", nil)
	err := c.doJSON(ctx, http.MethodPost, u, body, nil)
	var se *StatusError
	if errors.As(err, &se) && (se.StatusCode == http.StatusConflict || strings.Contains(se.Message, "already exists")) {
		// A retried POST whose first try went through: trust it only if the
		// repository really has the visibility we asked for.
		got, gerr := c.Repository(ctx, ns, repo)
		if gerr == nil && got.IsPrivate == private {
			return nil
		}
	}
	if err != nil {
		return fmt.Errorf("creating repository %s/%s: %w", ns, repo, err)
	}
	return nil
}

// UpdateDescriptions sets the short description and the README.
func (c *Client) UpdateDescriptions(ctx context.Context, ns, repo, description, fullDescription string) error {
	body := map[string]string{"description": description, "full_description": fullDescription}
	u := c.url("/v2/repositories/"+url.PathEscape(ns)+"/"+url.PathEscape(repo)+"/", nil)
	if err := c.doJSON(ctx, http.MethodPatch, u, body, nil); err != nil {
		return fmt.Errorf("updating repository %s/%s: %w", ns, repo, err)
	}
	return nil
}

// SetImmutableTags applies immutable-tag settings to ns/repo.
func (c *Client) SetImmutableTags(ctx context.Context, ns, repo string, s ImmutableTags) error {
	body := map[string]any{"immutable_tags": s.Enabled, "immutable_tags_rules": s.Rules}
	if err := c.doJSON(ctx, http.MethodPatch, c.url(repoPath(ns, repo)+"/immutabletags", nil), body, nil); err != nil {
		return fmt.Errorf("setting immutable tags of %s/%s: %w", ns, repo, err)
	}
	return nil
}

// SetDescription changes only the short description (the README stays).
func (c *Client) SetDescription(ctx context.Context, ns, repo, description string) error {
	u := c.url("/v2/repositories/"+url.PathEscape(ns)+"/"+url.PathEscape(repo)+"/", nil)
	if err := c.doJSON(ctx, http.MethodPatch, u, map[string]string{"description": description}, nil); err != nil {
		return fmt.Errorf("updating the description of %s/%s: %w", ns, repo, err)
	}
	return nil
}
