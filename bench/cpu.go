package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
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
	fmt.Printf("\nmachine busy (%% of all cores, every process) per %v, first run of each:\n", busyStep)
	for _, r := range rows {
		if len(r.first.busy) > 0 {
			fmt.Printf("%-22s %-22s %s\n", r.scenario, r.tool, strings.Trim(fmt.Sprint(r.first.busy), "[]"))
		}
	}
}

// busyStep is the interval of the machine's busy timeline.
const busyStep = 100 * time.Millisecond

// watchBusy samples the whole machine's busy share (every core, every
// process: /proc/stat) each busyStep until stop is closed, then sends the
// percentages. A run that is CPU-bound shows near 100 after its first round
// trips; one bound by round trips shows gaps. Nil where /proc/stat is not.
func watchBusy(stop <-chan struct{}) <-chan []int {
	out := make(chan []int, 1)
	go func() {
		var pct []int
		busy0, total0, ok := machineCPU()
		tick := time.NewTicker(busyStep)
		defer tick.Stop()
		for ok {
			select {
			case <-stop:
				out <- pct
				return
			case <-tick.C:
				busy, total, _ := machineCPU()
				if total > total0 {
					pct = append(pct, int(100*(busy-busy0)/(total-total0)))
				}
				busy0, total0 = busy, total
			}
		}
		<-stop
		out <- nil
	}()
	return out
}

// machineCPU is /proc/stat's first line: busy and total clock ticks of
// every core (idle and iowait are not busy).
func machineCPU() (busy, total int64, ok bool) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0, false
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 5 || f[0] != "cpu" {
		return 0, 0, false
	}
	for i, x := range f[1:] {
		v, err := strconv.ParseInt(x, 10, 64)
		if err != nil {
			return 0, 0, false
		}
		total += v
		if i != 3 && i != 4 { // idle, iowait
			busy += v
		}
	}
	return busy, total, true
}
