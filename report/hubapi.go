package report

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
)

// HubAPI is what a run spent of each side's Docker Hub API budget, by
// route, and the per-minute limit the API reported, when it did.
type HubAPI struct {
	Source           map[string]int `json:"source,omitempty"`
	Destination      map[string]int `json:"destination,omitempty"`
	SourceLimit      int            `json:"sourceLimitPerMinute,omitempty"`
	DestinationLimit int            `json:"destinationLimitPerMinute,omitempty"`
}

// Print states the requests per side and, at the reported limit, the
// minutes of API budget they take: a plan for a big organization says how
// long its listing will wait on the API before it starts.
func (h *HubAPI) Print(w io.Writer) {
	if h == nil {
		return
	}
	for _, side := range []struct {
		name  string
		n     map[string]int
		limit int
	}{{"source", h.Source, h.SourceLimit}, {"destination", h.Destination, h.DestinationLimit}} {
		if len(side.n) == 0 {
			continue
		}
		total, parts := 0, []string{}
		for _, route := range slices.Sorted(maps.Keys(side.n)) {
			total += side.n[route]
			parts = append(parts, fmt.Sprintf("%d %s", side.n[route], route))
		}
		fmt.Fprintf(w, "Docker Hub API, %s: %d requests (%s)", side.name, total, strings.Join(parts, ", "))
		if side.limit > 0 {
			fmt.Fprintf(w, "; at its limit of %d a minute: %.1f minutes of budget", side.limit, float64(total)/float64(side.limit))
		}
		fmt.Fprintln(w)
	}
}
