package hub

import (
	"maps"
	"net/http"
	"strings"
)

// Route is a kind of Docker Hub API request, for counting what a run
// spends of the API's per-minute budget.
type Route string

// The routes a run uses.
const (
	RouteRepositories Route = "repository pages" // GET …/repositories (a namespace's listing)
	RouteTags         Route = "tag pages"        // GET …/repositories/{repo}/tags
	RouteRepository   Route = "repository GETs"  // GET …/repositories/{repo} (texts, visibility, rules)
	RouteCreate       Route = "creations"        // POST …/repositories
	RouteUpdate       Route = "updates"          // PATCH (texts), immutable-tag settings
	RouteLogin        Route = "logins"           // POST /v2/auth/token, /v2/users/login
	RouteOther        Route = "other"
)

// routeOf names the route of a request the client sends.
func routeOf(method, path string) Route {
	p := strings.TrimSuffix(path, "/")
	switch {
	case strings.HasSuffix(p, "/auth/token") || strings.HasSuffix(p, "/users/login"):
		return RouteLogin
	case method == http.MethodGet && strings.HasSuffix(p, "/tags"):
		return RouteTags
	case method == http.MethodGet && strings.HasSuffix(p, "/repositories"):
		return RouteRepositories
	case method == http.MethodGet && strings.Contains(p, "/repositories/"):
		return RouteRepository
	case method == http.MethodPost && strings.HasSuffix(p, "/repositories"):
		return RouteCreate
	case method == http.MethodPatch || method == http.MethodPut:
		return RouteUpdate
	}
	return RouteOther
}

func (c *Client) count(r Route) {
	c.counted.Lock()
	defer c.counted.Unlock()
	if c.requests == nil {
		c.requests = map[Route]int{}
	}
	c.requests[r]++
}

// Requests is what the client has sent so far, by route.
func (c *Client) Requests() map[Route]int {
	c.counted.Lock()
	defer c.counted.Unlock()
	return maps.Clone(c.requests)
}
