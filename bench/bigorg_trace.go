package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/crane-migrate/crane-migrate/e2e/harness"
	"github.com/crane-migrate/crane-migrate/e2e/hubfake"
)

// writeBigorgTrace writes a run's registry timeline (trace.go) and its Hub
// API timeline: start (ms after the run started), duration, which Hub,
// method, route, path and query, status.
func writeBigorgTrace(dir string, r bigorgResult, src, dst *harness.Proxy) error {
	name := "bigorg-" + r.dest + "-" + r.run
	if err := writeTrace(dir, name, "crane-migrate", r.r.start, src, dst); err != nil {
		return err
	}
	f, err := os.Create(filepath.Join(dir, strings.NewReplacer("/", "-", " ", "-", ",", "").Replace(name+"-hub-api")+".txt"))
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	for i, reqs := range [][]hubfake.Request{r.srcHub, r.dstHub} {
		for _, q := range reqs {
			fmt.Fprintf(w, "%6d %4d %s %-6s %-12s %s?%s %d\n", q.Start.Sub(r.r.start).Milliseconds(), q.Duration.Milliseconds(),
				[]string{"src-hub", "dst-hub"}[i], q.Method, q.Route, q.Path, q.Query, q.Status)
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
