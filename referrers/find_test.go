package referrers

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/crane-migrate/crane-migrate/e2e/harness"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// found is a referrer's digest, depth and form, for comparison.
type found struct {
	Digest string
	Depth  int
	Via    Via
}

func summarize(rs []Referrer) []found {
	var out []found
	for _, r := range rs {
		out = append(out, found{r.Descriptor.Digest.String(), r.Depth, r.Via})
	}
	return out
}

// TestFindDepthAndFilter: on both forms, Find reports depths and keeps only
// the artifact types asked for, at every depth.
func TestFindDepthAndFilter(t *testing.T) {
	t.Parallel()
	for _, api := range []bool{true, false} {
		t.Run(fmt.Sprintf("api=%v", api), func(t *testing.T) {
			t.Parallel()
			s := newSide(t, api)
			repo := s.repo(t, "app")
			g := seedGraph(t, repo)
			listed := ViaFallbackTag
			if api {
				listed = ViaAPI
			}
			all := []found{{g.cosign.String(), 1, ViaCosignTag}, {g.sbom.String(), 1, listed}, {g.sbomSig.String(), 2, listed}}
			sortFound(all)
			for _, tc := range []struct {
				name string
				opts []Option
				want []found
			}{
				{"all", nil, all},
				{"depth 1", []Option{WithMaxDepth(1)}, without(all, g.sbomSig)},
				{"sbom only", []Option{WithArtifactTypes(sbomType)}, []found{{g.sbom.String(), 1, listed}}},
				{"signature only: its SBOM is dropped", []Option{WithArtifactTypes(sigType)}, nil},
				{"cosign only", []Option{WithArtifactTypes(CosignSignatureType)}, []found{{g.cosign.String(), 1, ViaCosignTag}}},
				{"sbom and its signature", []Option{WithArtifactTypes(sbomType, sigType)}, []found{{g.sbom.String(), 1, listed}, {g.sbomSig.String(), 2, listed}}},
			} {
				got, err := s.finder(t, tc.opts...).Find(context.Background(), repo.Digest(g.image.String()))
				if err != nil {
					t.Fatalf("%s: %v", tc.name, err)
				}
				if d := cmp.Diff(tc.want, summarize(got)); d != "" {
					t.Errorf("%s (-want +got):\n%s", tc.name, d)
				}
			}
		})
	}
}

func sortFound(fs []found) {
	rs := make([]Referrer, len(fs))
	for i, f := range fs {
		h, _ := v1.NewHash(f.Digest)
		rs[i] = Referrer{Descriptor: v1.Descriptor{Digest: h}, Depth: f.Depth, Via: f.Via}
	}
	sortReferrers(rs)
	copy(fs, summarize(rs))
}

func without(fs []found, h v1.Hash) []found {
	var out []found
	for _, f := range fs {
		if f.Digest != h.String() {
			out = append(out, f)
		}
	}
	return out
}

// TestFindIndexChildren: what is attached to an index's child is found by
// asking about the child, not the index.
func TestFindIndexChildren(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newSide(t, false)
	repo := s.repo(t, "multi")
	platforms := []v1.Platform{{OS: "linux", Architecture: "amd64"}, {OS: "linux", Architecture: "arm64"}}
	idx, err := harness.SeedIndex(ctx, repo.Tag("v1").String(), platforms, types.OCIImageIndex)
	idx = mustHash(t, err, idx)
	d, err := s.puller.Get(ctx, repo.Digest(idx.String()))
	if err != nil {
		t.Fatal(err)
	}
	im, err := v1.ParseIndexManifest(strings.NewReader(string(d.Manifest)))
	if err != nil {
		t.Fatal(err)
	}
	child := im.Manifests[1].Digest
	att, err := harness.AttachArtifact(ctx, ref(repo, child), sbomType)
	att = mustHash(t, err, att)
	f := s.finder(t)
	onIndex, err := f.Find(ctx, repo.Digest(idx.String()))
	if err != nil || len(onIndex) != 0 {
		t.Errorf("Find(index) = %v, %v; want nothing", onIndex, err)
	}
	onChild, err := f.Find(ctx, repo.Digest(child.String()))
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{att.String()}, digests(onChild)); d != "" {
		t.Errorf("Find(child) (-want +got):\n%s", d)
	}
}

