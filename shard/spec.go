package shard

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// IndexEnv is the variable Kubernetes sets to a pod's index in an Indexed
// Job (completionMode: Indexed).
const IndexEnv = "JOB_COMPLETION_INDEX"

// MaxCount bounds N: an Indexed Job allows at most 100,000 completions
// (and parallelism up to that); a larger N is a typo, not a plan.
const MaxCount = 100000

// Spec is one shard of a partition: Index of Count. The zero Spec is no
// sharding (Count 0): it owns everything.
type Spec struct {
	Index int `json:"index"`
	Count int `json:"count"`
}

// Parse reads "I/N" (0 ≤ I < N ≤ MaxCount).
func Parse(s string) (Spec, error) {
	i, n, ok := strings.Cut(strings.TrimSpace(s), "/")
	if !ok {
		return Spec{}, fmt.Errorf("%w %q: want INDEX/COUNT, e.g. 0/4", ErrSpec, s)
	}
	index, err1 := strconv.Atoi(i)
	count, err2 := strconv.Atoi(n)
	if err1 != nil || err2 != nil {
		return Spec{}, fmt.Errorf("%w %q: INDEX and COUNT must be integers", ErrSpec, s)
	}
	return New(index, count)
}

// New checks index and count: 0 ≤ index < count ≤ MaxCount.
func New(index, count int) (Spec, error) {
	if count < 1 || count > MaxCount {
		return Spec{}, fmt.Errorf("%w %d/%d: the count must be 1 to %d", ErrSpec, index, count, MaxCount)
	}
	if index < 0 || index >= count {
		return Spec{}, fmt.Errorf("%w %d/%d: the index must be 0 to %d", ErrSpec, index, count, count-1)
	}
	return Spec{Index: index, Count: count}, nil
}

// FromEnv is shard JOB_COMPLETION_INDEX (IndexEnv) of count, as a pod of an
// Indexed Job with count completions finds it.
func FromEnv(count int) (Spec, error) {
	return fromLookup(count, os.LookupEnv)
}

func fromLookup(count int, lookup func(string) (string, bool)) (Spec, error) {
	v, ok := lookup(IndexEnv)
	if !ok || strings.TrimSpace(v) == "" {
		return Spec{}, fmt.Errorf("%w: --shards %d needs --shard I/%d or %s set (as an Indexed Job sets it)", ErrNoIndex, count, count, IndexEnv)
	}
	index, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		return Spec{}, fmt.Errorf("%w: %s=%q is not an integer", ErrSpec, IndexEnv, v)
	}
	return New(index, count)
}

// Sharded says s splits the work (Count > 1 or an explicit 0/1).
func (s Spec) Sharded() bool { return s.Count > 0 }

// Owns says the repository rel (relative to the namespace) is this shard's.
// The zero Spec owns every repository.
func (s Spec) Owns(rel string) bool {
	return !s.Sharded() || Of(rel, s.Count) == s.Index
}

// String is "I/N", as Parse reads it.
func (s Spec) String() string { return fmt.Sprintf("%d/%d", s.Index, s.Count) }

// Filter keeps the repositories of listing that s owns, in listing order.
func (s Spec) Filter(listing []string) []string {
	var out []string
	for _, rel := range listing {
		if s.Owns(rel) {
			out = append(out, rel)
		}
	}
	return out
}
