package shard

import (
	"fmt"
	"sort"
	"strings"

	"github.com/crane-migrate/crane-migrate/report"
)

// Merge makes one report of the reports of shards 0…N-1 of one run: the
// report the same command run unsharded would have written, with the
// summary recounted, byte and mount counts added up and Seconds the
// longest shard's (they ran side by side). It fails, naming the shard or
// the input, when an index is missing or given twice, when the counts
// differ, or when a shard reports a repository or tag it does not own.
//
// Failures that are not about one repository (the namespace could not be
// listed: every shard says so) are kept once.
func Merge(inputs []Input) (report.Report, error) {
	count, err := checkShards(inputs)
	if err != nil {
		return report.Report{}, err
	}
	var merged report.Report
	seen := map[string]string{} // tag destination → input
	kept := map[string]bool{}   // namespace-level result already kept
	for _, in := range inputs {
		for _, repo := range in.Shard.Repositories {
			if owner := Of(repo, count); owner != in.Shard.Index {
				return report.Report{}, fmt.Errorf("%w: %s (shard %d/%d) reports repository %q, which shard %d/%d owns",
					ErrOverlap, in.Name, in.Shard.Index, count, repo, owner, count)
			}
		}
		for _, res := range in.Report.Results {
			if isTag(res.Destination) {
				if other, dup := seen[res.Destination]; dup {
					return report.Report{}, fmt.Errorf("%w: %s is in %s and in %s", ErrOverlap, res.Destination, other, in.Name)
				}
				seen[res.Destination] = in.Name
			} else {
				key := strings.Join([]string{res.Source, res.Destination, string(res.Status), string(res.Kind), res.Error}, "\x00")
				if kept[key] {
					continue
				}
				kept[key] = true
			}
			merged.Results = append(merged.Results, res)
		}
		merged.Repositories = append(merged.Repositories, in.Report.Repositories...)
		merged.PullPlan = addPlans(merged.PullPlan, in.Report.PullPlan)
	}
	sort.SliceStable(merged.Results, func(i, j int) bool { return merged.Results[i].Destination < merged.Results[j].Destination })
	sort.SliceStable(merged.Repositories, func(i, j int) bool {
		return merged.Repositories[i].Destination < merged.Repositories[j].Destination
	})
	merged.Summary = report.Summarize(merged.Results)
	for _, in := range inputs {
		s := in.Report.Summary
		merged.Summary.Repositories += s.Repositories
		merged.Summary.BytesUploaded += s.BytesUploaded
		merged.Summary.Mounts += s.Mounts
		merged.Summary.Seconds = max(merged.Summary.Seconds, s.Seconds)
	}
	return merged, nil
}

// checkShards returns N once every input is a shard of N and each index
// 0…N-1 came exactly once.
func checkShards(inputs []Input) (int, error) {
	if len(inputs) == 0 {
		return 0, fmt.Errorf("%w: no shard reports given", ErrNoReport)
	}
	for _, in := range inputs {
		if in.Shard == nil {
			return 0, fmt.Errorf("%w: %s has no shard section (was it written by org --shard or --shards?)", ErrNotShard, in.Name)
		}
	}
	first := inputs[0]
	count := first.Shard.Count
	if _, err := New(0, count); err != nil {
		return 0, fmt.Errorf("%s: %w", first.Name, err)
	}
	byIndex := make([]string, count)
	for _, in := range inputs {
		if in.Shard.Count != count {
			return 0, fmt.Errorf("%w: %s is shard %d/%d, %s is of %d", ErrCount, in.Name, in.Shard.Index, in.Shard.Count, first.Name, count)
		}
		if _, err := New(in.Shard.Index, count); err != nil {
			return 0, fmt.Errorf("%s: %w", in.Name, err)
		}
		if prev := byIndex[in.Shard.Index]; prev != "" {
			return 0, fmt.Errorf("%w: shard %d/%d is in %s and in %s (keep the last attempt's)", ErrDuplicate, in.Shard.Index, count, prev, in.Name)
		}
		byIndex[in.Shard.Index] = in.Name
	}
	var missing []string
	for i, name := range byIndex {
		if name == "" {
			missing = append(missing, fmt.Sprintf("%d/%d", i, count))
		}
	}
	if len(missing) > 0 {
		return 0, fmt.Errorf("%w: no report for shard %s", ErrMissing, strings.Join(missing, ", "))
	}
	return count, nil
}

// isTag says dst names a tag or digest, not a repository or namespace.
func isTag(dst string) bool { return report.RepositoryOf(dst) != dst }

// addPlans adds a dry run's pull plans: the pulls needed add up; the quota
// is the one with the fewest pulls left, the latest the source reported.
func addPlans(a, b *report.PullPlan) *report.PullPlan {
	if b == nil {
		return a
	}
	if a == nil {
		c := *b
		return &c
	}
	sum := report.PullPlan{Needed: a.Needed + b.Needed, UnknownIndexes: a.UnknownIndexes + b.UnknownIndexes, Quota: a.Quota}
	if b.Quota != nil && (sum.Quota == nil || b.Quota.Remaining < sum.Quota.Remaining) {
		sum.Quota = b.Quota
	}
	return &sum
}
