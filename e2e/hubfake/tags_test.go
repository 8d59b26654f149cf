package hubfake_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/crane-migrate/crane-migrate/e2e/harness"
	"github.com/crane-migrate/crane-migrate/e2e/hubfake"
)

// TestTagsPagination seeds 130 tags (ten images, the rest tags sharing their
// digests) and pages through them.
func TestTagsPagination(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	const n = 130
	var want []string
	for i := range n {
		want = append(want, tagName(i))
		if i < 10 {
			e.seed(t, "org/big:"+tagName(i))
			continue
		}
		if err := harness.Tag(ctx, e.reg.Host()+"/org/big:"+tagName(i%10), e.reg.Host()+"/org/big:"+tagName(i)); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("following next gets every tag once", func(t *testing.T) {
		var got []string
		pages := 0
		for u := e.hub.URL + "/v2/namespaces/org/repositories/big/tags?page_size=100"; u != ""; pages++ {
			a := call(t, http.MethodGet, u, "", nil)
			if a.status != http.StatusOK {
				t.Fatalf("GET %s: %d %s", u, a.status, a.body)
			}
			var p page
			a.decode(t, &p)
			if p.Count != n {
				t.Errorf("count = %d, want %d", p.Count, n)
			}
			got = append(got, p.names(t)...)
			u = ""
			if p.Next != nil {
				u = *p.Next
				if !strings.HasPrefix(u, e.hub.URL+"/v2/namespaces/org/repositories/big/tags?") {
					t.Fatalf("next %q is not a full URL on %s", u, e.hub.URL)
				}
			}
		}
		if pages != 2 {
			t.Errorf("%d pages, want 2", pages)
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("tags (-want +got):\n%s", d)
		}
		if c := e.fake.Counts()[hubfake.RouteTags]; c < 2 {
			t.Errorf("Counts()[tags] = %d, want at least 2", c)
		}
	})

	tests := []struct {
		name      string
		query     string
		status    int
		results   int
		next      string // query of next, "" for null
		previous  string // query of previous, "" for null
		firstName string
	}{
		{"default page size", "", 200, hubfake.DefaultPageSize, "page=2", "", "t000"},
		{"page size capped", "page_size=500", 200, hubfake.MaxPageSize, "page=2&page_size=500", "", "t000"},
		{"page size zero is the default", "page_size=0", 200, hubfake.DefaultPageSize, "page=2&page_size=0", "", "t000"},
		{"page size not a number is the default", "page_size=many", 200, hubfake.DefaultPageSize, "page=2&page_size=many", "", "t000"},
		{"last page", "page=2&page_size=100", 200, 30, "", "page_size=100", "t100"},
		{"middle page", "page=3&page_size=20", 200, 20, "page=4&page_size=20", "page=2&page_size=20", "t040"},
		{"past the end", "page=3&page_size=100", 404, 0, "", "", ""},
		{"page zero", "page=0", 404, 0, "", "", ""},
		{"page not a number", "page=x", 404, 0, "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := e.get(t, "/v2/namespaces/org/repositories/big/tags?"+tt.query, "")
			if a.status != tt.status {
				t.Fatalf("status %d, want %d: %s", a.status, tt.status, a.body)
			}
			if tt.status != http.StatusOK {
				var body map[string]any
				a.decode(t, &body) // errors are JSON too
				return
			}
			var p page
			a.decode(t, &p)
			if len(p.Results) != tt.results || p.names(t)[0] != tt.firstName {
				t.Errorf("%d results from %s, want %d from %s", len(p.Results), p.names(t)[0], tt.results, tt.firstName)
			}
			if got := linkQuery(t, p.Next); got != tt.next {
				t.Errorf("next query %q, want %q", got, tt.next)
			}
			if got := linkQuery(t, p.Previous); got != tt.previous {
				t.Errorf("previous query %q, want %q", got, tt.previous)
			}
		})
	}
}

// linkQuery is a next/previous link's query, "" for null.
func linkQuery(t *testing.T, link *string) string {
	t.Helper()
	if link == nil {
		return ""
	}
	u, err := url.Parse(*link)
	if err != nil || u.Scheme != "http" || u.Host == "" {
		t.Fatalf("link %q is not a full URL", *link)
	}
	return u.RawQuery
}

