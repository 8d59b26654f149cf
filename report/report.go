package report

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
)

// Status is what happened to one tag.
type Status string

// The statuses a Result can carry. They are the strings of the JSON report.
const (
	StatusCopied  Status = "copied"
	StatusSkipped Status = "skipped"
	StatusFailed  Status = "failed"
	StatusPlanned Status = "planned"
	// StatusVerified is the verify command's success: both sides agree.
	StatusVerified Status = "verified"
	// StatusConflict is a destination tag that exists with another digest,
	// left alone because of --no-clobber.
	StatusConflict Status = "conflict"
	// StatusPending is a task the run never started: it was interrupted or
	// hit the registry's pull limit. A re-run picks it up.
	StatusPending Status = "pending"
	// StatusExcluded is a tag a filter left out: Selection says which.
	// Such results exist with --explain, and for an image whose platform
	// --platform does not take (found only once its manifest was read);
	// they are counted apart from the tags migrated.
	StatusExcluded Status = "excluded"
)

// Result is the outcome for one source reference and its destination tag.
type Result struct {
	Source            string   `json:"source"`
	Destination       string   `json:"destination"`
	Status            Status   `json:"status"`
	SourceDigest      string   `json:"sourceDigest,omitempty"`
	DestinationDigest string   `json:"destinationDigest,omitempty"`
	Platforms         []string `json:"platforms,omitempty"`
	// Verified says the destination matches the source; VerifiedBy says who
	// said so: VerifiedByRegistry when the destination registry answered for
	// the tag in this run, VerifiedByListing when two listings (the Docker
	// Hub API's) agreed and no registry was asked.
	Verified   bool   `json:"verified"`
	VerifiedBy string `json:"verifiedBy,omitempty"`
	Error      string `json:"error,omitempty"`
	// Kind is the cause of a failure or of a pending tag, for hints and exit
	// codes: callers switch on it, never on Error's text.
	Kind Kind `json:"kind,omitempty"`
	// Signature marks a sha256-<hex>.sig/.att/.sbom tag: it follows the image
	// it belongs to and is counted apart from ordinary tags.
	Signature bool `json:"signature,omitempty"`
	// Scope marks a failure that is no tag's (ScopeRepository,
	// ScopeNamespace): what could not be listed or prepared. Such results
	// are counted apart from tags, in Summary.RepositoriesFailed.
	Scope string `json:"scope,omitempty"`
	// Side says where a failure happened (SideSource, SideDestination),
	// when known: a not-found means another thing on each side.
	Side string `json:"side,omitempty"`
	// Overwritten is the digest the destination tag had before this run
	// copied another over it.
	Overwritten string `json:"overwritten,omitempty"`
	// Referrers is what is attached to the tag's image (and, for an
	// index, to its platforms' images) by subject: OCI 1.1 referrers.
	Referrers *Referrers `json:"referrers,omitempty"`
	// Selection says which filter kept or dropped the tag: "kept", or
	// "dropped: --pushed-since 2024-03-01 (pushed 2024-01-02)". Set with
	// --explain, and on every excluded result.
	Selection string `json:"selection,omitempty"`
	// Filtered is set when --platform rewrote the tag's index: the
	// destination holds another manifest, with another digest.
	Filtered *Filtered `json:"filtered,omitempty"`
}

// Filtered maps a source index to what --platform made of it at the
// destination: a new index listing only the kept platforms (with their
// attestations), or with --flatten the one platform's own manifest.
// Signatures and other artifacts attached to the source index do not apply
// to Digest and are not copied onto it; the kept platforms keep theirs.
type Filtered struct {
	SourceDigest string `json:"sourceDigest"`
	// Digest is the destination's manifest; empty in a dry run, which reads
	// no source manifest to compute it.
	Digest    string   `json:"digest,omitempty"`
	Platforms []string `json:"platforms"`
	Dropped   []string `json:"dropped,omitempty"`
	Flattened bool     `json:"flattened,omitempty"`
}

// Who confirmed a verified result.
const (
	VerifiedByRegistry = "registry"
	VerifiedByListing  = "listing"
)

// Kind is the cause of a result that is not a success.
type Kind string

