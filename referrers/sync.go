package referrers

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// PutFunc copies one manifest from the source to the destination by
// digest, with its blobs, and its children if it is an index. The copy
// engine supplies it, so referrers travel the same push path as images.
type PutFunc func(ctx context.Context, src name.Digest, dst name.Digest) error

// Status is what Sync did with one referrer.
type Status string

// The statuses of an Item.
const (
	StatusFound   Status = "found"   // Plan: missing at the destination
	StatusCopied  Status = "copied"  // Sync: written to the destination
	StatusSkipped Status = "skipped" // already at the destination
	StatusFailed  Status = "failed"  // Error says why
)

// Item is one referrer's line in a report.
type Item struct {
	Digest       v1.Hash
	Subject      v1.Hash
	ArtifactType string
	Via          Via
	Tag          string
	Depth        int
	Status       Status
	Error        string
}

// Outcome is what Sync or Plan did for one subject, in depth order.
type Outcome struct {
	Items []Item
}

// Count returns how many items have status s.
func (o Outcome) Count(s Status) int {
	n := 0
	for _, it := range o.Items {
		if it.Status == s {
			n++
		}
	}
	return n
}

// Syncer copies what is attached to images from one side to the other.
type Syncer struct {
	src *Finder
	dst *Index
	put PutFunc
}

// NewSyncer returns a Syncer finding referrers with src, writing them
// with put and keeping them attached with dst.
func NewSyncer(src *Finder, dst *Index, put PutFunc) (*Syncer, error) {
	if src == nil || dst == nil || put == nil {
		return nil, errors.New("referrers: NewSyncer needs a finder, an index and a put function")
	}
	return &Syncer{src: src, dst: dst, put: put}, nil
}

// Sync copies to dstRepo every referrer of subject in srcRepo that the
// destination lacks, after subject (the caller copies it first) and in
// depth order, so a referrer never arrives before what it refers to. What
// the destination has, in whatever form, is skipped. A referrer that fails
// does not stop the others (its own referrers fail with
// ErrSubjectNotCopied); the error then wraps ErrIncomplete.
func (s *Syncer) Sync(ctx context.Context, srcRepo, dstRepo name.Repository, subject v1.Hash) (Outcome, error) {
	return s.run(ctx, srcRepo, dstRepo, subject, nil, false)
}

// Plan is Sync without writing: missing referrers are StatusFound.
func (s *Syncer) Plan(ctx context.Context, srcRepo, dstRepo name.Repository, subject v1.Hash) (Outcome, error) {
	return s.run(ctx, srcRepo, dstRepo, subject, nil, true)
}

// SyncWithTags is Sync for a caller that listed srcRepo whole: tags is
// that listing, and the source's fallback and cosign tags are looked for
// in it (FindWithTags) instead of asked for. dry plans only.
func (s *Syncer) SyncWithTags(ctx context.Context, srcRepo, dstRepo name.Repository, subject v1.Hash, tags []string, dry bool) (Outcome, error) {
	return s.run(ctx, srcRepo, dstRepo, subject, tags, dry)
}

func (s *Syncer) run(ctx context.Context, srcRepo, dstRepo name.Repository, subject v1.Hash, tags []string, dry bool) (Outcome, error) {
	find := s.src.Find
	if tags != nil {
		find = func(ctx context.Context, d name.Digest) ([]Referrer, error) { return s.src.FindWithTags(ctx, d, tags) }
	}
	want, err := find(ctx, srcRepo.Digest(subject.String()))
	if err != nil {
		return Outcome{}, err
	}
	if len(want) == 0 {
		return Outcome{}, nil
	}
	have, err := s.dst.finder.Find(ctx, dstRepo.Digest(subject.String()))
	if err != nil {
		return Outcome{}, err
	}
	present := presence(have)
	failed := map[v1.Hash]bool{}
	var out Outcome
	var errs []error
	for _, r := range want {
		it := Item{Digest: r.Descriptor.Digest, Subject: r.Subject, ArtifactType: r.Descriptor.ArtifactType,
			Via: r.Via, Tag: r.Tag, Depth: r.Depth}
		switch {
		case present[key(r)]:
			it.Status = StatusSkipped
		case dry:
			it.Status = StatusFound
		default:
			if err := s.copyOne(ctx, srcRepo, dstRepo, r, failed); err != nil {
				failed[r.Descriptor.Digest] = true
				it.Status, it.Error = StatusFailed, err.Error()
				errs = append(errs, err)
				break
			}
			it.Status = StatusCopied
			present[key(r)] = true
		}
		out.Items = append(out.Items, it)
	}
	if len(errs) > 0 {
		return out, fmt.Errorf("%w: %w", ErrIncomplete, errors.Join(errs...))
	}
	return out, nil
}

// presenceKey identifies a referrer at the destination: its digest, plus
// the tag for a cosign tag, which must point at that digest.
type presenceKey struct {
	digest v1.Hash
	tag    string
}

func key(r Referrer) presenceKey { return presenceKey{r.Descriptor.Digest, r.Tag} }

// presence is the set of what the destination already has. A referrer
// listed (API or fallback tag) counts whatever form the source used.
func presence(have []Referrer) map[presenceKey]bool {
	set := make(map[presenceKey]bool, len(have))
	for _, r := range have {
		set[key(r)] = true
	}
	return set
}

// copyOne writes one referrer, under its subject's lock at the destination.
func (s *Syncer) copyOne(ctx context.Context, srcRepo, dstRepo name.Repository, r Referrer, failed map[v1.Hash]bool) error {
	if failed[r.Subject] {
		return fmt.Errorf("referrer %s of %s: %w", r.Descriptor.Digest, r.Subject, ErrSubjectNotCopied)
	}
	src := srcRepo.Digest(r.Descriptor.Digest.String())
	dst := dstRepo.Digest(r.Descriptor.Digest.String())
	put := func(ctx context.Context) error { return refused(s.put(ctx, src, dst)) }
	var desc *v1.Descriptor
	if r.Via == ViaCosignTag {
		put = func(ctx context.Context) error {
			if err := refused(s.put(ctx, src, dst)); err != nil {
				return err
			}
			return s.dst.Tag(ctx, dstRepo.Tag(r.Tag), dst)
		}
	} else {
		d := r.Descriptor
		desc = &d
	}
	if err := s.dst.attach(ctx, dstRepo.Digest(r.Subject.String()), desc, put); err != nil {
		return fmt.Errorf("copying referrer %s of %s: %w", r.Descriptor.Digest, r.Subject, err)
	}
	return nil
}

// refused marks a registry's refusal of a manifest (a 4xx other than auth
// and rate limiting) with ErrReferrerRefused, keeping its answer.
func refused(err error) error {
	var terr *transport.Error
	if !errors.As(err, &terr) || terr.StatusCode < 400 || terr.StatusCode >= 500 {
		return err
	}
	switch terr.StatusCode {
	case http.StatusUnauthorized, http.StatusTooManyRequests, http.StatusNotFound:
		return err
	}
	return fmt.Errorf("%w (HTTP %d): %w", ErrReferrerRefused, terr.StatusCode, err)
}
