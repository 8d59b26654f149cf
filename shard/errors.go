package shard

import "errors"

// Errors callers branch on with errors.Is; each comes wrapped with the
// input that caused it.
var (
	// ErrSpec is a malformed shard: not I/N with 0 ≤ I < N.
	ErrSpec = errors.New("invalid shard")
	// ErrNoIndex is --shards without a JOB_COMPLETION_INDEX to take I from.
	ErrNoIndex = errors.New("no shard index")
	// ErrNotShard is a report that says no shard wrote it.
	ErrNotShard = errors.New("not a shard report")
	// ErrMissing is a shard index for which no report was given.
	ErrMissing = errors.New("shard missing")
	// ErrDuplicate is a shard index given twice.
	ErrDuplicate = errors.New("shard given twice")
	// ErrCount is reports of runs with different shard counts.
	ErrCount = errors.New("shard counts differ")
	// ErrOverlap is a repository (or tag) that two shards both handled, or
	// one that the shard it came from does not own: the runs did not use the
	// same partition.
	ErrOverlap = errors.New("shards overlap")
	// ErrNoReport is an input holding no report.
	ErrNoReport = errors.New("no report")
)
