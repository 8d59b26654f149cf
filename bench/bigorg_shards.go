package main

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/crane-migrate/crane-migrate/e2e/hubfake"
)

// shardRow is one way of running the big organization's first migration
// into a plain registry: one process, or n shard processes side by side
// (as an Indexed Job's pods would), sharing the source account's Hub API
// limit.
type shardRow struct {
	shards              int
	wall                time.Duration
	exits               []int
	srcReg, dstReg, hub int
	hub429, copied      int
}

// bigorgShards measures issue 17's figure: the first migration as 1 and as
// n concurrent shards, wall time and total requests (equal but for each
// shard's own listing of the organization).
func bigorgShards(ctx context.Context, c bigorgConfig, bc config, e bigorgEnv, n int) ([]shardRow, error) {
	var rows []shardRow
	for _, shards := range []int{1, n} {
		row, err := bigorgShardRun(ctx, c, bc, e, shards)
		if err != nil {
			return rows, err
		}
		rows = append(rows, row)
	}
	return rows, nil
}

func bigorgShardRun(ctx context.Context, c bigorgConfig, bc config, e bigorgEnv, shards int) (shardRow, error) {
	_, dstProxy, stop, err := startProxied(ctx, bc.storage, c.delay)
	if err != nil {
		return shardRow{}, err
	}
	defer stop()
	srcFake := hubfake.New(e.src.URL(), hubfake.WithAccount("alice", "alice-pat"), hubfake.WithRateLimit(c.limit))
	srcHub := httptest.NewServer(delayed(srcFake, c.delay))
	defer srcHub.Close()
	e.srcProxy.Reset()
	row := shardRow{shards: shards, exits: make([]int, shards)}
	var wg sync.WaitGroup
	var mu sync.Mutex
	errs := make([]error, shards)
	start := time.Now()
	for i := range shards {
		wg.Go(func() {
			rep := filepath.Join(e.dir, fmt.Sprintf("shard-%d-of-%d.json", i, shards))
			args := []string{"org", e.srcProxy.Host() + "/" + bigorgNS, dstProxy.Host() + "/neworg",
				"--src-hub-api", srcHub.URL, "--jobs", strconv.Itoa(bc.jobs), "--report", rep,
				"--log-format", "json", "--docker-config", e.dir}
			env := scaleEnv(e.dir)
			if shards > 1 {
				args = append(args, "--shards", strconv.Itoa(shards))
				env = append(env, "JOB_COMPLETION_INDEX="+strconv.Itoa(i))
			}
			r, err := dryRun(ctx, e.bin, args, env, "/neworg/")
			row.exits[i], errs[i] = r.exit, err
			if s, err := readSummary(rep); err == nil {
				mu.Lock()
				row.copied += s.Copied
				mu.Unlock()
			}
			_ = os.Remove(rep)
		})
	}
	wg.Wait()
	row.wall = time.Since(start)
	for _, err := range errs {
		if err != nil {
			return row, err
		}
	}
	row.srcReg, row.dstReg = len(e.srcProxy.Requests()), len(dstProxy.Requests())
	reqs := srcFake.Requests()
	row.hub, row.hub429 = len(reqs), count429s(reqs, hubStatus)
	return row, nil
}

// printShards prints the figure issue 17 asks for.
func printShards(c bigorgConfig, rows []shardRow) {
	fmt.Printf("\nsharding: the first migration of %d repositories × %d tags into a plain registry, as 1 process and as %d shard processes side by side (one Hub account's limit)\n\n",
		c.repos, c.tags, rows[len(rows)-1].shards)
	fmt.Printf("%-8s %11s %8s %16s %21s %16s %10s %8s\n", "shards", "wall", "copied", "source registry", "destination registry", "Hub API requests", "Hub 429s", "exits")
	for _, r := range rows {
		fmt.Printf("%-8d %11s %8d %16d %21d %16d %10d %8v\n", r.shards, r.wall.Round(time.Millisecond), r.copied, r.srcReg, r.dstReg, r.hub, r.hub429, r.exits)
	}
}
