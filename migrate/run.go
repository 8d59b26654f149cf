package migrate

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
	"github.com/sirupsen/logrus"

	"github.com/crane-migrate/crane-migrate/copy"
	"github.com/crane-migrate/crane-migrate/enumerate"
	"github.com/crane-migrate/crane-migrate/hub"
	"github.com/crane-migrate/crane-migrate/pulls"
	"github.com/crane-migrate/crane-migrate/report"
	"github.com/crane-migrate/crane-migrate/side"
)

// Errors a run ends with, after its report is complete; callers branch with
// errors.Is. A run stopped by the source's pull limit wraps pulls.ErrLimit.
var (
	ErrFailures    = errors.New("some tags failed")
	ErrInterrupted = errors.New("interrupted")
)

// run is one migration (or verification) in progress.
type run struct {
	o        options
	log      logrus.FieldLogger
	src, dst *side.Side
	srcList  *enumerate.Lister
	dstList  *enumerate.Lister
	engine   *copy.Engine
	results  report.Collector
	repos    tracker
	listings entries
	events   chan listed // a repository's tasks are all sent
	owned    []string    // the shard's repositories, written by the producer only
}

// Run migrates target from src to dst and returns the report. ctx ends
// copies in flight (the second Ctrl-C); WithStop only stops new work. The
// error is nil, ErrFailures, ErrInterrupted or wraps pulls.ErrLimit when
// the report is complete; anything else means the run could not start.
func Run(ctx context.Context, target Target, src, dst *side.Side, opts ...Option) (report.Report, error) {
	o := defaults()
	for _, opt := range opts {
		if err := opt(&o); err != nil {
			return report.Report{}, fmt.Errorf("migrate: %w", err)
		}
	}
	started := time.Now()
	r := &run{o: o, log: o.log, src: src, dst: dst, events: make(chan listed, o.jobs)}
	var err error
	// Date filters read what only the Docker Hub listing carries.
	if r.srcList, err = enumerate.NewLister(src, enumerate.WithHubTagsOnly(o.selection.needsDates())); err != nil {
		return report.Report{}, err
	}
	if r.dstList, err = enumerate.NewLister(dst); err != nil {
		return report.Report{}, err
	}
	if r.engine, err = copy.New(src, dst, r.engineOptions()...); err != nil {
		return report.Report{}, err
	}
	stop, cancel := stopContext(ctx, o.stop)
	defer cancel()
	tasks := make(chan copy.Task, o.jobs*2)
	results := make(chan report.Result, o.jobs)
	go func() {
		defer close(r.events)
		defer close(tasks)
		defer o.progress.EnumerationDone()
		target.produce(stop, r, tasks)
	}()
	go func() {
		defer close(results)
		r.engine.Run(stop, ctx, tasks, results)
	}()
	r.track(ctx, results)

	rep := r.results.Report()
	rep.Summary.Repositories = repositories(rep)
	rep.Summary.BytesUploaded, rep.Summary.Mounts = r.engine.Traffic()
	rep.Summary.Seconds = time.Since(started).Round(100 * time.Millisecond).Seconds()
	rep.Shard = r.o.shard.Info(r.owned)
	if o.dryRun {
		rep.PullPlan = r.pullPlan(ctx, rep)
	}
	rep.HubAPI = r.hubAPI()
	return rep, r.outcome(ctx, stop, rep)
}

func (r *run) engineOptions() []copy.Option {
	opts := []copy.Option{
		copy.WithJobs(r.o.jobs),
		copy.WithLogger(r.log),
		copy.WithDryRun(r.o.dryRun),
		copy.WithNoClobber(r.o.noClobber),
		copy.WithVerify(r.o.verify),
		copy.WithCheckOnly(r.o.check),
		copy.WithReferrers(r.o.referrers, r.o.referrerTypes...),
		copy.WithStarted(func(t copy.Task) { r.o.progress.Start(t.Destination.Context().String()) }),
	}
	if r.o.wait {
		opts = append(opts, copy.WithPullLimitWait(r.src.Quota))
	}
	return opts
}