// TestFindWithTags finds the same as Find but asks only for the tags the
// listing shows: with no cosign tags listed, no HEAD.
func TestFindWithTags(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newSide(t, false)
	repo := s.repo(t, "app")
	g := seedGraph(t, repo)
	tags, err := s.puller.List(ctx, repo)
	if err != nil {
		t.Fatal(err)
	}
	want, err := s.finder(t).Find(ctx, repo.Digest(g.image.String()))
	if err != nil {
		t.Fatal(err)
	}
	before := s.requests.Load()
	got, err := s.finder(t).FindWithTags(ctx, repo.Digest(g.image.String()), tags)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(summarize(want), summarize(got)); d != "" {
		t.Errorf("FindWithTags (-Find +FindWithTags):\n%s", d)
	}
	// Image: GET fallback tag, HEAD .sig. SBOM: GET its fallback tag.
	// Signature of the SBOM: nothing listed, nothing asked.
	if n := s.requests.Load() - before; n != 3 {
		t.Errorf("FindWithTags sent %d requests through the puller, want 3", n)
	}
}

// TestSupported probes once per host, trusts only an index body, and does
// not cache an inconclusive answer.
func TestSupported(t *testing.T) {
	t.Parallel()
	index := `{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}`
	for _, tc := range []struct {
		name        string
		status      int
		contentType string
		body        string
		want        bool
		probes      int // after three concurrent calls and a later one
	}{
		{"index", http.StatusOK, string(types.OCIImageIndex), index, true, 1},
		{"index, generic content type", http.StatusOK, "application/json", index, true, 1},
		{"200 html with OCI-Subject", http.StatusOK, "text/html", "<html>hub</html>", false, 1},
		{"404 page", http.StatusNotFound, "text/plain", "404 page not found", false, 1},
		{"404 repository unknown", http.StatusNotFound, "application/json", `{"errors":[{"code":"NAME_UNKNOWN"}]}`, false, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var probes atomic.Int64
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if !strings.Contains(r.URL.Path, "/referrers/") {
					w.WriteHeader(http.StatusOK)
					return
				}
				probes.Add(1)
				w.Header().Set("Content-Type", tc.contentType)
				w.Header().Set("OCI-Subject", "sha256:0000")
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.body))
			}))
			t.Cleanup(srv.Close)
			repo, err := name.NewRepository(strings.TrimPrefix(srv.URL, "http://") + "/app")
			if err != nil {
				t.Fatal(err)
			}
			puller, _ := remote.NewPuller()
			f, err := NewFinder(puller, WithTransport(http.DefaultTransport))
			if err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			results := make([]bool, 3)
			errs := make([]error, 3)
			for i := range results {
				wg.Go(func() { results[i], errs[i] = f.Supported(context.Background(), repo) })
			}
			wg.Wait()
			results[0], errs[0] = f.Supported(context.Background(), repo)
			for i := range results {
				if errs[i] != nil || results[i] != tc.want {
					t.Errorf("Supported = %v, %v; want %v", results[i], errs[i], tc.want)
				}
			}
			if got := probes.Load(); got != int64(tc.probes) {
				t.Errorf("%d probes, want %d", got, tc.probes)
			}
		})
	}
}

// TestSupportedRealRegistries: the distribution registry has no API,
// go-containerregistry's has it when asked.
func TestSupportedRealRegistries(t *testing.T) {
	t.Parallel()
	for _, api := range []bool{true, false} {
		s := newSide(t, api)
		repo := s.repo(t, "app")
		mustSeed(t, repo.Tag("v1").String()) // ggcr's registry answers 404 for an unknown repository
		got, err := s.finder(t).Supported(context.Background(), repo)
		if err != nil || got != api {
			t.Errorf("api=%v: Supported = %v, %v", api, got, err)
		}
	}
}
