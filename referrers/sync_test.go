package referrers

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/crane-migrate/crane-migrate/e2e/harness"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// graph is an image with an SBOM (depth 1), a signature of the SBOM
// (depth 2) and a cosign .sig tag (depth 1).
type graph struct {
	image, sbom, sbomSig, cosign v1.Hash
}

func seedGraph(t *testing.T, repo name.Repository) graph {
	t.Helper()
	ctx := context.Background()
	var g graph
	var err error
	g.image = mustHash(t, nil, mustSeed(t, repo.Tag("v1").String()))
	g.sbom, err = harness.AttachArtifact(ctx, ref(repo, g.image), sbomType)
	g.sbom = mustHash(t, err, g.sbom)
	g.sbomSig, err = harness.AttachArtifact(ctx, ref(repo, g.sbom), sigType)
	g.sbomSig = mustHash(t, err, g.sbomSig)
	g.cosign, err = harness.AttachCosign(ctx, ref(repo, g.image), ".sig")
	g.cosign = mustHash(t, err, g.cosign)
	return g
}

func mustSeed(t *testing.T, r string) v1.Hash {
	t.Helper()
	h, err := harness.SeedImage(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// TestSyncForms copies an image's referrers between every pair of forms,
// then checks a re-run skips them all and copies only one added later.
func TestSyncForms(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ srcAPI, dstAPI bool }{
		{true, false}, {false, true}, {true, true}, {false, false},
	} {
		t.Run(fmt.Sprintf("api=%v→api=%v", tc.srcAPI, tc.dstAPI), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			src, dst := newSide(t, tc.srcAPI), newSide(t, tc.dstAPI)
			srcRepo, dstRepo := src.repo(t, "app"), dst.repo(t, "mirror/app")
			g := seedGraph(t, srcRepo)
			put := putFunc(src, dst)
			if err := put(ctx, srcRepo.Digest(g.image.String()), dstRepo.Digest(g.image.String())); err != nil {
				t.Fatal(err)
			}
			s := syncer(t, src, dst)
			out, err := s.Sync(ctx, srcRepo, dstRepo, g.image)
			if err != nil {
				t.Fatalf("Sync: %v", err)
			}
			want := map[string]Status{
				g.sbom.String(): StatusCopied, g.sbomSig.String(): StatusCopied,
				g.cosign.String() + CosignTag(srcRepo, g.image, ".sig").TagStr(): StatusCopied,
			}
			if d := cmp.Diff(want, statuses(out)); d != "" {
				t.Errorf("first Sync (-want +got):\n%s", d)
			}
			assertSameReferrers(t, src, dst, srcRepo, dstRepo, g.image)

			later, err := harness.AttachArtifact(ctx, ref(srcRepo, g.image), sigType)
			later = mustHash(t, err, later)
			out, err = syncer(t, src, dst).Sync(ctx, srcRepo, dstRepo, g.image)
			if err != nil {
				t.Fatalf("second Sync: %v", err)
			}
			for k := range want {
				want[k] = StatusSkipped
			}
			want[later.String()] = StatusCopied
			if d := cmp.Diff(want, statuses(out)); d != "" {
				t.Errorf("second Sync (-want +got):\n%s", d)
			}
			assertSameReferrers(t, src, dst, srcRepo, dstRepo, g.image)
		})
	}
}

// assertSameReferrers: the destination lists the source's referrers, in
// its own form, and Compare agrees.
func assertSameReferrers(t *testing.T, src, dst *side, srcRepo, dstRepo name.Repository, image v1.Hash) {
	t.Helper()
	ctx := context.Background()
	a, err := src.finder(t).Find(ctx, srcRepo.Digest(image.String()))
	if err != nil {
		t.Fatal(err)
	}
	b, err := dst.finder(t).Find(ctx, dstRepo.Digest(image.String()))
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(digests(a), digests(b)); d != "" {
		t.Errorf("destination referrers (-src +dst):\n%s", d)
	}
	for _, r := range b {
		if r.Via == ViaCosignTag || (r.Via == ViaAPI) == dst.api {
			continue
		}
		t.Errorf("destination has %s via %s, want its own form (api=%v)", r.Descriptor.Digest, r.Via, dst.api)
	}
	missing, extra, err := Compare(ctx, src.finder(t), dst.finder(t), srcRepo.Digest(image.String()), dstRepo.Digest(image.String()))
	if err != nil || len(missing) != 0 || len(extra) != 0 {
		t.Errorf("Compare = %v, %v, %v; want nothing missing or extra", missing, extra, err)
	}
}

// TestSyncRefused: a destination that answers 405 to manifests with a
// subject fails those items with its answer, fails their own referrers,
// and still copies the cosign tag (no subject).
func TestSyncRefused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	src := newSide(t, true)
	dst := newSide(t, true, harness.WithMiddleware(refuseSubjects))
	srcRepo, dstRepo := src.repo(t, "app"), dst.repo(t, "app")
	g := seedGraph(t, srcRepo)
	if err := putFunc(src, dst)(ctx, srcRepo.Digest(g.image.String()), dstRepo.Digest(g.image.String())); err != nil {
		t.Fatal(err)
	}
	out, err := syncer(t, src, dst).Sync(ctx, srcRepo, dstRepo, g.image)
	if !errors.Is(err, ErrIncomplete) || !errors.Is(err, ErrReferrerRefused) || !errors.Is(err, ErrSubjectNotCopied) {
		t.Errorf("Sync error = %v, want ErrIncomplete wrapping ErrReferrerRefused and ErrSubjectNotCopied", err)
	}
	want := map[string]Status{
		g.sbom.String(): StatusFailed, g.sbomSig.String(): StatusFailed,
		g.cosign.String() + CosignTag(srcRepo, g.image, ".sig").TagStr(): StatusCopied,
	}
	if d := cmp.Diff(want, statuses(out)); d != "" {
		t.Errorf("Sync (-want +got):\n%s", d)
	}
	for _, it := range out.Items {
		if it.Digest == g.sbom && !containsAll(it.Error, "405", "subjects refused") {
			t.Errorf("refused item's error %q lacks the registry's answer", it.Error)
		}
	}
}
