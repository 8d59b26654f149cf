package referrers

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// maxIndexSize bounds a referrers listing page or fallback index we read:
// 4 MiB, the manifest limit registries commonly enforce.
const maxIndexSize = 4 << 20

// maxPages bounds the Link-header pages of one listing, against a registry
// that links a page to itself.
const maxPages = 100

// listAPI lists d's referrers through the referrers API. ok is false when
// the registry does not serve the API; errInconclusive when it cannot tell.
func (f *Finder) listAPI(ctx context.Context, d name.Digest) (descs []v1.Descriptor, ok bool, err error) {
	repo := d.Context()
	c, err := f.client(ctx, repo)
	if err != nil {
		return nil, false, err
	}
	u := &url.URL{Scheme: repo.Scheme(), Host: repo.RegistryStr(),
		Path: fmt.Sprintf("/v2/%s/referrers/%s", repo.RepositoryStr(), d.DigestStr())}
	if len(f.o.artifactTypes) == 1 {
		for t := range f.o.artifactTypes {
			u.RawQuery = url.Values{"artifactType": {t}}.Encode()
		}
	}
	for page := 0; u != nil; page++ {
		if page == maxPages {
			return nil, false, fmt.Errorf("listing referrers of %s: more than %d pages", d, maxPages)
		}
		var part []v1.Descriptor
		part, u, ok, err = getPage(ctx, c, u)
		if err != nil || !ok {
			return nil, ok, err
		}
		descs = append(descs, part...)
	}
	return descs, true, nil
}

// getPage GETs one page of a referrers listing and returns the next page's
// URL, if the registry links one.
func getPage(ctx context.Context, c *http.Client, u *url.URL) ([]v1.Descriptor, *url.URL, bool, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, nil, false, err
	}
	req.Header.Set("Accept", string(types.OCIImageIndex))
	resp, err := c.Do(req)
	if err != nil {
		return nil, nil, false, fmt.Errorf("listing referrers at %s: %w", u.Redacted(), err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxIndexSize))
	if err != nil {
		return nil, nil, false, fmt.Errorf("listing referrers at %s: %w", u.Redacted(), err)
	}
	switch resp.StatusCode {
	case http.StatusOK:
		im, ok := parseIndex(resp.Header.Get("Content-Type"), body)
		if !ok {
			return nil, nil, false, nil
		}
		return im.Manifests, nextPage(u, resp.Header.Get("Link")), true, nil
	case http.StatusNotFound:
		if strings.Contains(string(body), "NAME_UNKNOWN") {
			return nil, nil, false, errInconclusive
		}
		return nil, nil, false, nil
	case http.StatusBadRequest, http.StatusMethodNotAllowed, http.StatusNotAcceptable:
		return nil, nil, false, nil
	}
	resp.Body = io.NopCloser(strings.NewReader(string(body)))
	return nil, nil, false, fmt.Errorf("listing referrers at %s: %w", u.Redacted(), transport.CheckError(resp, http.StatusOK))
}

// parseIndex accepts body as an OCI image index: the content type, or else
// the body's own mediaType, must say so, and it must be schema version 2.
func parseIndex(contentType string, body []byte) (*v1.IndexManifest, bool) {
	var im v1.IndexManifest
	if err := json.Unmarshal(body, &im); err != nil || im.SchemaVersion != 2 {
		return nil, false
	}
	mt, _, _ := mime.ParseMediaType(contentType)
	if types.MediaType(mt) != types.OCIImageIndex && im.MediaType != types.OCIImageIndex {
		return nil, false
	}
	return &im, true
}

// nextPage resolves a Link header's rel="next" target against u.
func nextPage(u *url.URL, link string) *url.URL {
	for _, part := range strings.Split(link, ",") {
		target, params, ok := strings.Cut(strings.TrimSpace(part), ";")
		if !ok || !strings.Contains(strings.ReplaceAll(params, " ", ""), `rel="next"`) {
			continue
		}
		next, err := u.Parse(strings.Trim(strings.TrimSpace(target), "<>"))
		if err == nil {
			return next
		}
	}
	return nil
}
