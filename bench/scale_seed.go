package main

import (
	"context"
	"fmt"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"golang.org/x/sync/errgroup"
)

const (
	// seedWorkers is the pushes in flight while seeding: enough to keep a
	// local registry busy on two cores without drowning it.
	seedWorkers = 16
	// manyDigests is how many distinct images the big repository's tags
	// share, so that its plan also sees tags with the same digest.
	manyDigests = 5
	// scaleNS is the seeded source namespace.
	scaleNS = "bigorg"
	// manyRepo is the repository with the many tags; it sorts after the
	// app repositories, so it is listed last.
	manyRepo = "many"
)

// seedScale fills host/bigorg with repos repositories holding one tag each
// (all the same tiny image) and bigorg/many with tags tags over manyDigests
// images. Only the first push into a repository carries blobs; the big
// repository's other tags are one manifest PUT each, which is what keeps
// 10,000 tags down to seconds.
func seedScale(ctx context.Context, host string, repos, tags int) error {
	p, err := remote.NewPusher()
	if err != nil {
		return err
	}
	app, err := random.Image(256, 1)
	if err != nil {
		return err
	}
	imgs := make([]v1.Image, manyDigests)
	for i := range imgs {
		if imgs[i], err = random.Image(256, 1); err != nil {
			return err
		}
	}
	// The blobs must be in bigorg/many before any manifest PUT refers to them.
	for i := range min(tags, manyDigests) {
		if err := push(ctx, p, manyTag(host, i), imgs[i], p.Push); err != nil {
			return err
		}
	}
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(seedWorkers)
	for r := range repos {
		g.Go(func() error { return push(ctx, p, fmt.Sprintf("%s/%s/app%04d:latest", host, scaleNS, r), app, p.Push) })
	}
	for i := manyDigests; i < tags; i++ {
		g.Go(func() error { return push(ctx, p, manyTag(host, i), imgs[i%manyDigests], p.Put) })
	}
	return g.Wait()
}

func manyTag(host string, i int) string {
	return fmt.Sprintf("%s/%s/%s:t%05d", host, scaleNS, manyRepo, i)
}

// push writes img to ref with write: Pusher.Push sends missing blobs first,
// Pusher.Put only the manifest.
func push(ctx context.Context, p *remote.Pusher, ref string, img v1.Image,
	write func(context.Context, name.Reference, remote.Taggable) error) error {
	r, err := name.NewTag(ref)
	if err != nil {
		return fmt.Errorf("parsing tag %q: %w", ref, err)
	}
	if err := write(ctx, r, img); err != nil {
		return fmt.Errorf("pushing %s: %w", ref, err)
	}
	return nil
}
