package hub

import (
	"context"
	"fmt"
	"iter"
	"net/url"
	"strconv"
)

// Repositories lists every repository of namespace ns visible to the client,
// page by page; the sequence stops at the first error, which it yields.
func (c *Client) Repositories(ctx context.Context, ns string) iter.Seq2[Repository, error] {
	q := url.Values{"page_size": {strconv.Itoa(c.pageSize)}}
	return pages[Repository](ctx, c, c.url("/v2/namespaces/"+url.PathEscape(ns)+"/repositories", q))
}

// Tags lists every tag of ns/repo with its digest, platforms and dates, in
// the Hub's order (newest push first by default): a caller that needs an
// order sorts by the dates, since an ordering is a server's promise only.
func (c *Client) Tags(ctx context.Context, ns, repo string) iter.Seq2[Tag, error] {
	q := url.Values{"page_size": {strconv.Itoa(c.pageSize)}}
	return pages[Tag](ctx, c, c.url(repoPath(ns, repo)+"/tags", q))
}

// Repository fetches one repository, including its full description.
func (c *Client) Repository(ctx context.Context, ns, repo string) (Repository, error) {
	var r Repository
	if err := c.getJSON(ctx, c.url(repoPath(ns, repo), nil), &r); err != nil {
		return Repository{}, fmt.Errorf("getting repository %s/%s: %w", ns, repo, err)
	}
	return r, nil
}

func repoPath(ns, repo string) string {
	return "/v2/namespaces/" + url.PathEscape(ns) + "/repositories/" + url.PathEscape(repo)
}

// pages follows `next` links from first to the end. The Hub's `next` is a full
// URL; we follow it rather than compute page numbers, as the API asks.
func pages[T any](ctx context.Context, c *Client, first string) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		for u := first; u != ""; {
			var p Page[T]
			if err := c.getJSON(ctx, u, &p); err != nil {
				yield(zero, err)
				return
			}
			for _, r := range p.Results {
				if !yield(r, nil) {
					return
				}
			}
			u = ""
			if p.Next != nil && *p.Next != "" {
				next, err := c.sameHost(*p.Next)
				if err != nil {
					yield(zero, err)
					return
				}
				u = next
			}
		}
	}
}

// sameHost refuses a `next` link to another host or scheme: we would send
// it our token. A relative link is resolved against the API's URL.
func (c *Client) sameHost(next string) (string, error) {
	u, err := url.Parse(next)
	if err == nil {
		u = c.base.ResolveReference(u)
	}
	if err != nil || u.Host != c.base.Host || u.Scheme != c.base.Scheme {
		return "", fmt.Errorf("docker hub: %w: next page link %q is not on %s", ErrBadResponse, next, c.base)
	}
	return u.String(), nil
}
