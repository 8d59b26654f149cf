package referrers

import (
	"context"
	"net/http"
	"sort"
	"sync/atomic"
	"testing"

	"github.com/crane-migrate/crane-migrate/e2e/harness"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// Artifact types the tests attach.
const (
	sbomType = "application/spdx+json"
	sigType  = "application/vnd.example.signature.v1+json"
)

// side is one registry with the clients a Finder, an Index and a PutFunc
// need, counting the requests its puller sends.
type side struct {
	host     string
	api      bool
	requests atomic.Int64
	puller   *remote.Puller
	pusher   *remote.Pusher
}

// newSide starts go-containerregistry's registry with the referrers API
// (api) or the real distribution registry, which has none.
func newSide(t *testing.T, api bool, opts ...harness.GGCROption) *side {
	t.Helper()
	s := &side{api: api}
	if api {
		s.host = harness.MustStartGGCRRegistry(t, true, opts...).Host()
	} else {
		s.host = harness.MustStartRegistry(t).Host()
	}
	rt := countingTransport{next: remote.DefaultTransport, n: &s.requests}
	var err error
	if s.puller, err = remote.NewPuller(remote.WithTransport(rt)); err != nil {
		t.Fatal(err)
	}
	if s.pusher, err = remote.NewPusher(); err != nil {
		t.Fatal(err)
	}
	return s
}

func (s *side) repo(t *testing.T, r string) name.Repository {
	t.Helper()
	repo, err := name.NewRepository(s.host + "/" + r)
	if err != nil {
		t.Fatal(err)
	}
	return repo
}

func (s *side) finder(t *testing.T, opts ...Option) *Finder {
	t.Helper()
	f, err := NewFinder(s.puller, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (s *side) index(t *testing.T) *Index {
	t.Helper()
	x, err := NewIndex(s.finder(t), s.pusher)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// countingTransport counts the requests it sends.
type countingTransport struct {
	next http.RoundTripper
	n    *atomic.Int64
}

func (c countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.next.RoundTrip(r)
}

// putFunc copies by digest with go-containerregistry: the source's
// manifest and blobs, pushed to the destination.
func putFunc(src *side, dst *side) PutFunc {
	return func(ctx context.Context, s, d name.Digest) error {
		desc, err := src.puller.Get(ctx, s)
		if err != nil {
			return err
		}
		return dst.pusher.Push(ctx, d, desc)
	}
}

func syncer(t *testing.T, src, dst *side, opts ...Option) *Syncer {
	t.Helper()
	s, err := NewSyncer(src.finder(t, opts...), dst.index(t), putFunc(src, dst))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustHash(t *testing.T, err error, h v1.Hash) v1.Hash {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// ref is "host/repo@digest".
func ref(repo name.Repository, h v1.Hash) string { return repo.Digest(h.String()).String() }

// digests is the sorted set of referrer digests.
func digests(rs []Referrer) []string {
	set := map[string]bool{}
	for _, r := range rs {
		set[r.Descriptor.Digest.String()] = true
	}
	var out []string
	for d := range set {
		out = append(out, d)
	}
	sort.Strings(out)
	return out
}

func statuses(o Outcome) map[string]Status {
	m := map[string]Status{}
	for _, it := range o.Items {
		m[it.Digest.String()+it.Tag] = it.Status
	}
	return m
}

func sortedStrings(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}