// The kinds a Result can carry. They are the strings of the JSON report.
const (
	KindNotFound       Kind = "not-found"
	KindUnauthorized   Kind = "unauthorized"
	KindDenied         Kind = "denied"
	KindDigestMismatch Kind = "digest-mismatch"
	// KindCorruptBlob: the source served a blob whose bytes or size are
	// not the ones its manifest names.
	KindCorruptBlob     Kind = "corrupt-blob"
	KindPlatformMissing Kind = "platform-missing"
	// KindPlatformExtra: a copy filtered by --platform has, at the
	// destination, a manifest the filter did not select.
	KindPlatformExtra   Kind = "platform-extra"
	KindReferrerMissing Kind = "referrer-missing"
	KindImmutable       Kind = "immutable"
	KindPullLimit       Kind = "pull-limit"
	KindInterrupted     Kind = "interrupted"
	KindConflict        Kind = "conflict"
	KindInvalidName     Kind = "invalid-name"
	KindUnreachable     Kind = "unreachable"
	KindOther           Kind = "error"
)

// Referrers counts the artifacts attached to one tag's image(s), or to a
// whole run's in the summary.
type Referrers struct {
	Found   int `json:"found"`   // attached at the source
	Copied  int `json:"copied"`  // written to the destination by this run
	Skipped int `json:"skipped"` // already at the destination
	Planned int `json:"planned"` // a dry run's: missing at the destination
	Failed  int `json:"failed"`  // not copied, or not confirmed there
	// Types are the artifact types found, sorted.
	Types  []string `json:"types,omitempty"`
	Errors []string `json:"errors,omitempty"`
}

// Add counts r into s, types and errors included.
func (s *Referrers) Add(r *Referrers) {
	if r == nil {
		return
	}
	s.Found += r.Found
	s.Copied += r.Copied
	s.Skipped += r.Skipped
	s.Planned += r.Planned
	s.Failed += r.Failed
	for _, t := range r.Types {
		if !slices.Contains(s.Types, t) {
			s.Types = append(s.Types, t)
		}
	}
	slices.Sort(s.Types)
	s.Errors = append(s.Errors, r.Errors...)
}

// Summary counts results by status. A tag that did not verify is Failed.
type Summary struct {
	Total      int `json:"total"`
	Conflicts  int `json:"conflicts"`
	Signatures int `json:"signatures"`
	Copied     int `json:"copied"`
	Skipped    int `json:"skipped"`
	Failed     int `json:"failed"`
	Planned    int `json:"planned"`
	Pending    int `json:"pending"`
	Verified   int `json:"verified"`
	// Overwritten counts the copied tags whose destination had another
	// digest before.
	Overwritten int `json:"overwritten"`
	// SignaturesFailed and SignaturesPending break Signatures down as
	// Failed and Pending do the tags.
	SignaturesFailed  int `json:"signaturesFailed"`
	SignaturesPending int `json:"signaturesPending"`
	// RepositoriesFailed counts the results with a Scope: repositories or
	// namespaces that could not be listed or prepared, apart from Total.
	RepositoriesFailed int `json:"repositoriesFailed"`
	// RepositoriesPending counts those an interrupt left unlisted.
	RepositoriesPending int `json:"repositoriesPending"`
	// Excluded counts the excluded results (see StatusExcluded), apart
	// from Total; Filtered the tags whose index --platform rewrote.
	Excluded int `json:"excluded,omitempty"`
	Filtered int `json:"filtered,omitempty"`
	// Referrers adds up the results' attached artifacts, counted apart
	// from tags.
	Referrers Referrers `json:"referrers"`
	// Filled by the run, not by Summarize: what it moved and how long it took.
	Repositories  int     `json:"repositories"`
	BytesUploaded int64   `json:"bytesUploaded"`
	Mounts        int64   `json:"mounts"`
	Seconds       float64 `json:"seconds"`
}

