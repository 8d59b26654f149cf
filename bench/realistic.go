package main

import (
	"context"
	"fmt"
	"slices"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// A realistic image (issue 16) has 8 layers: three base layers that every
// image on the same base shares (an OS, a runtime, its libraries) and five
// of its own, from a configuration file to a binary. Sizes are of the
// random file in each layer; random data does not compress, so a layer's
// blob is about as large. Images are single-platform: a multi-arch index
// of such images would only double the bytes.
var (
	baseLayerSizes = []int64{3 << 20, 256 << 10, 32 << 10}
	ownLayerSizes  = []int64{1 << 10, 8 << 10, 64 << 10, 512 << 10, 2 << 20}
)

// realisticBases is how many different bases the images are built on.
const realisticBases = 2

// realisticSeeder builds and pushes 8-layer images over shared bases.
type realisticSeeder struct {
	bases [][]v1.Layer
	n     int // images built so far; picks the base
}

func newRealisticSeeder() (*realisticSeeder, error) {
	s := &realisticSeeder{}
	for range realisticBases {
		var base []v1.Layer
		for _, n := range baseLayerSizes {
			l, err := random.Layer(n, types.DockerLayer)
			if err != nil {
				return nil, err
			}
			base = append(base, l)
		}
		s.bases = append(s.bases, base)
	}
	return s, nil
}

// seed pushes a new image to ref.
func (s *realisticSeeder) seed(ctx context.Context, ref string) error {
	layers := slices.Clone(s.bases[s.n%len(s.bases)])
	s.n++
	for _, n := range ownLayerSizes {
		l, err := random.Layer(n, types.DockerLayer)
		if err != nil {
			return err
		}
		layers = append(layers, l)
	}
	img, err := mutate.AppendLayers(empty.Image, layers...)
	if err != nil {
		return err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return err
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = "linux", "amd64"
	if img, err = mutate.ConfigFile(img, cf); err != nil {
		return err
	}
	t, err := name.NewTag(ref)
	if err != nil {
		return fmt.Errorf("parsing tag %q: %w", ref, err)
	}
	if err := remote.Write(t, img, remote.WithContext(ctx)); err != nil {
		return fmt.Errorf("pushing %s: %w", ref, err)
	}
	return nil
}

// layersText describes the scenario's images for the table's heading.
func layersText(c config) string {
	if !c.realistic {
		return fmt.Sprintf("shared base layer, own layer of %s", size(c.layer))
	}
	return fmt.Sprintf("%d-layer images: %d base layers (%s; %d bases shared by all images) and %d own (%s)",
		len(baseLayerSizes)+len(ownLayerSizes), len(baseLayerSizes), sizes(baseLayerSizes), realisticBases,
		len(ownLayerSizes), sizes(ownLayerSizes))
}

func sizes(ns []int64) string {
	s := ""
	for i, n := range ns {
		if i > 0 {
			s += ", "
		}
		s += size(n)
	}
	return s
}

func size(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d B", n)
}
