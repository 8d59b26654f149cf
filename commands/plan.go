package commands

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/crane-migrate/crane-migrate/report"
)

// planRow counts one destination repository's plan, as report.Summarize
// counts the run: signature tags apart, failures to list none of its rows.
type planRow struct {
	copy, overwrite, skip, conflict, excluded, failed, signatures, pending int
}

// printPlan prints the dry run as a table per repository: what would be
// copied, overwritten (the destination tag has another digest), skipped,
// left in conflict (--no-clobber), excluded by filters.
func printPlan(w io.Writer, rep report.Report) {
	rows := map[string]*planRow{}
	row := func(repo string) *planRow {
		if rows[repo] == nil {
			rows[repo] = &planRow{}
		}
		return rows[repo]
	}
	pending := false
	for _, res := range rep.Results {
		if res.Scope != "" || res.Status == report.StatusExcluded {
			continue // the summary names it; an excluded tag is counted by its repository
		}
		p := row(report.RepositoryOf(res.Destination))
		switch {
		case res.Signature:
			p.signatures++
		case res.Status == report.StatusPlanned && res.DestinationDigest != "":
			p.overwrite++
		case res.Status == report.StatusPlanned:
			p.copy++
		case res.Status == report.StatusSkipped:
			p.skip++
		case res.Status == report.StatusConflict:
			p.conflict++
		case res.Status == report.StatusPending:
			p.pending++
			pending = true
		default:
			p.failed++
		}
	}
	for _, repo := range rep.Repositories {
		if repo.Excluded > 0 {
			row(repo.Destination).excluded += repo.Excluded
		}
	}
	repos := make([]string, 0, len(rows))
	for repo := range rows {
		repos = append(repos, repo)
	}
	slices.Sort(repos)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	head := "repository\tcopy\toverwrite\tskip\tconflict\texcluded\tsignatures\tfailed\t"
	if pending { // interrupted, or stopped by the pull limit
		head += "not started\t"
	}
	fmt.Fprintln(tw, head)
	for _, repo := range repos {
		p := rows[repo]
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t", repo, p.copy, p.overwrite, p.skip, p.conflict, p.excluded, p.signatures, p.failed)
		if pending {
			fmt.Fprintf(tw, "%d\t", p.pending)
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
}

// printPullPlan states the manifest GETs the run needs against the source's
// pull quota, so a migration that cannot fit in one window is known before it starts.
func printPullPlan(w io.Writer, p *report.PullPlan) {
	if p == nil {
		return
	}
	fmt.Fprintf(w, "source manifest pulls needed: %d", p.Needed)
	if p.UnknownIndexes > 0 {
		fmt.Fprintf(w, " plus the platform manifests of %d indexes", p.UnknownIndexes)
	}
	if q := p.Quota; q != nil {
		fmt.Fprintf(w, "; %s reports %d of %d pulls left per %s", q.Registry, q.Remaining, q.Limit, q.Window)
		if p.Needed > q.Remaining {
			fmt.Fprint(w, ": the run will stop at the limit (exit 3) and a re-run after the window finishes it")
		}
	}
	fmt.Fprintln(w)
	if n := p.AttachedLookups; n > 0 {
		fmt.Fprintf(w, "attached artifacts: looked up for %d image digests, %d of them in their repository's tag listing; "+
			"the rest cost one referrers listing or fallback-tag HEAD each at the source (not pulls)\n", n, p.AttachedFromListing)
	}
}

// printNoMatch says so when --include/--exclude left no tag at all: "0
// tags" alone reads like an empty source.
func printNoMatch(w io.Writer, cfg migrateConfig, rep report.Report) {
	if cfg.output == "json" || rep.Summary.Total > 0 || len(cfg.include)+len(cfg.exclude) == 0 {
		return
	}
	excluded := 0
	for _, repo := range rep.Repositories {
		excluded += repo.Excluded
	}
	if excluded == 0 {
		return
	}
	var given []string
	for _, f := range []struct {
		flag string
		res  []string
	}{{"--include", cfg.include}, {"--exclude", cfg.exclude}} {
		for _, re := range f.res {
			given = append(given, fmt.Sprintf("%s %q", f.flag, re))
		}
	}
	fmt.Fprintf(w, "0 of %d tags matched %s: check the expressions (RE2, matched anywhere in the tag unless anchored with ^ and $)\n", excluded, strings.Join(given, " "))
}

// printPlanList prints each tag of a dry run on a line of its own, what
// the run would do first (--dry-run -v): the table counts them, this says
// which.
//
//	COPY       reg/org/app:v2 -> dst/org/app:v2
//	OVERWRITE  reg/org/app:v1 -> dst/org/app:v1 (destination has sha256:…)
func printPlanList(w io.Writer, rep report.Report) {
	for _, res := range rep.Results {
		if res.Scope != "" {
			continue // the summary names it
		}
		what, note := planAction(res)
		if res.Signature {
			note += " (signature)"
		}
		fmt.Fprintf(w, "%-11s%s -> %s%s\n", what, res.Source, res.Destination, note)
	}
}

// planAction is what a dry run's result would do, and why when it says more.
func planAction(res report.Result) (string, string) {
	switch res.Status {
	case report.StatusPlanned:
		if res.DestinationDigest != "" {
			return "OVERWRITE", " (destination has " + res.DestinationDigest + ")"
		}
		return "COPY", ""
	case report.StatusSkipped:
		return "SKIP", " (already there)"
	case report.StatusConflict:
		return "CONFLICT", " (destination has " + res.DestinationDigest + "; --no-clobber)"
	case report.StatusExcluded:
		return "EXCLUDED", ""
	case report.StatusPending:
		return "NOT STARTED", ""
	case report.StatusFailed:
		return "FAILED", ": " + report.CauseOf(res)
	}
	return strings.ToUpper(string(res.Status)), ""
}
