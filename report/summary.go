package report

import (
	"fmt"
	"io"
	"strings"
)

// failureExamples is how many tags a group of identical failures names in
// the summary; the JSON report has every one.
const failureExamples = 3

// PrintSummary writes the short human summary: counts, then each cause of
// failure once, with how many tags it failed and the first of them.
func (r Report) PrintSummary(w io.Writer) {
	s := r.Summary
	fmt.Fprintf(w, "%s: %d copied, %d skipped, %d failed, %d planned, %d verified",
		Plural(s.Total, "tag"), s.Copied, s.Skipped, s.Failed, s.Planned, s.Verified)
	if s.Overwritten > 0 {
		fmt.Fprintf(w, ", %d overwritten", s.Overwritten)
	}
	if s.Pending > 0 {
		fmt.Fprintf(w, ", %d not started", s.Pending)
	}
	if s.Conflicts > 0 {
		fmt.Fprintf(w, ", %d in conflict", s.Conflicts)
	}
	if s.Signatures > 0 {
		fmt.Fprintf(w, " (+%s%s)", Plural(s.Signatures, "signature and attestation tag"), Trouble(s.SignaturesFailed, s.SignaturesPending))
	}
	if s.Excluded > 0 {
		fmt.Fprintf(w, "; %d excluded", s.Excluded)
	}
	if rs := s.Referrers; rs.Found > 0 {
		fmt.Fprintf(w, "; attached artifacts: %d found, %d copied, %d already there", rs.Found, rs.Copied, rs.Skipped)
		if rs.Planned > 0 {
			fmt.Fprintf(w, ", %d planned", rs.Planned)
		}
		if rs.Failed > 0 {
			fmt.Fprintf(w, ", %d failed", rs.Failed)
		}
	}
	if s.RepositoriesFailed > 0 {
		fmt.Fprintf(w, "; %s failed to list", Plural(s.RepositoriesFailed, "repository", "repositories"))
	}
	if s.RepositoriesPending > 0 {
		fmt.Fprintf(w, "; %s not listed", Plural(s.RepositoriesPending, "repository", "repositories"))
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "%s · %s uploaded · %s mounted instead · %.1fs\n",
		Plural(s.Repositories, "repository", "repositories"), bytesString(s.BytesUploaded), Plural(int(s.Mounts), "blob"), s.Seconds)
	if s.Filtered > 0 {
		fmt.Fprintf(w, "warning: --platform rewrote %d indexes: the destination's have new digests (\"filtered\" in the report "+
			"maps each old digest to its new one); signatures and attestations made for the original indexes do not apply "+
			"to them and were not copied onto them (each kept platform's own were)\n", s.Filtered)
	}
	r.printRepositories(w)
	for _, g := range Failures(r.Results) {
		g.print(w)
	}
	for _, res := range r.Results {
		if res.Status == StatusConflict {
			fmt.Fprintf(w, "  CONFLICT %s -> %s: %s\n", res.Source, res.Destination, res.Error)
		}
	}
}

// Trouble is ", 2 failed, 1 not started", or "": the tail of a count that
// the summary and the progress display print alike.
func Trouble(failed, pending int) string {
	s := ""
	if failed > 0 {
		s += fmt.Sprintf(", %d failed", failed)
	}
	if pending > 0 {
		s += fmt.Sprintf(", %d not started", pending)
	}
	return s
}

func (r Report) printRepositories(w io.Writer) {
	for _, repo := range r.Repositories {
		if repo.Visibility != "" || repo.Error != "" || repo.Categories != "" || strings.HasPrefix(repo.Metadata, "failed") || strings.HasPrefix(repo.Metadata, "skipped") {
			var parts []string
			for _, p := range []string{repo.Visibility, repo.Metadata, repo.Error} {
				if p != "" {
					parts = append(parts, p)
				}
			}
			if repo.Categories != "" {
				parts = append(parts, "categories "+repo.Categories)
			}
			fmt.Fprintf(w, "  REPOSITORY %s: %s\n", repo.Destination, strings.Join(parts, "; "))
		}
	}
}

// FailureGroup is the failed results that share one cause.
type FailureGroup struct {
	Kind  Kind
	Side  string
	Scope string
	// Cause is their error without the reference it names: the same text
	// for each of them.
	Cause   string
	Results []Result
}

// Failures groups the failed results by cause, in the order of their first.
func Failures(results []Result) []FailureGroup {
	var groups []FailureGroup
	index := map[string]int{}
	for _, res := range results {
		if res.Status != StatusFailed {
			continue
		}
		cause := CauseOf(res)
		key := strings.Join([]string{string(res.Kind), res.Side, res.Scope, cause}, "\x00")
		i, ok := index[key]
		if !ok {
			i = len(groups)
			index[key] = i
			groups = append(groups, FailureGroup{Kind: res.Kind, Side: res.Side, Scope: res.Scope, Cause: cause})
		}
		groups[i].Results = append(groups[i].Results, res)
	}
	return groups
}

// CauseOf is res's error without the reference it starts with: errors
// name the reference first ("reg/org/app:v1: no such tag at the source").
func CauseOf(res Result) string {
	for _, ref := range []string{res.Source, res.Destination} {
		if c, ok := strings.CutPrefix(res.Error, ref+": "); ok && ref != "" {
			return c
		}
	}
	return res.Error
}

// print writes one failure, or one line for many with the first few.
func (g FailureGroup) print(w io.Writer) {
	first := g.Results[0]
	one, many := g.noun()
	if len(g.Results) == 1 {
		scope := ""
		if g.Scope != "" {
			scope = g.Scope + " "
		}
		fmt.Fprintf(w, "  FAILED   %s%s -> %s: %s\n", scope, first.Source, first.Destination, g.Cause)
	} else {
		fmt.Fprintf(w, "  FAILED   %s: %s\n", Plural(len(g.Results), one, many), g.Cause)
		for _, res := range g.Results[:min(len(g.Results), failureExamples)] {
			fmt.Fprintf(w, "             %s -> %s\n", res.Source, res.Destination)
		}
		if n := len(g.Results) - failureExamples; n > 0 {
			fmt.Fprintf(w, "             and %d more (each is in the JSON report: --report FILE)\n", n)
		}
	}
	if h := HintFor(first); h != "" {
		fmt.Fprintf(w, "           hint: %s\n", h)
	}
}

// noun is what the group counts, in the singular and the plural.
func (g FailureGroup) noun() (string, string) {
	switch {
	case g.Scope == ScopeRepository:
		return "repository", "repositories"
	case g.Scope != "":
		return g.Scope, g.Scope + "s"
	case g.Results[0].Signature:
		return "signature tag", "signature tags"
	}
	return "tag", "tags"
}

// HintFor suggests what to do about a failed result: Hint of its kind,
// unless where it failed changes the advice. A tag missing at the
// destination while verifying was never copied: run the migration first.
func HintFor(res Result) string {
	switch {
	case res.Kind == KindNotFound && res.Side == SideDestination:
		return "the destination does not have it: run the migration first (org, repo or copy), then verify"
	case res.Kind == KindNotFound && res.Scope != "":
		return "check the " + res.Scope + "'s name at the source, and that the source's credentials can see it"
	case res.Kind == KindUnauthorized && res.Side != "", res.Kind == KindDenied && res.Side != "":
		env := "CRANE_MIGRATE_SRC_USERNAME/PASSWORD"
		if res.Side == SideDestination {
			env = "CRANE_MIGRATE_DST_USERNAME/PASSWORD"
		}
		return "check the " + res.Side + "'s credentials: docker login HOST, or " + env
	}
	return Hint(res.Kind)
}