// stopContext is ctx, also cancelled when stop closes.
func stopContext(ctx context.Context, stop <-chan struct{}) (context.Context, context.CancelFunc) {
	c, cancel := context.WithCancel(ctx)
	if stop != nil {
		go func() {
			select {
			case <-stop:
				cancel()
			case <-c.Done():
			}
		}()
	}
	return c, cancel
}

// outcome is the run's error once its report is complete.
func (r *run) outcome(ctx, stop context.Context, rep report.Report) error {
	srcReg := r.src.Registry
	switch {
	case r.engine.PullLimited() && !strings.HasPrefix(notStarted(rep.Summary), "0 "):
		when := "once the limit window resets (Docker Hub: within 6 hours, or sooner with a paid plan)"
		if d, ok := r.src.Quota.Wait(srcReg.RegistryStr()); ok {
			when = "after " + time.Now().Add(d).Format(time.RFC1123)
		}
		return fmt.Errorf("%w at %s: %s not started. Run the same command again %s; tags already copied "+
			"are skipped at no pull cost (or use --on-rate-limit wait)", pulls.ErrLimit, srcReg, notStarted(rep.Summary), when)
	case ctx.Err() != nil:
		return fmt.Errorf("%w: copies in flight aborted (nothing half written), %s not done. "+
			"Run the same command again to finish", ErrInterrupted, notStarted(rep.Summary))
	case stop.Err() != nil:
		return fmt.Errorf("%w: copies in flight finished, %s not started (and more not listed yet). "+
			"Run the same command again to finish", ErrInterrupted, notStarted(rep.Summary))
	case !rep.OK():
		return ErrFailures
	}
	return nil
}

// notStarted counts what the run left, as the summary does: tags, then
// signature tags and repositories apart ("3 tags, 1 signature tag"), "0
// tags" when nothing was left.
func notStarted(s report.Summary) string {
	var parts []string
	if s.Pending > 0 {
		parts = append(parts, report.Plural(s.Pending, "tag"))
	}
	if s.SignaturesPending > 0 {
		parts = append(parts, report.Plural(s.SignaturesPending, "signature tag"))
	}
	if s.RepositoriesPending > 0 {
		parts = append(parts, report.Plural(s.RepositoriesPending, "repository", "repositories"))
	}
	if len(parts) == 0 {
		return "0 tags"
	}
	return strings.Join(parts, ", ")
}

// pullPlan states the manifest GETs the plan needs against the source's
// pull quota. When no answer reported the quota yet (the plan was made
// from listings alone), one probe asks for it: a HEAD, not a pull.
func (r *run) pullPlan(ctx context.Context, rep report.Report) *report.PullPlan {
	n, unknown := r.engine.PlannedPulls()
	p := &report.PullPlan{Needed: n, UnknownIndexes: unknown}
	p.AttachedLookups, p.AttachedFromListing = r.engine.AttachedLookups()
	host := r.src.Registry.RegistryStr()
	l, ok := r.src.Quota.For(host)
	if !ok {
		if ref, found := plannedSource(rep); found {
			l, ok, _ = pulls.Probe(ctx, r.src.Auth, ref) // no quota line is all a failed probe costs
		}
	}
	if ok {
		p.Quota = &report.Quota{Registry: r.src.Registry.String(), Limit: l.Limit, Remaining: l.Remaining, Window: l.Window.String()}
	}
	return p
}

// plannedSource is a source reference the plan would copy, for the probe.
func plannedSource(rep report.Report) (name.Reference, bool) {
	for _, res := range rep.Results {
		if res.Status != report.StatusPlanned {
			continue
		}
		if ref, err := name.ParseReference(res.Source); err == nil {
			return ref, true
		}
	}
	return nil, false
}

// repositories counts the destination repositories the run touched: one
// that failed to list (Summary.RepositoriesFailed) is not among them.
func repositories(rep report.Report) int {
	seen := map[string]bool{}
	for _, res := range rep.Results {
		if res.Scope == "" { // a repository that failed to list was not migrated
			seen[report.RepositoryOf(res.Destination)] = true
		}
	}
	return len(seen)
}

