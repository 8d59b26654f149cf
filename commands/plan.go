package commands

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/crane-migrate/crane-migrate/report"
)

// planRow counts one destination repository's plan.
type planRow struct {
	copy, overwrite, skip, conflict, excluded, failed, signatures int
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
	for _, res := range rep.Results {
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
	fmt.Fprintln(tw, "repository\tcopy\toverwrite\tskip\tconflict\texcluded\tsignatures\tfailed\t")
	for _, repo := range repos {
		p := rows[repo]
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t\n", repo, p.copy, p.overwrite, p.skip, p.conflict, p.excluded, p.signatures, p.failed)
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
