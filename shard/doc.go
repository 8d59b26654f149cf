// Package shard splits a namespace migration across N runs and puts their
// reports back together.
//
// Of assigns each repository to one of N shards by a hash of its name
// relative to the namespace ("team/app" in registry.example.com/org): the
// answer depends on that name and N only — not on listing order, page
// boundaries, the other repositories, or which shard asks — so N runs of the
// same command, each keeping the repositories its Spec Owns, cover every
// repository exactly once. Merge checks that a set of shard reports is
// complete (each index 0…N-1 once) and consistent, and makes one report of
// them.
//
// It is no scheduler: Kubernetes' Indexed Jobs (package job) run the shards
// and retry each on its own; this package only says who owns what.
package shard
