package hub_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/crane-migrate/crane-migrate/hub"
)

// tagServer serves n tags in pages, with the Hub's full-URL next links, and
// accepts only the token it issued.
func tagServer(t *testing.T, n int, issued *atomic.Int32) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	var srv *httptest.Server
	mux.HandleFunc("POST /v2/auth/token", func(w http.ResponseWriter, r *http.Request) {
		var body struct{ Identifier, Secret string }
		_ = json.NewDecoder(r.Body).Decode(&body)
		if body.Identifier != "alice" || body.Secret != "s3cret" {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"detail":"Incorrect authentication credentials"}`)
			return
		}
		issued.Add(1)
		fmt.Fprintf(w, `{"access_token":"tok%d"}`, issued.Load())
	})
	mux.HandleFunc("GET /v2/namespaces/org/repositories/app/tags", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer tok"+strconv.Itoa(int(issued.Load())) {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		size, _ := strconv.Atoi(r.URL.Query().Get("page_size"))
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		page = max(page, 1)
		p := hub.Page[hub.Tag]{Count: n}
		for i := (page - 1) * size; i < min(page*size, n); i++ {
			p.Results = append(p.Results, hub.Tag{Name: fmt.Sprintf("t%03d", i), Digest: "sha256:x"})
		}
		if page*size < n {
			next := fmt.Sprintf("%s%s?page=%d&page_size=%d", srv.URL, r.URL.Path, page+1, size)
			p.Next = &next
		}
		_ = json.NewEncoder(w).Encode(p)
	})
	srv = httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestTagsFollowsNextToTheEnd(t *testing.T) {
	t.Parallel()
	var issued atomic.Int32
	srv := tagServer(t, 250, &issued)
	c, err := hub.New(srv.URL, hub.WithCredentials("alice", "s3cret"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for tg, err := range c.Tags(context.Background(), "org", "app") {
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, tg.Name)
	}
	if len(names) != 250 || names[0] != "t000" || names[249] != "t249" {
		t.Fatalf("got %d tags (%v…)", len(names), names[:min(3, len(names))])
	}
	if issued.Load() != 1 {
		t.Errorf("logged in %d times, want 1", issued.Load())
	}
}

func TestNextOnAnotherHostIsRefused(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"count":2,"next":"https://evil.example.com/v2/namespaces/org/repositories?page=2","results":[{"name":"a"}]}`)
	}))
	defer srv.Close()
	c, _ := hub.New(srv.URL)
	var got []string
	var gotErr error
	for r, err := range c.Repositories(context.Background(), "org") {
		if err != nil {
			gotErr = err
			break
		}
		got = append(got, r.Name)
	}
	if !errors.Is(gotErr, hub.ErrBadResponse) || len(got) != 1 {
		t.Fatalf("got %v, err %v; want one repository then ErrBadResponse", got, gotErr)
	}
}

func TestStatusClassification(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status int
		body   string
		want   error
	}{
		{403, `{"message":"pagination offset too large for anonymous requests; sign in to page further"}`, hub.ErrPaginationCap},
		{404, `{"message":"object not found"}`, hub.ErrNotFound},
		{200, `<html>maintenance</html>`, hub.ErrBadResponse},
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.status), func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tt.status)
				fmt.Fprint(w, tt.body)
			}))
			defer srv.Close()
			c, _ := hub.New(srv.URL)
			_, err := c.Repository(context.Background(), "org", "app")
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestPageSizeDefault(t *testing.T) {
	t.Parallel()
	if d := cmp.Diff(100, hub.DefaultPageSize); d != "" {
		t.Error("DefaultPageSize must be the Hub's maximum, 100")
	}
	if _, err := hub.New("http://x", hub.WithPageSize(101)); err == nil {
		t.Error("page size 101 accepted")
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
