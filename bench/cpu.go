package main

import (
	"fmt"
	"runtime"
	"time"
)

// printCPU says, per case and tool, how much of this machine's CPU the run
// used: the registries' and this process's (the in-process tool and both
// proxies) against wall × cores. Near 100%, the machine bounds the wall
// time, not the round trips: what a remote registry would charge is then
// the request counts, not the wall time.
func printCPU(rows []*row) {
	cores := runtime.NumCPU()
	fmt.Printf("\nCPU used (registries + this process: tool and proxies), first run of each, against wall × %d cores:\n", cores)
	for _, r := range rows {
		s := r.first
		if s.registryCPU < 0 || s.selfCPU < 0 {
			continue
		}
		used := s.registryCPU + s.selfCPU
		fmt.Printf("%-22s %-22s %8v of %8v (%3.0f%%): registries %v, tool and proxies %v\n", r.scenario, r.tool,
			used.Round(10*time.Millisecond), (s.wall * time.Duration(cores)).Round(10*time.Millisecond),
			100*float64(used)/float64(s.wall*time.Duration(cores)), s.registryCPU.Round(10*time.Millisecond), s.selfCPU.Round(10*time.Millisecond))
	}
}
