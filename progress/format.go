package progress

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/sirupsen/logrus"
	"github.com/vbauerster/mpb/v8/decor"

	"github.com/crane-migrate/crane-migrate/report"
)

// rates returns tags and bytes per second since the start, when there is
// something to measure.
func (v *view) rates() (tags, bytes float64, ok bool) {
	s := v.elapsed.Seconds()
	if s <= 0 || v.Done == 0 {
		return 0, 0, false
	}
	return float64(v.Done) / s, float64(v.Bytes) / s, true
}

// rate keeps two significant digits or so: a slow run of big images still
// shows a rate above zero.
func rate(x float64) string {
	switch {
	case x >= 10:
		return fmt.Sprintf("%.0f", x)
	case x >= 1:
		return fmt.Sprintf("%.1f", x)
	}
	return fmt.Sprintf("%.2f", x)
}

// eta is the time left at the average rate so far; unknown while
// enumeration still counts, since the total is not final.
func (v *view) eta() (time.Duration, bool) {
	tags, _, ok := v.rates()
	if !ok || !v.Enumerated || v.Done >= v.Total {
		return 0, false
	}
	left := float64(v.Total-v.Done) / tags
	return time.Duration(left * float64(time.Second)).Round(time.Second), true
}

func (v *view) percent() int {
	switch {
	case v.closed && v.complete():
		return 100
	case v.Total == 0:
		return 0
	}
	return min(100, v.Done*100/v.Total)
}

// outcomes lists the counts as the summary does: copied, skipped and
// failed always, the rest when there are any; signature tags and
// repositories that failed to list apart.
func (v *view) outcomes() string {
	parts := []string{
		fmt.Sprintf("%d copied", v.Copied),
		fmt.Sprintf("%d skipped", v.Skipped),
		fmt.Sprintf("%d failed", v.Failed),
	}
	for _, c := range []struct {
		n    int
		what string
	}{{v.Overwritten, "overwritten"}, {v.Planned, "planned"}, {v.Verified, "verified"}, {v.Conflict, "in conflict"}, {v.Pending, "not started"}} {
		if c.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c.n, c.what))
		}
	}
	s := strings.Join(parts, ", ")
	if v.Signatures > 0 {
		s += " (+" + report.Plural(v.Signatures, "signature tag") + report.Trouble(v.SigFailed, v.SigPending) + ")"
	}
	if v.ReposFailed > 0 {
		s += "; " + report.Plural(v.ReposFailed, "repository", "repositories") + " failed to list"
	}
	if v.ReposPending > 0 {
		s += "; " + report.Plural(v.ReposPending, "repository", "repositories") + " not listed"
	}
	return s
}

// The overall bar is two lines, so that each fits an 80-column terminal:
//
//	tags 12/40 (counting…) [=======>---------------------]  30%
//	  10 copied, 2 skipped, 0 failed · 3.1 tags/s · 1.2 MiB/s

// overallPrefix goes before the bar: "tags 12/40", "(counting…)" while
// enumeration still adds to the total.
func (v *view) overallPrefix() string {
	s := fmt.Sprintf("tags %d/%d", v.Done, v.Total)
	switch {
	case !v.Enumerated && v.closed:
		s += " (partial count)"
	case !v.Enumerated:
		s += " (counting…)"
	}
	return s
}

// overallSuffix goes after it: percentage, then ETA or how it ended.
func (v *view) overallSuffix() string {
	s := fmt.Sprintf("%3d%%", v.percent())
	elapsed := v.elapsed.Round(time.Second)
	switch eta, ok := v.eta(); {
	case v.closed && v.complete():
		s += " · done in " + elapsed.String()
	case v.closed:
		s += " · stopped after " + elapsed.String()
	case ok:
		s += " · ETA " + eta.String()
	}
	return s
}

// details is the line under the bar: outcomes and throughput.
func (v *view) details() string {
	parts := []string{"  " + v.outcomes()}
	if tags, bytes, ok := v.rates(); ok {
		parts = append(parts, rate(tags)+" tags/s")
		if bytes > 0 {
			parts = append(parts, fmt.Sprintf("% .1f/s", decor.SizeB1024(int64(bytes))))
		}
	}
	return strings.Join(parts, " · ")
}

// repoLine is a repository's text after its name: "3/10 tags · 2 running".
func (r repoCounts) repoLine() string {
	return fmt.Sprintf("%d/%d tags · %d running", r.Ended, max(r.Total, r.Ended), r.Running)
}

// maxNameWidth caps the repository column; longer names keep their end,
// which tells repositories of one namespace apart.
const maxNameWidth = 48

func padName(name string, width int) string {
	r := []rune(name)
	if len(r) > width {
		return "…" + string(r[len(r)-width+1:])
	}
	return name + strings.Repeat(" ", width-len(r))
}

// fields are the structured fields of a progress line.
func (v *view) fields() logrus.Fields {
	f := logrus.Fields{
		"done": v.Done, "total": v.Total,
		"copied": v.Copied, "skipped": v.Skipped, "failed": v.Failed,
		"inFlight": v.Running,
	}
	if !v.Enumerated {
		f["counting"] = true
	}
	for k, n := range map[string]int{"planned": v.Planned, "verified": v.Verified, "conflicts": v.Conflict, "pending": v.Pending,
		"overwritten": v.Overwritten, "signatures": v.Signatures, "signaturesFailed": v.SigFailed, "signaturesPending": v.SigPending,
		"repositoriesFailed": v.ReposFailed, "repositoriesPending": v.ReposPending} {
		if n > 0 {
			f[k] = n
		}
	}
	if v.Bytes > 0 {
		f["bytes"] = v.Bytes
	}
	if tags, bytes, ok := v.rates(); ok {
		f["tagsPerSecond"] = math.Round(tags*100) / 100
		if bytes > 0 {
			f["bytesPerSecond"] = int64(bytes)
		}
	}
	if eta, ok := v.eta(); ok && !v.closed {
		f["eta"] = eta.String()
	}
	if v.closed {
		f["elapsed"] = v.elapsed.Round(time.Second).String()
	}
	return f
}
