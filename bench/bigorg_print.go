package main

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/crane-migrate/crane-migrate/e2e/harness"
	"github.com/crane-migrate/crane-migrate/e2e/hubfake"
)

// Targets of issue 16.
const (
	rerunTarget     = 60 * time.Second
	firstFloorRatio = 1.5
	max429PerWindow = 1
)

// registryKinds orders the registry request kinds in the table.
var registryKinds = []harness.Kind{harness.Ping, harness.Catalog, harness.TagsList, harness.ManifestHead, harness.ManifestGet,
	harness.ManifestPut, harness.BlobHead, harness.BlobGet, harness.BlobMount, harness.BlobUploadStart, harness.BlobUploadChunk, harness.Other}

// printBigorg prints one column per run: rows are what the issue asks
// for, the targets' verdicts last.
func printBigorg(c bigorgConfig, bc config, seeded time.Duration, rs []bigorgResult) {
	fmt.Printf("bigorg: %s with %d repositories × %d tags (%d tags, each its own manifest) read through the fake Hub API; "+
		"%v added to every registry and Hub API request; each fake Hub API allows %d requests a minute; "+
		"crane-migrate org --jobs %d (%d connections per host); each run on a fresh rate-limit window\n",
		bigorgNS, c.repos, c.tags, c.repos*c.tags, c.delay, c.limit, bc.jobs, connsPerHost(bc.jobs))
	fmt.Printf("seeding: %v (not measured)\n\n", seeded.Round(time.Millisecond))
	if len(rs) == 0 {
		return
	}
	var rows [][]string
	add := func(label string, f func(bigorgResult) string) {
		row := []string{label}
		for _, r := range rs {
			row = append(row, f(r))
		}
		rows = append(rows, row)
	}
	add("destination", func(r bigorgResult) string { return r.dest })
	add("run", func(r bigorgResult) string { return r.run })
	add("wall", func(r bigorgResult) string { return r.r.wall.Round(time.Millisecond).String() })
	floorRows(add, c, bc)
	add("exit code", func(r bigorgResult) string { return strconv.Itoa(r.r.exit) })
	add("tags copied/skipped/failed/pending", func(r bigorgResult) string {
		if r.summaryErr != nil {
			return "no report"
		}
		s := r.summary
		return fmt.Sprintf("%d/%d/%d/%d", s.Copied, s.Skipped, s.Failed, s.Pending)
	})
	add("peak RSS", func(r bigorgResult) string { return fmt.Sprintf("%.1f MiB", float64(r.r.peakRSS)/(1<<20)) })
	add("429s received (Hub API)", func(r bigorgResult) string {
		return strconv.Itoa(count429s(r.srcHub, hubStatus) + count429s(r.dstHub, hubStatus))
	})
	add("  most in one window", func(r bigorgResult) string { return strconv.Itoa(max(most429s(r.srcHub), most429s(r.dstHub))) })
	add("429s received (registries)", func(r bigorgResult) string {
		return strconv.Itoa(count429s(r.srcReg, regStatus) + count429s(r.dstReg, regStatus))
	})
	hubRows(rs, add, "source Hub API", func(r bigorgResult) []hubfake.Request { return r.srcHub })
	hubRows(rs, add, "destination Hub API", func(r bigorgResult) []hubfake.Request { return r.dstHub })
	regRows(rs, add, "source registry", func(r bigorgResult) []harness.Request { return r.srcReg })
	regRows(rs, add, "destination registry", func(r bigorgResult) []harness.Request { return r.dstReg })
	printColumns(rows)
	fmt.Println()
	for _, r := range rs {
		verdicts(c, bc, r)
	}
	for _, r := range rs {
		for _, p := range r.r.problems {
			fmt.Printf("%s, %s: crane-migrate logged %s\n", r.dest, r.run, p)
		}
	}
}

