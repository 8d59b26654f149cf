package hubfake

import (
	"net/http"
	"net/url"
	"strconv"
)

// Paging limits, as on the Hub.
const (
	DefaultPageSize = 10
	MaxPageSize     = 100
)

// anonymousCapMessage is the Hub's 403 body past the anonymous offset cap.
const anonymousCapMessage = "pagination offset too large for anonymous requests; sign in to page further"

// page is the Hub's (Django REST framework's) paged answer.
type page[T any] struct {
	Count    int     `json:"count"`
	Next     *string `json:"next"`
	Previous *string `json:"previous"`
	Results  []T     `json:"results"`
}

// paging is a request's page and page size.
type paging struct{ page, size int }

// parsePaging reads page and page_size the way Django REST framework does: a
// missing, malformed or non-positive page_size is the default, a larger one
// is silently capped; a page that is not a positive number answers 404.
func parsePaging(w http.ResponseWriter, r *http.Request) (paging, bool) {
	q := r.URL.Query()
	p := paging{page: 1, size: DefaultPageSize}
	if n, err := strconv.Atoi(q.Get("page_size")); err == nil && n > 0 {
		p.size = min(n, MaxPageSize)
	}
	if s := q.Get("page"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			writeError(w, http.StatusNotFound, "Invalid page.")
			return p, false
		}
		p.page = n
	}
	return p, true
}

func (p paging) offset() int { return (p.page - 1) * p.size }

// capAnonymous answers 403 when an anonymous request pages too deep.
func (s *Server) capAnonymous(w http.ResponseWriter, sess *session, p paging) bool {
	if sess == nil && p.offset() >= s.o.offsetCap {
		writeJSON(w, http.StatusForbidden, map[string]string{"message": anonymousCapMessage})
		return false
	}
	return true
}

// window is the slice of count items on page p; past the end it answers 404
// (the first page of nothing is an empty page).
func window(w http.ResponseWriter, p paging, count int) (lo, hi int, ok bool) {
	lo = p.offset()
	if lo >= count && p.page > 1 {
		writeError(w, http.StatusNotFound, "Invalid page.")
		return 0, 0, false
	}
	return min(lo, count), min(lo+p.size, count), true
}

// newPage builds the answer with full next and previous URLs on the host the
// request came to, as the Hub does; like Django REST framework, the link to
// the first page has no page parameter.
func newPage[T any](r *http.Request, p paging, count int, results []T) page[T] {
	out := page[T]{Count: count, Results: results}
	if out.Results == nil {
		out.Results = []T{}
	}
	if p.offset()+p.size < count {
		out.Next = link(r, p.page+1)
	}
	if p.page > 1 {
		out.Previous = link(r, p.page-1)
	}
	return out
}

func link(r *http.Request, page int) *string {
	u := url.URL{Scheme: "http", Host: r.Host, Path: r.URL.Path, RawPath: r.URL.RawPath}
	if r.TLS != nil {
		u.Scheme = "https"
	}
	q := r.URL.Query()
	if page == 1 {
		q.Del("page")
	} else {
		q.Set("page", strconv.Itoa(page))
	}
	u.RawQuery = q.Encode()
	s := u.String()
	return &s
}