// Repository is what happened to one repository beyond its tags, on Docker
// Hub: creation with the source's visibility, metadata, deprecation.
type Repository struct {
	Source      string `json:"source"`
	Destination string `json:"destination"`
	// Created says the destination was created before the first push, and
	// Private with which visibility.
	Created bool  `json:"created,omitempty"`
	Private *bool `json:"private,omitempty"`
	// Visibility reports a destination whose visibility differs from the source's.
	Visibility string `json:"visibility,omitempty"`
	// Metadata is copied, skipped or failed, with the reason after a colon.
	Metadata string `json:"metadata,omitempty"`
	// Categories names the source's categories, which Docker Hub's API
	// offers no way to set: they are left to its web interface.
	Categories string `json:"categories,omitempty"`
	Deprecated bool   `json:"deprecated,omitempty"`
	Immutable  string `json:"immutableRules,omitempty"`
	Error      string `json:"error,omitempty"`
	// Excluded counts the tags that filters (or --with-signatures=false)
	// left out.
	Excluded int `json:"excluded,omitempty"`
	// Empty says the registry listed the repository in its catalog but it
	// has no tags (only untagged manifests or blobs): nothing to migrate.
	Empty bool `json:"empty,omitempty"`
}

// Report is the document written by --report.
type Report struct {
	Summary      Summary      `json:"summary"`
	Results      []Result     `json:"results"`
	Repositories []Repository `json:"repositories,omitempty"`
	// PullPlan is a dry run's count of the source pulls the copy needs.
	PullPlan *PullPlan `json:"pullPlan,omitempty"`
	// HubAPI is the Docker Hub API requests the run made, per side.
	HubAPI *HubAPI `json:"hubAPI,omitempty"`
	// Shard is set by a sharded namespace run (org --shard/--shards).
	Shard *ShardInfo `json:"shard,omitempty"`
}

// PullPlan is the source manifest GETs (Docker Hub pulls) a plan needs,
// against the quota the source reported, when it reported one.
type PullPlan struct {
	Needed int `json:"needed"`
	// UnknownIndexes are indexes whose children no listing counted: each
	// costs its platforms' pulls on top of Needed.
	UnknownIndexes int    `json:"unknownIndexes,omitempty"`
	Quota          *Quota `json:"quota,omitempty"`
	// AttachedLookups is the image digests whose attached artifacts were
	// looked up (a referrers listing or a fallback-tag HEAD each, not a
	// pull), AttachedFromListing those the tag listing answered for free.
	AttachedLookups     int64 `json:"attachedLookups,omitempty"`
	AttachedFromListing int64 `json:"attachedFromListing,omitempty"`
}

// Quota is a registry's pull limit as it last reported it.
type Quota struct {
	Registry  string `json:"registry"`
	Limit     int    `json:"limit"`
	Remaining int    `json:"remaining"`
	Window    string `json:"window"`
}

// RepositoryOf is the repository of a reference string ("reg/ns/app:tag"
// or "reg/ns/app@sha256:…" → "reg/ns/app"); a string that is no reference
// (a namespace that failed to list) is its own repository.
func RepositoryOf(ref string) string {
	if i := strings.LastIndex(ref, "@"); i >= 0 {
		return ref[:i]
	}
	if i := strings.LastIndex(ref, ":"); i > strings.LastIndex(ref, "/") {
		return ref[:i]
	}
	return ref
}

// Collector gathers results from many goroutines.
type Collector struct {
	mu      sync.Mutex
	results []Result
	repos   map[string]*Repository
}

// Repository updates the record of the repository migrated to dst.
func (c *Collector) Repository(src, dst string, update func(*Repository)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.repos == nil {
		c.repos = map[string]*Repository{}
	}
	r := c.repos[dst]
	if r == nil {
		r = &Repository{Source: src, Destination: dst}
		c.repos[dst] = r
	}
	update(r)
}

// Add records one result; safe for concurrent use.
func (c *Collector) Add(r Result) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.results = append(c.results, r)
}

// Report returns the results sorted by destination, with their summary.
func (c *Collector) Report() Report {
	c.mu.Lock()
	results := append([]Result(nil), c.results...)
	var repos []Repository
	for _, r := range c.repos {
		repos = append(repos, *r)
	}
	c.mu.Unlock()
	sort.SliceStable(results, func(i, j int) bool { return results[i].Destination < results[j].Destination })
	sort.Slice(repos, func(i, j int) bool { return repos[i].Destination < repos[j].Destination })
	return Report{Summary: Summarize(results), Results: results, Repositories: repos}
}

