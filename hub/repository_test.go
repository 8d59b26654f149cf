package hub_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-containerregistry/pkg/crane"
	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/random"

	"github.com/crane-migrate/crane-migrate/e2e/hubfake"
	"github.com/crane-migrate/crane-migrate/hub"
)

// createServer answers the creation with status and serves existing (a
// repository's JSON, "" for 404) on the single-repository GET.
func createServer(t *testing.T, status int, existing string, posts *atomic.Int32) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v2/namespaces/org/repositories", func(w http.ResponseWriter, r *http.Request) {
		posts.Add(1)
		w.WriteHeader(status)
		fmt.Fprint(w, `{"message":"something went wrong","errinfo":{}}`)
	})
	mux.HandleFunc("GET /v2/namespaces/org/repositories/app", func(w http.ResponseWriter, r *http.Request) {
		if existing == "" {
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"message":"object not found"}`)
			return
		}
		fmt.Fprint(w, existing)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// TestCreateRepositoryChecksWhatExists: after a failed creation the client
// asks whether the repository exists rather than read the status or the
// message; an existing one of the visibility asked for is success.
func TestCreateRepositoryChecksWhatExists(t *testing.T) {
	t.Parallel()
	const private, public = `{"name":"app","namespace":"org","is_private":true}`, `{"name":"app","namespace":"org","is_private":false}`
	tests := []struct {
		name       string
		status     int
		existing   string
		wantErr    error // nil: success
		wantStatus int   // of the StatusError kept, 0 for none
	}{
		{"created", 201, "", nil, 0},
		{"exists, same visibility (400)", 400, private, nil, 0},
		{"retried POST went through (500)", 500, private, nil, 0},
		{"exists with the other visibility", 400, public, hub.ErrRepositoryExists, 0},
		{"quota: does not exist", 400, "", nil, 400},
		{"hub error, does not exist", 500, "", nil, 500},
		{"no create scope", 403, "", hub.ErrForbidden, 403},
		{"no create scope, but it exists", 403, private, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var posts atomic.Int32
			srv := createServer(t, tt.status, tt.existing, &posts)
			c, _ := hub.New(srv.URL)
			err := c.CreateRepository(context.Background(), "org", "app", true, "", "")
			var se *hub.StatusError
			switch {
			case tt.wantErr == nil && tt.wantStatus == 0 && err != nil:
				t.Fatalf("CreateRepository: %v, want success", err)
			case tt.wantErr != nil && !errors.Is(err, tt.wantErr):
				t.Fatalf("CreateRepository: %v, want %v", err, tt.wantErr)
			case tt.wantStatus != 0 && (!errors.As(err, &se) || se.StatusCode != tt.wantStatus):
				t.Fatalf("CreateRepository: %v, want HTTP %d", err, tt.wantStatus)
			}
			if posts.Load() != 1 {
				t.Errorf("%d creation requests, want 1", posts.Load())
			}
		})
	}
}

func TestValidateRepositoryName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		valid bool
	}{
		{"ab", true},
		{"my-app", true},
		{"my_app.v2", true},
		{"a1-b2_c3.d4", true},
		{strings.Repeat("a", 255), true},
		{"a", false},
		{"", false},
		{strings.Repeat("a", 256), false},
		{"My-App", false},
		{"my--app", false},
		{"my__app", false},
		{"my._app", false},
		{"-app", false},
		{"app-", false},
		{".app", false},
		{"team/tool", false},
		{"app:v1", false},
		{"café", false},
	}
	for _, tt := range tests {
		err := hub.ValidateRepositoryName(tt.name)
		if (err == nil) != tt.valid || (err != nil && !errors.Is(err, hub.ErrInvalidName)) {
			t.Errorf("ValidateRepositoryName(%.20q) = %v, want valid %v", tt.name, err, tt.valid)
		}
	}
	err := hub.ValidateRepositoryName("Bad")
	if !strings.Contains(fmt.Sprint(err), `^[a-z0-9]+(?:[._-][a-z0-9]+)*$`) || !strings.Contains(fmt.Sprint(err), "2 to 255") {
		t.Errorf("the error does not quote the rule: %v", err)
	}
}

// TestCreateRefusesAnInvalidNameUnsent: no request leaves for a name the
// Hub would refuse.
func TestCreateRefusesAnInvalidNameUnsent(t *testing.T) {
	t.Parallel()
	var posts atomic.Int32
	srv := createServer(t, 201, "", &posts)
	c, _ := hub.New(srv.URL)
	if err := c.CreateRepository(context.Background(), "org", "My_App", false, "", ""); !errors.Is(err, hub.ErrInvalidName) {
		t.Errorf("err = %v, want ErrInvalidName", err)
	}
	if posts.Load() != 0 {
		t.Errorf("%d creation requests sent for an invalid name", posts.Load())
	}
}

func TestLimitsCountCharacters(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text  string
		limit int
		fits  bool
	}{
		{strings.Repeat("é", hub.MaxDescription), hub.MaxDescription, true},
		{strings.Repeat("é", hub.MaxDescription+1), hub.MaxDescription, false},
		{strings.Repeat("日本", hub.MaxFullDescription/2), hub.MaxFullDescription, true},
		{strings.Repeat("x", hub.MaxFullDescription+1), hub.MaxFullDescription, false},
	}
	for _, tt := range tests {
		if got := hub.Chars(tt.text) <= tt.limit; got != tt.fits {
			t.Errorf("%d bytes, %d characters: fits %d = %v, want %v", len(tt.text), hub.Chars(tt.text), tt.limit, got, tt.fits)
		}
	}
	if hub.MaxDescription != 100 || hub.MaxFullDescription != 25000 {
		t.Errorf("limits %d / %d, want Docker Hub's 100 / 25,000", hub.MaxDescription, hub.MaxFullDescription)
	}
}

// strictHub is the fake Hub, with its token rules, in front of an
// in-memory registry holding org/app:v1.
func strictHub(t *testing.T, opts ...hubfake.Option) string {
	t.Helper()
	reg := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	t.Cleanup(reg.Close)
	img, err := random.Image(64, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := crane.Push(img, strings.TrimPrefix(reg.URL, "http://")+"/org/app:v1"); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(hubfake.New(reg.URL, opts...))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestForbiddenSaysWhichToken: a 403 from a metadata, immutable-tag or
// create call is a *ForbiddenError naming the token that would do.
func TestForbiddenSaysWhichToken(t *testing.T) {
	t.Parallel()
	url := strictHub(t,
		hubfake.WithAccount("alice", "pat-ro", hubfake.PAT(hubfake.PATReadOnly)),
		hubfake.WithAccount("alice", "pat-rw", hubfake.PAT(hubfake.PATReadWrite)),
		hubfake.WithAccount("alice", "pat-rwd", hubfake.PAT(hubfake.PATReadWriteDelete)),
		hubfake.WithAccount("org", "oat", hubfake.OAT(hubfake.ScopeImagePull, hubfake.ScopeRepositoryList)))
	texts := func(c *hub.Client) error { return c.UpdateDescriptions(context.Background(), "org", "app", "d", "# r") }
	short := func(c *hub.Client) error { return c.SetDescription(context.Background(), "org", "app", "d") }
	immutable := func(c *hub.Client) error {
		return c.SetImmutableTags(context.Background(), "org", "app", hub.ImmutableTags{Enabled: true, Rules: []string{"^v"}})
	}
	create := func(c *hub.Client) error {
		return c.CreateRepository(context.Background(), "org", "fresh", true, "", "")
	}
	tests := []struct {
		name, user, secret string
		call               func(*hub.Client) error
		needs              string // in the error; "" for success
	}{
		{"texts, PAT read & write", "alice", "pat-rw", texts, "Read, Write, Delete"},
		{"texts, OAT", "org", "oat", texts, "organization access tokens are refused"},
		{"texts, PAT read, write, delete", "alice", "pat-rwd", texts, ""},
		{"description, PAT read & write", "alice", "pat-rw", short, "Read, Write, Delete"},
		{"immutable tags, PAT read & write", "alice", "pat-rw", immutable, "admin rights"},
		{"immutable tags, OAT", "org", "oat", immutable, "scope-repository-edit"},
		{"immutable tags, PAT read, write, delete", "alice", "pat-rwd", immutable, ""},
		{"create, PAT read-only", "alice", "pat-ro", create, "scope-repository-create"},
		{"create, OAT without the scope", "org", "oat", create, "scope-repository-create"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := hub.New(url, hub.WithCredentials(tt.user, tt.secret))
			if err != nil {
				t.Fatal(err)
			}
			err = tt.call(c)
			if tt.needs == "" {
				if err != nil {
					t.Fatalf("err = %v, want success", err)
				}
				return
			}
			var fe *hub.ForbiddenError
			if !errors.As(err, &fe) || !errors.Is(err, hub.ErrForbidden) || !strings.Contains(fe.Needs, tt.needs) {
				t.Fatalf("err = %v, want a *ForbiddenError needing %q", err, tt.needs)
			}
			if !strings.Contains(err.Error(), tt.needs) {
				t.Errorf("the message does not say what is needed: %v", err)
			}
		})
	}
}
