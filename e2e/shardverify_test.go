package e2e

import (
	"fmt"
	"testing"

	"github.com/crane-migrate/crane-migrate/e2e/harness"
)

// TestShardedVerify: verify --org --shard I/N checks only its shard's
// repositories, and the shards together check every tag once.
func TestShardedVerify(t *testing.T) {
	t.Parallel()
	src, dst := harness.MustStartRegistry(t), harness.MustStartRegistry(t)
	const repos = 8
	for i := range repos {
		seedImage(t, fmt.Sprintf("%s/oldorg/app%d:v1", src.Host(), i))
	}
	s, d := src.Host()+"/oldorg", dst.Host()+"/neworg"
	cli(t, nil, "org", s, d).expect(t, 0)
	seen := map[string]int{}
	for i := range 2 {
		r := cli(t, []string{fmt.Sprintf("JOB_COMPLETION_INDEX=%d", i)}, "verify", "--org", s, d, "--shards", "2").expect(t, 0)
		if r.report.Shard == nil || r.report.Shard.Index != i {
			t.Fatalf("shard %d: report shard %+v", i, r.report.Shard)
		}
		for dst := range r.statuses() {
			seen[dst]++
		}
	}
	if len(seen) != repos {
		t.Errorf("the shards verified %d tags, want %d: %v", len(seen), repos, seen)
	}
	for tag, n := range seen {
		if n != 1 {
			t.Errorf("%s verified by %d shards", tag, n)
		}
	}
	cli(t, nil, "verify", s+"/app0", d+"/app0", "--shard", "0/2").expect(t, 2)
}
