package shard

import (
	"slices"

	"github.com/crane-migrate/crane-migrate/report"
)

// Info is the report's record of this shard having owned repos (names
// relative to the namespace), or nil for an unsharded run.
func (s Spec) Info(repos []string) *report.ShardInfo {
	if !s.Sharded() {
		return nil
	}
	owned := append([]string{}, repos...)
	slices.Sort(owned)
	return &report.ShardInfo{Index: s.Index, Count: s.Count, Repositories: slices.Compact(owned)}
}
