package harness

import (
	"context"
	"fmt"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// SeedImage pushes a small random single-platform image to ref and returns
// its digest.
func SeedImage(ctx context.Context, ref string, opts ...SeedOption) (v1.Hash, error) {
	o, err := makeSeedOptions(opts...)
	if err != nil {
		return v1.Hash{}, err
	}
	img, err := newImage(o, o.platform, o.mediaType)
	if err != nil {
		return v1.Hash{}, fmt.Errorf("seeding %s: %w", ref, err)
	}
	return push(ctx, ref, img, o)
}

// SeedIndex pushes to ref an index of mediaType (types.OCIImageIndex or
// types.DockerManifestList) with one small random image per platform, each
// carrying its platform in its config and its descriptor, and returns the
// index's digest. Children are OCI manifests in an OCI index and Docker
// schema 2 manifests in a Docker list.
func SeedIndex(ctx context.Context, ref string, platforms []v1.Platform, mediaType types.MediaType, opts ...SeedOption) (v1.Hash, error) {
	o, err := makeSeedOptions(opts...)
	if err != nil {
		return v1.Hash{}, err
	}
	childType, ok := childTypes[mediaType]
	if !ok {
		return v1.Hash{}, fmt.Errorf("seeding %s: %q is not an index media type", ref, mediaType)
	}
	if len(platforms) == 0 {
		return v1.Hash{}, fmt.Errorf("seeding %s: no platforms", ref)
	}
	adds, err := children(o, platforms, childType)
	if err != nil {
		return v1.Hash{}, fmt.Errorf("seeding %s: %w", ref, err)
	}
	idx := mutate.AppendManifests(mutate.IndexMediaType(empty.Index, mediaType), adds...)
	return push(ctx, ref, idx, o)
}

// childTypes maps an index media type to its children's.
var childTypes = map[types.MediaType]types.MediaType{
	types.OCIImageIndex:      types.OCIManifestSchema1,
	types.DockerManifestList: types.DockerManifestSchema2,
}

func children(o *seedOptions, platforms []v1.Platform, childType types.MediaType) ([]mutate.IndexAddendum, error) {
	var adds []mutate.IndexAddendum
	for _, p := range platforms {
		img, err := newImage(o, p, childType)
		if err != nil {
			return nil, err
		}
		adds = append(adds, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{Platform: &p}})
	}
	if o.attestation {
		att, err := attestationFor(adds[0].Add.(v1.Image))
		if err != nil {
			return nil, err
		}
		adds = append(adds, att)
	}
	return adds, nil
}

// newImage is one random layer (on the shared base, if any) with platform p
// in its config.
func newImage(o *seedOptions, p v1.Platform, mt types.MediaType) (v1.Image, error) {
	layerType, configType := types.DockerLayer, types.DockerConfigJSON
	if mt == types.OCIManifestSchema1 {
		layerType, configType = types.OCILayer, types.OCIConfigJSON
	}
	top, err := random.Layer(o.layerSize, layerType)
	if err != nil {
		return nil, err
	}
	layers := []v1.Layer{top}
	if o.base != nil {
		layers = []v1.Layer{o.base, top}
	}
	img, err := mutate.AppendLayers(mutate.ConfigMediaType(mutate.MediaType(empty.Image, mt), configType), layers...)
	if err != nil {
		return nil, err
	}
	return withPlatform(img, p)
}

func withPlatform(img v1.Image, p v1.Platform) (v1.Image, error) {
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture, cf.Variant, cf.OSVersion = p.OS, p.Architecture, p.Variant, p.OSVersion
	return mutate.ConfigFile(img, cf)
}

// push writes an image or an index and returns its digest.
func push(ctx context.Context, ref string, t remote.Taggable, o *seedOptions) (v1.Hash, error) {
	r, err := name.ParseReference(ref)
	if err != nil {
		return v1.Hash{}, fmt.Errorf("parsing reference %q: %w", ref, err)
	}
	var d v1.Hash
	switch t := t.(type) {
	case v1.ImageIndex:
		if d, err = t.Digest(); err == nil {
			err = remote.WriteIndex(r, t, o.remote(ctx)...)
		}
	case v1.Image:
		if d, err = t.Digest(); err == nil {
			err = remote.Write(r, t, o.remote(ctx)...)
		}
	}
	if err != nil {
		return v1.Hash{}, fmt.Errorf("pushing %s: %w", ref, err)
	}
	return d, nil
}
