package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/crane-migrate/crane-migrate/e2e/harness"
)

// writeTrace writes every request of one case, both proxies merged in order
// of arrival: start (ms after the tool started), duration, proxy, method,
// kind, path and status. A timeline shows what counts alone cannot: how many
// requests were in flight, and which waited on which.
func writeTrace(dir, ns, tool string, start time.Time, ps ...*harness.Proxy) error {
	type line struct {
		proxy int
		r     harness.Request
	}
	var all []line
	for i, p := range ps {
		for _, r := range p.Requests() {
			all = append(all, line{i, r})
		}
	}
	slices.SortFunc(all, func(a, b line) int { return a.r.Start.Compare(b.r.Start) })
	name := filepath.Join(dir, strings.NewReplacer("/", "-", " ", "-", ",", "").Replace(ns+"-"+tool)+".txt")
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	for _, l := range all {
		fmt.Fprintf(w, "%6d %4d %s %-6s %-18s %s %d\n", l.r.Start.Sub(start).Milliseconds(), l.r.Duration.Milliseconds(),
			[]string{"src", "dst"}[l.proxy], l.r.Method, l.r.Kind, l.r.Path, l.r.Status)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