// TestTagShapes checks every field of a tag entry and the images[] of a
// single image, an OCI index with an attestation and a Docker manifest list.
func TestTagShapes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	amd64 := v1.Platform{OS: "linux", Architecture: "amd64"}
	arm64 := v1.Platform{OS: "linux", Architecture: "arm64", Variant: "v8"}
	host := e.reg.Host() + "/org/app:"
	single, err := harness.SeedImage(ctx, host+"single")
	if err != nil {
		t.Fatal(err)
	}
	oci, err := harness.SeedIndex(ctx, host+"oci", []v1.Platform{amd64, arm64}, types.OCIImageIndex, harness.WithAttestation())
	if err != nil {
		t.Fatal(err)
	}
	docker, err := harness.SeedIndex(ctx, host+"docker", []v1.Platform{amd64, arm64}, types.DockerManifestList)
	if err != nil {
		t.Fatal(err)
	}

	a := e.get(t, "/v2/namespaces/org/repositories/app/tags", "")
	if a.status != http.StatusOK {
		t.Fatalf("%d %s", a.status, a.body)
	}
	var p struct{ Results []map[string]any }
	a.decode(t, &p)
	if len(p.Results) != 3 {
		t.Fatalf("%d tags, want 3", len(p.Results))
	}
	tagKeys := []string{"content_type", "digest", "full_size", "images", "last_updated", "last_updater_username",
		"media_type", "name", "tag_last_pulled", "tag_last_pushed", "tag_status"}
	imageKeys := []string{"architecture", "digest", "last_pulled", "last_pushed", "os", "size", "status", "variant"}
	for _, tag := range p.Results {
		if d := cmp.Diff(tagKeys, keys(tag)); d != "" {
			t.Errorf("tag %v keys (-want +got):\n%s", tag["name"], d)
		}
		for _, im := range tag["images"].([]any) {
			if d := cmp.Diff(imageKeys, keys(im.(map[string]any))); d != "" {
				t.Errorf("image keys (-want +got):\n%s", d)
			}
		}
		if tag["content_type"] != "image" || tag["tag_status"] != "active" || tag["full_size"].(float64) <= 0 {
			t.Errorf("tag %v: %v", tag["name"], tag)
		}
	}

	type platform struct{ OS, Arch, Variant string }
	tests := []struct {
		tag       string
		digest    v1.Hash
		mediaType types.MediaType
		platforms []platform
	}{
		{"docker", docker, types.DockerManifestList, []platform{{"linux", "amd64", "<null>"}, {"linux", "arm64", "v8"}}},
		{"oci", oci, types.OCIImageIndex, []platform{{"linux", "amd64", "<null>"}, {"linux", "arm64", "v8"}, {"unknown", "unknown", "<null>"}}},
		{"single", single, types.DockerManifestSchema2, []platform{{"linux", "amd64", "<null>"}}},
	}
	for i, tt := range tests {
		t.Run(tt.tag, func(t *testing.T) {
			tag := p.Results[i]
			if tag["name"] != tt.tag || tag["digest"] != tt.digest.String() || tag["media_type"] != string(tt.mediaType) {
				t.Errorf("tag %v %v %v, want %s %s %s", tag["name"], tag["digest"], tag["media_type"], tt.tag, tt.digest, tt.mediaType)
			}
			var got []platform
			var sizes []float64
			for _, im := range tag["images"].([]any) {
				m := im.(map[string]any)
				v, ok := m["variant"].(string)
				if !ok {
					v = "<null>"
				}
				got = append(got, platform{m["os"].(string), m["architecture"].(string), v})
				sizes = append(sizes, m["size"].(float64))
				if m["status"] != "active" || !strings.HasPrefix(m["digest"].(string), "sha256:") || m["size"].(float64) <= 0 {
					t.Errorf("image %v", m)
				}
			}
			if d := cmp.Diff(tt.platforms, got); d != "" {
				t.Errorf("images (-want +got):\n%s", d)
			}
			if tag["full_size"] != sizes[0] {
				t.Errorf("full_size %v, want the first image's %v", tag["full_size"], sizes[0])
			}
		})
	}
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
