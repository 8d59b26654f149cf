package harness

import (
	"context"
	"fmt"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// Tag puts the manifest src points at under dstTag as well, so both share one
// digest. In the same repository it is a single manifest PUT; elsewhere the
// image or index is copied (blobs are mounted within one registry).
func Tag(ctx context.Context, src, dstTag string, opts ...SeedOption) error {
	o, err := makeSeedOptions(opts...)
	if err != nil {
		return err
	}
	from, err := name.ParseReference(src)
	if err != nil {
		return fmt.Errorf("parsing reference %q: %w", src, err)
	}
	to, err := name.NewTag(dstTag)
	if err != nil {
		return fmt.Errorf("parsing tag %q: %w", dstTag, err)
	}
	desc, err := remote.Get(from, o.remote(ctx)...)
	if err != nil {
		return fmt.Errorf("getting %s: %w", src, err)
	}
	if from.Context() == to.Context() {
		err = remote.Tag(to, desc, o.remote(ctx)...)
	} else if desc.MediaType.IsIndex() {
		err = copyIndex(ctx, desc, to, o)
	} else {
		err = copyImage(ctx, desc, to, o)
	}
	if err != nil {
		return fmt.Errorf("tagging %s as %s: %w", src, dstTag, err)
	}
	return nil
}

func copyIndex(ctx context.Context, desc *remote.Descriptor, to name.Tag, o *seedOptions) error {
	idx, err := desc.ImageIndex()
	if err != nil {
		return err
	}
	return remote.WriteIndex(to, idx, o.remote(ctx)...)
}

func copyImage(ctx context.Context, desc *remote.Descriptor, to name.Tag, o *seedOptions) error {
	img, err := desc.Image()
	if err != nil {
		return err
	}
	return remote.Write(to, img, o.remote(ctx)...)
}
