package shard

import (
	"crypto/sha256"
	"encoding/binary"
)

// Of is the shard, in [0, n), that owns the repository rel: its name
// relative to the namespace being migrated ("app" or "team/app", as the
// namespace's listing gives it). n must be at least 1.
//
// The hash is SHA-256's first 8 bytes, big-endian, modulo n. It is part of
// the contract between shards, and between a shard's report and Merge: a
// different function would move repositories between shards, so changing it
// needs every shard to be re-run (TestOfIsPinned holds it still).
func Of(rel string, n int) int {
	if n <= 1 {
		return 0
	}
	sum := sha256.Sum256([]byte(rel))
	return int(binary.BigEndian.Uint64(sum[:8]) % uint64(n))
}
