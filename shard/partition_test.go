package shard

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// names is a namespace's worth of repository names, nested ones included.
func names(n int, seed uint64) []string {
	return prefixed("", n, seed)
}

func prefixed(prefix string, n int, seed uint64) []string {
	r := rand.New(rand.NewPCG(seed, 1))
	out := make([]string, n)
	for i := range out {
		switch r.IntN(3) {
		case 0:
			out[i] = fmt.Sprintf("%sapp-%d", prefix, i)
		case 1:
			out[i] = fmt.Sprintf("%steam-%d/svc-%x", prefix, r.IntN(50), r.Uint32())
		default:
			out[i] = fmt.Sprintf("%sr%x", prefix, r.Uint64())
		}
	}
	return out
}

var counts = []int{1, 2, 3, 4, 5, 7, 8, 13, 16, 31, 64, 100, 1000}

func TestEveryRepositoryInExactlyOneShard(t *testing.T) {
	repos := names(3000, 1)
	for _, n := range counts {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			owners := map[string]int{}
			for i := range n {
				s, err := New(i, n)
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range s.Filter(repos) {
					owners[r]++
				}
			}
			for _, r := range repos {
				if owners[r] != 1 {
					t.Fatalf("%q is owned by %d of %d shards, want 1", r, owners[r], n)
				}
			}
		})
	}
}

func TestAssignmentIgnoresOrderAndOtherRepositories(t *testing.T) {
	repos := names(1000, 2)
	for _, n := range counts {
		for i := range min(n, 8) {
			s := Spec{Index: i, Count: n}
			want := s.Filter(repos)
			// The listing in another order (another page size, another
			// registry's sort), with repositories created since.
			other := append(slices.Clone(repos), prefixed("new-", 500, 3)...)
			rand.New(rand.NewPCG(uint64(n), uint64(i))).Shuffle(len(other), func(a, b int) { other[a], other[b] = other[b], other[a] })
			var got []string
			for _, r := range s.Filter(other) {
				if slices.Contains(repos, r) {
					got = append(got, r)
				}
			}
			slices.Sort(want)
			slices.Sort(got)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("shard %v owns other repositories once the listing changed (-before +after):\n%s", s, diff)
			}
		}
	}
}

// TestOfIsPinned holds the hash still: shards of two versions must agree.
func TestOfIsPinned(t *testing.T) {
	for _, tc := range []struct {
		rel        string
		n2, n4, n7 int
	}{
		{"app", 1, 3, 2},
		{"api", 1, 1, 5},
		{"team/web", 0, 0, 6},
		{"library/nginx", 0, 0, 1},
		{"a", 0, 2, 4},
		{"repo-0", 1, 1, 1},
		{"repo-1", 0, 2, 2},
		{"repo-2", 1, 1, 6},
	} {
		got := [3]int{Of(tc.rel, 2), Of(tc.rel, 4), Of(tc.rel, 7)}
		if want := [3]int{tc.n2, tc.n4, tc.n7}; got != want {
			t.Errorf("Of(%q, 2/4/7) = %v, want %v", tc.rel, got, want)
		}
	}
}

// TestShardsAreBalanced: a hash, not a range of names, so no shard gets
// all of a team's repositories (Harbor users shard by first letter).
func TestShardsAreBalanced(t *testing.T) {
	repos := names(16000, 4)
	for _, n := range []int{2, 4, 8, 16} {
		sizes := make([]int, n)
		for _, r := range repos {
			sizes[Of(r, n)]++
		}
		mean := len(repos) / n
		for i, got := range sizes {
			if got < mean*85/100 || got > mean*115/100 {
				t.Errorf("N=%d: shard %d has %d repositories, mean %d", n, i, got, mean)
			}
		}
	}
}

func TestZeroSpecOwnsEverything(t *testing.T) {
	repos := names(100, 5)
	if got := (Spec{}).Filter(repos); len(got) != len(repos) {
		t.Errorf("the zero Spec owns %d of %d", len(got), len(repos))
	}
	if (Spec{}).Info(repos) != nil {
		t.Error("the zero Spec reports a shard section")
	}
}
