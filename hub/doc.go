// Package hub is a small client for the Docker Hub API (hub.docker.com): log
// in, list a namespace's repositories and a repository's tags, page by page,
// following the `next` links the API returns; create repositories and edit
// their descriptions and immutable-tag rules, with a *ForbiddenError naming
// the token kind and scope a refused call needs. It is not a registry client:
// images move through go-containerregistry, never through here.
package hub