// fail records a failure that has no single tag: a repository that could
// not be listed or prepared. It is no tag, so it is counted apart
// (report.Summary.RepositoriesFailed), and the display is told so by its
// Scope, without a task added for it. One cut short by Ctrl-C is pending,
// not failed.
func (r *run) fail(ctx context.Context, source, destination string, err error) {
	r.failIn(ctx, report.ScopeRepository, source, destination, err)
}

// failEmpty records a namespace that listed no repository: a typo, or
// credentials that cannot see it; not found, as far as the user can tell.
func (r *run) failEmpty(ctx context.Context, source, destination string, err error) {
	r.failIn(ctx, report.ScopeNamespace, source, destination, &emptyError{err})
}

// emptyError is a listing that found nothing: KindNotFound.
type emptyError struct{ error }

func (e *emptyError) Unwrap() error { return e.error }

// failIn is fail for a scope: a namespace's listing fails as a namespace.
func (r *run) failIn(ctx context.Context, scope, source, destination string, err error) {
	res := report.Result{Source: source, Destination: destination, Status: report.StatusFailed, Kind: kindOf(err), Scope: scope}
	if _, empty := err.(*emptyError); empty {
		res.Kind = report.KindNotFound
	}
	res.Side, res.Error = r.words(scope, source, destination, res.Kind, err)
	if ctx.Err() != nil && errors.Is(err, context.Canceled) {
		res.Status, res.Error, res.Kind = report.StatusPending, "not listed: interrupted", report.KindInterrupted
	}
	r.results.Add(res)
	r.o.progress.Done(report.RepositoryOf(destination), res, 0)
}

// words says what failed in the user's words, and on which side: the
// listing libraries' texts (a diagnostic's map[name:…]) stay in the
// debug log.
func (r *run) words(scope, source, destination string, kind report.Kind, err error) (string, string) {
	where, ref := report.SideSource, source
	var te *transport.Error
	if errors.As(err, &te) && te.Request != nil && te.Request.URL.Host != r.src.Registry.RegistryStr() {
		where, ref = report.SideDestination, destination
	}
	r.log.WithError(err).WithField("scope", scope).Debug("listing failed")
	switch {
	case kind == report.KindNotFound && errors.Is(err, enumerate.ErrRepositoryNotFound):
		return where, ref + ": no such " + scope + " at the " + where
	case kind == report.KindUnauthorized && te != nil:
		return where, ref + ": the " + where + " registry refused the credentials (401 Unauthorized)"
	case kind == report.KindDenied && te != nil:
		return where, ref + ": the " + where + " registry denied access (403 Forbidden)"
	case te != nil:
		return where, fmt.Sprintf("%s: the %s registry answered %d %s", ref, where, te.StatusCode, http.StatusText(te.StatusCode))
	}
	return "", err.Error()
}

// kindOf classifies a failure of the run's own (a listing, a Docker Hub
// call) as copy.KindOf does a tag's.
func kindOf(err error) report.Kind {
	switch {
	case errors.Is(err, hub.ErrInvalidName):
		return report.KindInvalidName
	case errors.Is(err, hub.ErrForbidden):
		return report.KindDenied
	case errors.Is(err, hub.ErrNotFound), errors.Is(err, enumerate.ErrRepositoryNotFound):
		return report.KindNotFound
	}
	return copy.KindOf(err)
}

// hubAPI is what the run spent of each side's Docker Hub API budget.
func (r *run) hubAPI() *report.HubAPI {
	if r.src.Hub == nil && r.dst.Hub == nil {
		return nil
	}
	h := &report.HubAPI{}
	h.Source, h.SourceLimit = spent(r.src)
	h.Destination, h.DestinationLimit = spent(r.dst)
	return h
}

func spent(s *side.Side) (map[string]int, int) {
	if s.Hub == nil {
		return nil, 0
	}
	out := map[string]int{}
	for route, n := range s.Hub.Requests() {
		out[string(route)] = n
	}
	limit := 0
	if u, err := url.Parse(s.Hub.BaseURL()); err == nil {
		limit, _ = s.Quota.APILimit(u.Host)
	}
	return out, limit
}
