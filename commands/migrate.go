package commands

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/sirupsen/logrus"
	"github.com/urfave/cli/v2"

	"github.com/crane-migrate/crane-migrate/credentials"
	"github.com/crane-migrate/crane-migrate/migrate"
	"github.com/crane-migrate/crane-migrate/progress"
	"github.com/crane-migrate/crane-migrate/pulls"
	"github.com/crane-migrate/crane-migrate/report"
	"github.com/crane-migrate/crane-migrate/side"
)

// runMigration builds both sides from the flags, checks them, hands the
// run to package migrate, prints its report and returns its error for
// exitCode.
func runMigration(c *cli.Context, run *runEnv, cfg migrateConfig, target migrate.Target, srcReg, dstReg name.Registry) error {
	run.configure(cfg)
	log := run.log
	var quota pulls.Quota // one record of limits for both sides, by host
	src, err := cfg.newSide(c, sideSpec{label: "source", envName: "SRC", registry: srcReg, hubAPI: cfg.srcHubAPI, username: cfg.srcUser}, log, &quota)
	if err != nil {
		return err
	}
	dst, err := cfg.newSide(c, sideSpec{label: "destination", envName: "DST", registry: dstReg, hubAPI: cfg.dstHubAPI,
		username: cfg.dstUser, write: !cfg.dryRun && !cfg.check}, log, &quota)
	if err != nil {
		return err
	}
	if err := preflight(c.Context, cfg, src, dst); err != nil {
		return asUsage(err)
	}
	if err := migrate.CheckSelection(cfg.selection, src); err != nil {
		return asUsage(err) // date filters on a registry without a Docker Hub listing: exit 2
	}
	display := progress.New(c.App.ErrWriter, progress.WithQuiet(cfg.quiet), progress.WithLogger(log))
	defer display.Close()
	log.SetOutput(display.Writer()) // log lines print above the bars, not through them
	rep, err := migrate.Run(c.Context, target, src, dst, cfg.runOptions(run, display)...)
	display.Close()
	log.SetOutput(c.App.ErrWriter)
	if !finished(err) {
		return err
	}
	if err := printReport(c, cfg, rep, log); err != nil {
		return err
	}
	return err
}

// finished says a run's error comes with a complete report.
func finished(err error) bool {
	return err == nil || errors.Is(err, migrate.ErrFailures) || errors.Is(err, migrate.ErrInterrupted) || errors.Is(err, pulls.ErrLimit)
}

func (m migrateConfig) runOptions(run *runEnv, p migrate.Progress) []migrate.Option {
	return []migrate.Option{
		migrate.WithJobs(m.jobs),
		migrate.WithLogger(run.log),
		migrate.WithStop(run.stop),
		migrate.WithProgress(p),
		migrate.WithDryRun(m.dryRun),
		migrate.WithCheckOnly(m.check),
		migrate.WithVerify(m.verify),
		migrate.WithNoClobber(m.noClobber),
		migrate.WithFilter(m.filter),
		migrate.WithSelection(m.selection),
		migrate.WithSignatures(m.signatures),
		migrate.WithReferrers(m.referrers, m.referrerTypes...),
		migrate.WithMetadata(m.metadata),
		migrate.WithDeprecateSource(m.deprecate),
		migrate.WithAllowPublicDestination(m.allowPublic),
		migrate.WithImmutableRules(m.copyImmutable),
		migrate.WithPullLimitWait(m.onRateLimit == "wait"),
		migrate.WithShard(m.shard),
	}
}

// printReport prints the result (stdout) and writes --report. With
// --log-format json each cause of failure is a log line too, for whoever
// reads the log rather than the summary.
func printReport(c *cli.Context, cfg migrateConfig, rep report.Report, log logrus.FieldLogger) error {
	stdout := c.App.Writer
	if cfg.logFormat == "json" {
		logFailures(log, rep)
	}
	switch {
	case cfg.output == "json":
		if err := rep.WriteJSON(stdout); err != nil {
			return err
		}
	case cfg.dryRun:
		if cfg.verbose {
			printPlanList(stdout, rep)
		}
		printPlan(stdout, rep)
		if cfg.explain {
			rep.PrintSelection(stdout)
		}
		printPullPlan(stdout, rep.PullPlan)
		rep.HubAPI.Print(stdout)
		rep.PrintSummary(stdout)
	default:
		rep.PrintSummary(stdout)
	}
	printNoMatch(stdout, cfg, rep)
	if cfg.reportFile != "" {
		if err := rep.WriteFile(cfg.reportFile); err != nil {
			return err
		}
	}
	if cfg.reportStdout { // last, on a line of its own: a pod's last line of output
		line, err := json.Marshal(rep)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(stdout, "%s\n", line)
		return err
	}
	return nil
}

// sideSpec is what the flags and environment say about one side.
type sideSpec struct {
	label, envName string // envName is SRC or DST
	registry       name.Registry
	hubAPI         string
	username       string
	write          bool // the run writes to this side: one push token serves reads too
}

// newSide builds one side from the flags: its credentials (the Docker
// chain, or --src/--dst-username with the password from the environment)
// and connections.
func (m migrateConfig) newSide(c *cli.Context, spec sideSpec, log logrus.FieldLogger, quota *pulls.Quota) (*side.Side, error) {
	var kopts []credentials.Option
	if m.dockerConfig != "" {
		kopts = append(kopts, credentials.WithConfigDir(m.dockerConfig))
	}
	if spec.username != "" {
		prefix := envPrefix
		if spec.envName != "" {
			prefix += spec.envName + "_"
		}
		kopts = append(kopts, credentials.WithOverride(spec.username, os.Getenv(prefix+"PASSWORD"), prefix+"USERNAME"))
	}
	kc, err := credentials.New(kopts...)
	if err != nil {
		return nil, asUsage(fmt.Errorf("%s credentials: %w", spec.label, err))
	}
	s, err := side.New(c.Context, spec.registry, side.WithLabel(spec.label), side.WithKeychain(kc), side.WithHubAPI(spec.hubAPI),
		side.WithWrite(spec.write), side.WithConcurrency(m.concurrency), side.WithPullsAtOnce(m.jobs), side.WithTLS(m.tls), side.WithLogger(log), side.WithQuota(quota))
	if err != nil {
		return nil, asUsage(err)
	}
	return s, nil
}

// logFailures logs one structured line per cause of failure, with its
// count and first few tags; the JSON report has each tag.
func logFailures(log logrus.FieldLogger, rep report.Report) {
	for _, g := range report.Failures(rep.Results) {
		var first []string
		for _, res := range g.Results[:min(len(g.Results), 3)] {
			first = append(first, res.Destination)
		}
		f := logrus.Fields{"kind": g.Kind, "count": len(g.Results), "cause": g.Cause, "first": first,
			"hint": report.HintFor(g.Results[0])}
		for k, v := range map[string]string{"side": g.Side, "scope": g.Scope} {
			if v != "" {
				f[k] = v
			}
		}
		log.WithFields(f).Error("failed")
	}
}