// Summarize counts results by status.
func Summarize(results []Result) Summary {
	var s Summary
	for _, r := range results {
		s.Referrers.Add(r.Referrers)
		if r.Status == StatusExcluded {
			s.Excluded++
			continue
		}
		if r.Scope != "" { // no tag: counted apart
			switch r.Status {
			case StatusFailed:
				s.RepositoriesFailed++
			case StatusPending:
				s.RepositoriesPending++
			}
			continue
		}
		if r.Filtered != nil {
			s.Filtered++
		}
		if r.Signature { // counted apart, but a failed or unstarted one still needs attention
			s.Signatures++
			switch r.Status {
			case StatusFailed:
				s.SignaturesFailed++
			case StatusPending:
				s.SignaturesPending++
			}
			continue
		}
		s.Total++
		switch r.Status {
		case StatusConflict:
			s.Conflicts++
		case StatusCopied:
			s.Copied++
			if r.Overwritten != "" {
				s.Overwritten++
			}
		case StatusSkipped:
			s.Skipped++
		case StatusFailed:
			s.Failed++
		case StatusPlanned:
			s.Planned++
		case StatusPending:
			s.Pending++
		}
		if r.Verified {
			s.Verified++
		}
	}
	s.Referrers.Errors = nil // each stands on its tag's result; the summary only counts
	return s
}

// OK reports whether the run needs no attention: nothing failed, left or in conflict.
func (r Report) OK() bool {
	s := r.Summary
	return s.Failed+s.SignaturesFailed+s.RepositoriesFailed == 0 && s.Pending+s.SignaturesPending+s.RepositoriesPending == 0 &&
		s.Conflicts == 0
}

// WriteFile writes the JSON report to path.
func (r Report) WriteFile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("writing report: %w", err)
	}
	if err := r.WriteJSON(f); err != nil {
		f.Close()
		return fmt.Errorf("writing report %s: %w", path, err)
	}
	return f.Close()
}

// WriteJSON writes the report as indented JSON.
func (r Report) WriteJSON(w io.Writer) error {
	if r.Results == nil {
		r.Results = []Result{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// PrintSelection writes, one line per tag, which filter kept or dropped it
// (--dry-run --explain), and what --platform makes of a kept index:
//
//	KEPT     reg/org/app:v2  linux/amd64 of sha256:… → a new index
//	DROPPED  reg/org/app:v1  --pushed-since 2024-03-01 (pushed 2024-01-02)
func (r Report) PrintSelection(w io.Writer) {
	for _, res := range r.Results {
		if res.Signature || res.Selection == "" && res.Status != StatusExcluded {
			continue
		}
		why, found := strings.CutPrefix(res.Selection, "dropped: ")
		if !found && res.Status != StatusExcluded {
			fmt.Fprintf(w, "  KEPT     %s%s\n", res.Source, filteredNote(res.Filtered))
			continue
		}
		fmt.Fprintf(w, "  DROPPED  %s  %s\n", res.Source, why)
	}
}

func filteredNote(f *Filtered) string {
	switch {
	case f == nil:
		return ""
	case f.Flattened:
		return "  " + strings.Join(f.Platforms, ",") + " of " + f.SourceDigest + " → that platform's own manifest"
	}
	to := "a new index"
	if f.Digest != "" {
		to = f.Digest
	}
	return "  " + strings.Join(f.Platforms, ",") + " of " + f.SourceDigest + " → " + to + " (signatures of the original do not apply)"
}

// Hint suggests what to do about a failure of kind k.
func Hint(k Kind) string {
	switch k {
	case KindImmutable:
		return "the destination keeps this tag immutable: remove the rule or the tag there, or skip it with --exclude"
	case KindUnauthorized, KindDenied:
		return "check the credentials named above: docker login HOST, or CRANE_MIGRATE_SRC_*/CRANE_MIGRATE_DST_*"
	case KindNotFound:
		return "check that the tag or repository exists at the source"
	case KindCorruptBlob:
		return "the source served a blob that is not the one its manifest names (a cache or mirror in front of it?): check it, then run the same command again"
	case KindDigestMismatch, KindPlatformMissing, KindPlatformExtra, KindReferrerMissing:
		return "the destination differs from the source: run the migration again to copy it over"
	case KindInvalidName:
		return "rename the repository: Docker Hub names are 2-255 lowercase letters, digits and . _ - separators"
	case KindPullLimit:
		return "the source's pull limit is spent: run the same command again after its window, or use --on-rate-limit wait"
	}
	return "run the same command again: tags already copied are skipped"
}

func bytesString(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