// floorRows are each run's floor, what bounds it, and the wall time against it.
func floorRows(add func(string, func(bigorgResult) string), c bigorgConfig, bc config) {
	add("floor (bound by)", func(r bigorgResult) string {
		f := computeFloor(r, c, bc.jobs)
		return fmt.Sprintf("%v (%s)", f.total().Round(time.Millisecond), f.bound())
	})
	add("  registry floor", func(r bigorgResult) string {
		return computeFloor(r, c, bc.jobs).registry.Round(time.Millisecond).String()
	})
	add("  Hub API floor", func(r bigorgResult) string { return computeFloor(r, c, bc.jobs).hub.Round(time.Millisecond).String() })
	add("wall / floor", func(r bigorgResult) string {
		return fmt.Sprintf("%.2f×", float64(r.r.wall)/float64(max(computeFloor(r, c, bc.jobs).total(), 1)))
	})
}

func hubRows(rs []bigorgResult, add func(string, func(bigorgResult) string), side string, reqs func(bigorgResult) []hubfake.Request) {
	var routes []string
	for _, r := range rs {
		for _, q := range reqs(r) {
			if !slices.Contains(routes, q.Route) {
				routes = append(routes, q.Route)
			}
		}
	}
	if len(routes) == 0 {
		return
	}
	slices.Sort(routes)
	add(side+" requests", func(r bigorgResult) string { return strconv.Itoa(len(reqs(r))) })
	for _, route := range routes {
		add("  "+route, func(r bigorgResult) string {
			n := 0
			for _, q := range reqs(r) {
				if q.Route == route {
					n++
				}
			}
			return strconv.Itoa(n)
		})
	}
}

func regRows(rs []bigorgResult, add func(string, func(bigorgResult) string), side string, reqs func(bigorgResult) []harness.Request) {
	add(side+" requests", func(r bigorgResult) string { return strconv.Itoa(len(reqs(r))) })
	for _, k := range registryKinds {
		seen := false
		for _, r := range rs {
			seen = seen || slices.ContainsFunc(reqs(r), func(q harness.Request) bool { return q.Kind == k })
		}
		if !seen {
			continue
		}
		add("  "+string(k), func(r bigorgResult) string {
			n := 0
			for _, q := range reqs(r) {
				if q.Kind == k {
					n++
				}
			}
			return strconv.Itoa(n)
		})
	}
}

// printColumns prints rows with each column as wide as its widest cell.
func printColumns(rows [][]string) {
	widths := make([]int, len(rows[0]))
	for _, row := range rows {
		for i, cell := range row {
			widths[i] = max(widths[i], len([]rune(cell)))
		}
	}
	for _, row := range rows {
		for i, cell := range row {
			pad := widths[i] - len([]rune(cell))
			if i == 0 {
				fmt.Printf("%s%*s", cell, pad, "")
			} else {
				fmt.Printf("   %*s%s", pad, "", cell)
			}
		}
		fmt.Println()
	}
}

// verdicts states each run's targets, met or missed.
func verdicts(c bigorgConfig, bc config, r bigorgResult) {
	say := func(what string, ok bool) {
		fmt.Printf("%-12s %-24s %-58s %s\n", r.dest, r.run, what, map[bool]string{true: "met", false: "MISSED"}[ok])
	}
	if r.run == "first migration" {
		f := computeFloor(r, c, bc.jobs).total()
		say(fmt.Sprintf("wall %v ≤ %.1f× floor %v", r.r.wall.Round(time.Second), firstFloorRatio, f.Round(time.Second)),
			float64(r.r.wall) <= firstFloorRatio*float64(f))
	} else {
		say(fmt.Sprintf("wall %v ≤ %v", r.r.wall.Round(time.Second), rerunTarget), r.r.wall <= rerunTarget)
	}
	most := max(most429s(r.srcHub), most429s(r.dstHub))
	say(fmt.Sprintf("at most %d 429 per window (%d)", max429PerWindow, most), most <= max429PerWindow)
	ok := r.r.exit == 0 && r.summaryErr == nil && r.summary.Failed == 0 && r.summary.Pending == 0
	say(fmt.Sprintf("exit 0, nothing failed or pending (exit %d)", r.r.exit), ok)
}
