package progress

import (
	"sort"
	"time"

	"github.com/crane-migrate/crane-migrate/report"
)

// counts are the run's numbers at one instant, counted as report.Summarize
// counts them. Done counts tags that ended with an outcome; a pending one
// (never started) is counted apart and does not advance the bar. A
// signature tag is in Total until it ends, then in Signatures (its outcome
// apart from the tags'): the display cannot tell it from a tag before. A
// repository that failed to list is no task: it is in ReposFailed only.
type counts struct {
	Total, Done, Running int
	// outcomes of the tags that ended
	Copied, Skipped, Failed, Planned, Verified, Conflict, Pending, Overwritten int
	// signature tags that ended, and those of them failed or not started
	Signatures, SigFailed, SigPending int
	// repositories (or namespaces) that failed to list, or were not listed
	ReposFailed, ReposPending int

	Bytes      int64
	Enumerated bool
}

// repoCounts are one destination repository's tasks.
type repoCounts struct {
	Name                  string
	Total, Ended, Running int
	seq                   int // when it became active: lines keep their order
}

// tally is what a Display has been told; the Display's mutex guards it.
type tally struct {
	counts
	version uint64 // bumped by every change, so a renderer can tell nothing happened
	seq     int
	repos   map[string]*repoCounts // repositories with tasks not yet ended
	active  map[string]*repoCounts // those shown: started, and not all ended
}

func (t *tally) repo(name string) *repoCounts {
	if t.repos == nil {
		t.repos, t.active = map[string]*repoCounts{}, map[string]*repoCounts{}
	}
	r := t.repos[name]
	if r == nil {
		r = &repoCounts{Name: name}
		t.repos[name] = r
	}
	return r
}

func (t *tally) add(name string, n int) {
	if n <= 0 {
		return
	}
	t.Total += n
	t.repo(name).Total += n
	t.version++
}

func (t *tally) enumerationDone() {
	t.Enumerated = true
	t.version++
}

func (t *tally) start(name string) {
	r := t.repo(name)
	r.Running++
	t.Running++
	if t.active[name] == nil {
		t.seq++
		r.seq = t.seq
		t.active[name] = r
	}
	t.version++
}

func (t *tally) end(name string, res report.Result, bytes int64) {
	if res.Scope != "" {
		t.endScope(res)
		return
	}
	r := t.repo(name)
	if r.Running > 0 { // a Done without its Start must not drive the count negative
		r.Running--
		t.Running--
	}
	r.Ended++
	if res.Signature {
		t.endSignature(res)
	} else {
		t.endTag(res)
	}
	if bytes > 0 {
		t.Bytes += bytes
	}
	// Its last task ended: the line goes. Should more of its tags be
	// enumerated later, the next Start brings it back.
	if r.Running == 0 && r.Ended >= r.Total {
		delete(t.active, name)
		delete(t.repos, name)
	}
	t.version++
}

// endTag counts an ordinary tag's outcome.
func (t *tally) endTag(res report.Result) {
	switch res.Status {
	case report.StatusCopied:
		t.Copied++
		if res.Overwritten != "" {
			t.Overwritten++
		}
	case report.StatusSkipped:
		t.Skipped++
	case report.StatusFailed:
		t.Failed++
	case report.StatusPlanned:
		t.Planned++
	case report.StatusConflict:
		t.Conflict++
	case report.StatusPending:
		t.Pending++
	}
	if res.Verified { // a copy confirmed, a skip, or the verify command's: as the summary counts
		t.Verified++
	}
	if res.Status != report.StatusPending {
		t.Done++
	}
}

// endSignature moves a signature tag from Total to Signatures.
func (t *tally) endSignature(res report.Result) {
	t.Total--
	t.Signatures++
	switch res.Status {
	case report.StatusFailed:
		t.SigFailed++
	case report.StatusPending:
		t.SigPending++
	}
}

// endScope counts a repository or namespace that could not be listed.
func (t *tally) endScope(res report.Result) {
	switch res.Status {
	case report.StatusFailed:
		t.ReposFailed++
	case report.StatusPending:
		t.ReposPending++
	}
	t.version++
}

// view is a copy of a tally at one instant, which renderers read without
// holding the Display's lock.
type view struct {
	counts
	version uint64
	elapsed time.Duration
	repos   []repoCounts   // in flight, in the order they started
	index   map[string]int // name → position in repos
	width   int            // of the longest name in repos, at most maxNameWidth
	closed  bool
}

func (t *tally) view(elapsed time.Duration) view {
	v := view{counts: t.counts, version: t.version, elapsed: elapsed}
	if len(t.active) == 0 {
		return v
	}
	v.repos = make([]repoCounts, 0, len(t.active))
	for _, r := range t.active {
		v.repos = append(v.repos, *r)
	}
	sort.Slice(v.repos, func(i, j int) bool { return v.repos[i].seq < v.repos[j].seq })
	v.index = make(map[string]int, len(v.repos))
	for i, r := range v.repos {
		v.index[r.Name] = i
		v.width = max(v.width, min(len([]rune(r.Name)), maxNameWidth))
	}
	return v
}

// repo returns the counts of an in-flight repository.
func (v *view) repo(name string) (repoCounts, bool) {
	i, ok := v.index[name]
	if !ok {
		return repoCounts{}, false
	}
	return v.repos[i], true
}

// complete says every enumerated task ended with an outcome.
func (v *view) complete() bool {
	return v.Enumerated && v.Done >= v.Total && v.Pending+v.SigPending+v.ReposPending == 0
}
