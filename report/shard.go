package report

// ShardInfo says which shard of a partitioned namespace run wrote a report
// (crane-migrate org --shard I/N, or --shards N in an Indexed Job's pod) and
// which repositories, relative to the namespace, it owned: those it listed
// and kept. `report merge` checks a set of shard reports against it.
type ShardInfo struct {
	Index int `json:"index"`
	Count int `json:"count"`
	// Repositories are the owned repositories' names relative to the
	// source namespace, sorted; empty (not absent) when it owned none.
	Repositories []string `json:"repositories"`
}
