package commands

import (
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/crane-migrate/crane-migrate/report"
)

// signatureTag is cosign's naming of signatures, attestations and SBOMs.
var signatureTag = regexp.MustCompile(`^sha256-[0-9a-f]{64}\.(sig|att|sbom)$`)

func isSignature(tag string) bool { return signatureTag.MatchString(tag) }

// signedDigest is the image digest a signature tag belongs to.
func signedDigest(tag string) string {
	hex, _, _ := strings.Cut(strings.TrimPrefix(tag, "sha256-"), ".")
	return "sha256:" + hex
}

// planRow counts one destination repository's plan.
type planRow struct {
	copy, overwrite, skip, conflict, excluded, failed, signatures int
}

// printPlan prints the dry run as a table per repository: what would be
// copied, overwritten (the destination tag has another digest), skipped,
// left in conflict (--no-clobber), excluded by filters.
func (r *run) printPlan(w io.Writer, rep report.Report) {
	rows := map[string]*planRow{}
	row := func(repo string) *planRow {
		if rows[repo] == nil {
			rows[repo] = &planRow{}
		}
		return rows[repo]
	}
	for _, res := range rep.Results {
		repo, _, _ := strings.Cut(res.Destination[strings.LastIndex(res.Destination, "/")+1:], ":")
		p := row(res.Destination[:strings.LastIndex(res.Destination, "/")+1] + repo)
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
	r.mu.Lock()
	for repo, n := range r.excluded {
		row(repo).excluded += n
	}
	r.mu.Unlock()
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
