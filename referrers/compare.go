package referrers

import (
	"context"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// Compare finds the referrers of srcSubject on src and of dstSubject on
// dst and compares their sets of digests, whatever form each side stores
// them in: missing are on src only, extra on dst only. A cosign tag is
// compared by the digest it points at, so a re-signed image whose .sig was
// not copied again shows up as one missing and one extra.
func Compare(ctx context.Context, src, dst *Finder, srcSubject, dstSubject name.Digest) (missing, extra []Referrer, err error) {
	a, err := src.Find(ctx, srcSubject)
	if err != nil {
		return nil, nil, err
	}
	b, err := dst.Find(ctx, dstSubject)
	if err != nil {
		return nil, nil, err
	}
	return difference(a, b), difference(b, a), nil
}

// difference is the referrers of a whose digest b lacks, one per digest.
func difference(a, b []Referrer) []Referrer {
	inB := make(map[v1.Hash]bool, len(b))
	for _, r := range b {
		inB[r.Descriptor.Digest] = true
	}
	var out []Referrer
	for _, r := range a {
		if !inB[r.Descriptor.Digest] {
			inB[r.Descriptor.Digest] = true
			out = append(out, r)
		}
	}
	return out
}
