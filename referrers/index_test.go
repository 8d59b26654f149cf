package referrers

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/crane-migrate/crane-migrate/e2e/harness"
	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// concurrency is how many goroutines attach to one subject at once.
const concurrency = 12

// TestIndexConcurrentAttach: many goroutines copying referrers of one
// subject to a destination without the API (go-containerregistry's own
// fallback update runs inside each put) all end up in the fallback tag.
func TestIndexConcurrentAttach(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	src, dst := newSide(t, true), newSide(t, false)
	srcRepo, dstRepo := src.repo(t, "app"), dst.repo(t, "app")
	image := mustSeed(t, srcRepo.Tag("v1").String())
	put := putFunc(src, dst)
	if err := put(ctx, srcRepo.Digest(image.String()), dstRepo.Digest(image.String())); err != nil {
		t.Fatal(err)
	}
	for range concurrency {
		_, err := harness.AttachArtifact(ctx, ref(srcRepo, image), sigType)
		mustHash(t, err, v1.Hash{})
	}
	refs, err := src.finder(t).Find(ctx, srcRepo.Digest(image.String()))
	if err != nil || len(refs) != concurrency {
		t.Fatalf("source Find = %d referrers, %v", len(refs), err)
	}
	x := dst.index(t)
	var wg sync.WaitGroup
	errs := make([]error, len(refs))
	for i, r := range refs {
		wg.Go(func() {
			d := r.Descriptor.Digest.String()
			errs[i] = x.Attach(ctx, dstRepo.Digest(image.String()), r.Descriptor, func(ctx context.Context) error {
				return put(ctx, srcRepo.Digest(d), dstRepo.Digest(d))
			})
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	got, err := dst.finder(t).Find(ctx, dstRepo.Digest(image.String()))
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(digests(refs), digests(got)); d != "" {
		t.Errorf("fallback tag after concurrent attaches (-want +got):\n%s", d)
	}
}

// TestIndexAddMerges: Add keeps what the fallback tag already lists (here
// written by go-containerregistry), and concurrent Adds all survive.
func TestIndexAddMerges(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newSide(t, false)
	repo := s.repo(t, "app")
	image := mustSeed(t, repo.Tag("v1").String())
	existing, err := harness.AttachArtifact(ctx, ref(repo, image), sbomType)
	existing = mustHash(t, err, existing)
	// distribution 2.8 refuses an index listing manifests it lacks: the
	// artifacts to add are pushed first, attached to another image.
	other := mustSeed(t, repo.Tag("other").String())
	for range concurrency {
		_, err := harness.AttachArtifact(ctx, ref(repo, other), sigType)
		mustHash(t, err, v1.Hash{})
	}
	adds, err := s.finder(t).Find(ctx, repo.Digest(other.String()))
	if err != nil || len(adds) != concurrency {
		t.Fatalf("Find(other) = %d referrers, %v", len(adds), err)
	}
	want := append(digests(adds), existing.String())
	x := s.index(t)
	var wg sync.WaitGroup
	errs := make([]error, concurrency)
	for i, r := range adds {
		wg.Go(func() { errs[i] = x.Add(ctx, repo.Digest(image.String()), r.Descriptor) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	got, err := s.finder(t, WithMaxDepth(1)).Find(ctx, repo.Digest(image.String()))
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(sortedStrings(want), digests(got)); d != "" {
		t.Errorf("fallback tag (-want +got):\n%s", d)
	}
}

// TestIndexRefusesForeignTag: a fallback tag holding an image is left
// alone.
func TestIndexRefusesForeignTag(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newSide(t, false)
	repo := s.repo(t, "app")
	image := mustSeed(t, repo.Tag("v1").String())
	mustSeed(t, FallbackTag(repo, image).String())
	err := s.index(t).Add(ctx, repo.Digest(image.String()), v1.Descriptor{Digest: image})
	if !errors.Is(err, ErrFallbackNotIndex) {
		t.Errorf("Add = %v, want ErrFallbackNotIndex", err)
	}
	if got, err := s.finder(t).Find(ctx, repo.Digest(image.String())); err != nil || len(got) != 0 {
		t.Errorf("Find = %v, %v; want the foreign tag ignored", got, err)
	}
}

// TestCompareDetectsDeletion: a referrer deleted at the destination is
// missing there, whatever form the source keeps it in.
func TestCompareDetectsDeletion(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	src, dst := newSide(t, false), newSide(t, true)
	srcRepo, dstRepo := src.repo(t, "app"), dst.repo(t, "app")
	g := seedGraph(t, srcRepo)
	if err := putFunc(src, dst)(ctx, srcRepo.Digest(g.image.String()), dstRepo.Digest(g.image.String())); err != nil {
		t.Fatal(err)
	}
	if _, err := syncer(t, src, dst).Sync(ctx, srcRepo, dstRepo, g.image); err != nil {
		t.Fatal(err)
	}
	if err := dst.pusher.Delete(ctx, dstRepo.Digest(g.sbomSig.String())); err != nil {
		t.Fatal(err)
	}
	missing, extra, err := Compare(ctx, src.finder(t), dst.finder(t), srcRepo.Digest(g.image.String()), dstRepo.Digest(g.image.String()))
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{g.sbomSig.String()}, digests(missing)); d != "" || len(extra) != 0 {
		t.Errorf("Compare missing (-want +got):\n%s\nextra: %v", d, extra)
	}
}
