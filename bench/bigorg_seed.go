package main

import (
	"context"
	"fmt"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"golang.org/x/sync/errgroup"
)

// seedBigorg fills host/bigorg with repos repositories of tags tags each.
// Every tag is its own manifest (an annotation names it), all over the same
// two small blobs: the first tag of a repository carries the blobs, the
// others are one manifest PUT each, as scale_seed.go does, so thousands of
// tags take seconds.
func seedBigorg(ctx context.Context, host string, repos, tags int) error {
	p, err := remote.NewPusher()
	if err != nil {
		return err
	}
	base, err := random.Image(256, 1)
	if err != nil {
		return err
	}
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(seedWorkers)
	for r := range repos {
		g.Go(func() error {
			for i := range tags {
				img, ok := mutate.Annotations(base, map[string]string{"org.example.bench.tag": fmt.Sprintf("app%04d:t%d", r, i)}).(v1.Image)
				if !ok {
					return fmt.Errorf("annotating an image gave no image")
				}
				write := p.Put
				if i == 0 {
					write = p.Push
				}
				if err := push(ctx, p, fmt.Sprintf("%s/%s/app%04d:t%d", host, bigorgNS, r, i), img, write); err != nil {
					return err
				}
			}
			return nil
		})
	}
	return g.Wait()
}
