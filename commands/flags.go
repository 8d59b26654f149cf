package commands

import (
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/crane-migrate/crane-migrate/migrate"
	"github.com/crane-migrate/crane-migrate/shard"
	"github.com/crane-migrate/crane-migrate/side"
)

// shardFlags split a namespace run across processes (org, verify --org).
func shardFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "shard", EnvVars: env("SHARD"),
			Usage: "migrate only shard `I/N` of the namespace's repositories (a stable hash of each name): N runs with I = 0…N-1 cover each once"},
		&cli.IntFlag{Name: "shards", EnvVars: env("SHARDS"),
			Usage: "with no --shard: shard JOB_COMPLETION_INDEX of `N`, as a pod of an Indexed Job (see the job command)"},
		&cli.BoolFlag{Name: "report-stdout", EnvVars: env("REPORT_STDOUT"),
			Usage: "print the JSON report as one line on stdout, last (for kubectl logs | report merge -)"},
	}
}

// completeShard reads --shard, or --shards and JOB_COMPLETION_INDEX.
func (m *migrateConfig) completeShard(c *cli.Context) error {
	m.reportStdout = c.Bool("report-stdout")
	var err error
	switch {
	case c.String("shard") != "":
		if m.shard, err = shard.Parse(c.String("shard")); err == nil && c.IsSet("shards") && c.Int("shards") != m.shard.Count {
			return usagef("--shard %s and --shards %d disagree", m.shard, c.Int("shards"))
		}
	case c.IsSet("shards"):
		m.shard, err = shard.FromEnv(c.Int("shards"))
	}
	return asUsage(err)
}

const envPrefix = "CRANE_MIGRATE_"

func env(name string) []string { return []string{envPrefix + name} }

// sharedFlags are taken by every command that moves or compares images.
func sharedFlags() []cli.Flag {
	return []cli.Flag{
		&cli.IntFlag{Name: "jobs", Aliases: []string{"j"}, Value: migrate.DefaultJobs, EnvVars: env("JOBS"),
			Usage: "the run's concurrency: this many manifest pulls at a time from a source that counts pulls (Docker Hub), 4× as many tags in each other stage and repositories listed at once"},
		&cli.StringSliceFlag{Name: "include", EnvVars: env("INCLUDE"),
			Usage: "only tags matching this RE2 expression (repeatable)"},
		&cli.StringSliceFlag{Name: "exclude", EnvVars: env("EXCLUDE"),
			Usage: "leave out tags matching this RE2 expression (repeatable)"},
		&cli.StringFlag{Name: "report", EnvVars: env("REPORT"), Usage: "write a JSON report to `FILE`"},
		&cli.StringFlag{Name: "src-hub-api", EnvVars: env("SRC_HUB_API"),
			Usage: "Docker Hub API `URL` for the source (default https://hub.docker.com when the source is Docker Hub)"},
		&cli.StringFlag{Name: "dst-hub-api", EnvVars: env("DST_HUB_API"),
			Usage: "Docker Hub API `URL` for the destination (default https://hub.docker.com when it is Docker Hub)"},
		&cli.StringFlag{Name: "src-username", EnvVars: env("SRC_USERNAME"),
			Usage: "source account, instead of the Docker credential chain (password from CRANE_MIGRATE_SRC_PASSWORD)"},
		&cli.StringFlag{Name: "dst-username", EnvVars: env("DST_USERNAME"),
			Usage: "destination account, instead of the Docker credential chain (password from CRANE_MIGRATE_DST_PASSWORD)"},
		&cli.StringFlag{Name: "docker-config", EnvVars: env("DOCKER_CONFIG"),
			Usage: "`DIR` holding config.json (default $DOCKER_CONFIG, else ~/.docker)"},
		&cli.StringSliceFlag{Name: "insecure-registry", EnvVars: env("INSECURE_REGISTRY"),
			Usage: "allow plain HTTP or unverified TLS to this `HOST` (repeatable; loopback hosts need no flag)"},
		&cli.BoolFlag{Name: "insecure", EnvVars: env("INSECURE"),
			Usage: "allow plain HTTP or unverified TLS to the registries named in the arguments (crane's --insecure)"},
		&cli.StringSliceFlag{Name: "platform", EnvVars: env("PLATFORM"),
			Usage: "only these platforms, `OS/ARCH[/VARIANT]` (repeatable or comma-separated): an index that has others is copied as a new index of these and their attestations (a new digest: its signatures do not apply and are not copied), an image of another platform is excluded"},
		&cli.BoolFlag{Name: "flatten", EnvVars: env("FLATTEN"),
			Usage: "with exactly one --platform: tag that platform's own manifest instead of a one-entry index (what crane copy --platform does)"},
		&cli.StringFlag{Name: "pushed-since", EnvVars: env("PUSHED_SINCE"),
			Usage: "only tags pushed since `WHEN`: a date (2024-03-01, or RFC 3339) or a duration back from now (90d, 12h); needs a Docker Hub source (its listing has the dates)"},
		&cli.StringFlag{Name: "pulled-since", EnvVars: env("PULLED_SINCE"),
			Usage: "only tags pulled since `WHEN` (a date or a duration such as 90d); a tag never pulled is left out; needs a Docker Hub source"},
		&cli.StringFlag{Name: "min-age", EnvVars: env("MIN_AGE"),
			Usage: "leave out tags pushed less than `DURATION` ago (7d, 12h): a tag still being rebuilt is migrated by a later run; needs a Docker Hub source"},
		&cli.IntFlag{Name: "keep-latest", EnvVars: env("KEEP_LATEST"),
			Usage: "per repository, only the `N` most recently pushed tags that pass the other filters; needs a Docker Hub source"},
		&cli.BoolFlag{Name: "explain", EnvVars: env("EXPLAIN"),
			Usage: "say for every tag which filter kept or dropped it (the table, and \"selection\" in --output json)"},
		&cli.StringFlag{Name: "on-rate-limit", Value: "stop", EnvVars: env("ON_RATE_LIMIT"),
			Usage: "when the source's pull limit is reached: stop (exit 3, re-run later) or wait for the window and carry on"},
		&cli.BoolFlag{Name: "with-signatures", Value: true, EnvVars: env("WITH_SIGNATURES"),
			Usage: "include sha256-<digest>.sig/.att/.sbom tags after the image they belong to (--with-signatures=false, or --skip-signatures, to leave them)"},
		&cli.BoolFlag{Name: "skip-signatures", EnvVars: env("SKIP_SIGNATURES"),
			Usage: "leave out sha256-<digest>.sig/.att/.sbom tags (by default they follow their image)"},
		&cli.BoolFlag{Name: "referrers", Value: true, EnvVars: env("REFERRERS"),
			Usage: "include what is attached to each image (OCI 1.1 referrers: signatures, SBOMs, attestations; the sha256-<hex> fallback tag) after it (--referrers=false to leave them)"},
		&cli.StringSliceFlag{Name: "referrer-type", EnvVars: env("REFERRER_TYPE"),
			Usage: "only attached artifacts of this artifact `TYPE` (repeatable; default every type)"},
		&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Value: "text", EnvVars: env("OUTPUT"),
			Usage: "text, or json: the plan or result as JSON on stdout (logs stay on stderr)"},
		&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, EnvVars: env("QUIET"), Usage: "only errors and the final summary"},
		&cli.StringFlag{Name: "log-format", Value: "text", EnvVars: env("LOG_FORMAT"), Usage: "text or json"},
		&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, EnvVars: env("VERBOSE"), Usage: "debug logging"},
	}
}

// copyFlags are taken by the commands that write (copy, repo, org), on top
// of sharedFlags; verify refuses them rather than ignore them.
func copyFlags() []cli.Flag {
	return append(sharedFlags(),
		&cli.BoolFlag{Name: "dry-run", EnvVars: env("DRY_RUN"),
			Usage: "list what would be copied or skipped; write nothing"},
		&cli.BoolFlag{Name: "no-verify", EnvVars: env("NO_VERIFY"),
			Usage: "do not check each copied tag at the destination"},
		&cli.BoolFlag{Name: "no-clobber", EnvVars: env("NO_CLOBBER"),
			Usage: "leave a destination tag that has another digest alone and report a conflict"},
		&cli.BoolFlag{Name: "metadata", Value: true, EnvVars: env("METADATA"),
			Usage: "copy description and README when both sides are Docker Hub (--metadata=false to skip)"},
		&cli.BoolFlag{Name: "deprecate-source", EnvVars: env("DEPRECATE_SOURCE"),
			Usage: "repo and org: after a repository migrated and every tag was confirmed by the destination registry, set its source description to \"Moved to …\""},
		&cli.BoolFlag{Name: "allow-public-destination", EnvVars: env("ALLOW_PUBLIC_DESTINATION"),
			Usage: "copy a private source repository into an existing public destination anyway (refused by default)"},
		&cli.BoolFlag{Name: "copy-immutable-rules", EnvVars: env("COPY_IMMUTABLE_RULES"),
			Usage: "repo and org: after a repository's copies, apply the source's immutable-tag rules to the destination"},
	)
}

// migrateConfig is filled from flags, validated, then run (Complete → Validate → Run).
type migrateConfig struct {
	jobs          int
	include       []string
	exclude       []string
	dryRun        bool
	reportFile    string
	verify        bool
	srcHubAPI     string
	dstHubAPI     string
	srcUser       string
	dockerConfig  string
	insecure      []string
	tls           side.TLSPolicy
	onRateLimit   string
	noClobber     bool
	signatures    bool
	referrers     bool
	referrerTypes []string
	check         bool
	output        string
	quiet         bool
	metadata      bool
	deprecate     bool
	allowPublic   bool
	copyImmutable bool
	dstUser       string
	logFormat     string
	verbose       bool
	filter        migrate.Filter
	concurrency   int
	// srcProbe and dstProbe are the repositories the preflight may ask
	// about with each side's credentials, set by the command.
	srcProbe, dstProbe string
	platforms          []string
	pushedSince        string
	pulledSince        string
	minAge             string
	keepLatest         int
	flatten            bool
	explain            bool
	selection          migrate.Selection
	// accounts: the command takes --src-username and --dst-username.
	accounts bool
	// shard is this run's part of a sharded namespace run (org only).
	shard        shard.Spec
	reportStdout bool
}

// migrateArgs is every migrating command's start: its arguments counted,
// its flags read into a config and validated.
func migrateArgs(c *cli.Context, names ...string) (migrateConfig, error) {
	if err := wantArgs(c, names...); err != nil {
		return migrateConfig{}, err
	}
	cfg := completeMigrate(c)
	return cfg, cfg.validate()
}

func completeMigrate(c *cli.Context) migrateConfig {
	return migrateConfig{
		jobs:          c.Int("jobs"),
		include:       c.StringSlice("include"),
		exclude:       c.StringSlice("exclude"),
		dryRun:        c.Bool("dry-run"),
		reportFile:    c.String("report"),
		verify:        !c.Bool("no-verify"),
		srcHubAPI:     c.String("src-hub-api"),
		dstHubAPI:     c.String("dst-hub-api"),
		srcUser:       c.String("src-username"),
		dstUser:       c.String("dst-username"),
		dockerConfig:  c.String("docker-config"),
		insecure:      insecureHosts(c),
		platforms:     c.StringSlice("platform"),
		pushedSince:   c.String("pushed-since"),
		pulledSince:   c.String("pulled-since"),
		minAge:        c.String("min-age"),
		keepLatest:    c.Int("keep-latest"),
		flatten:       c.Bool("flatten"),
		explain:       c.Bool("explain"),
		onRateLimit:   c.String("on-rate-limit"),
		noClobber:     c.Bool("no-clobber"),
		signatures:    c.Bool("with-signatures") && !c.Bool("skip-signatures"),
		referrers:     c.Bool("referrers"),
		referrerTypes: c.StringSlice("referrer-type"),
		output:        c.String("output"),
		quiet:         c.Bool("quiet"),
		metadata:      c.Bool("metadata"),
		deprecate:     c.Bool("deprecate-source"),
		allowPublic:   c.Bool("allow-public-destination"),
		copyImmutable: c.Bool("copy-immutable-rules"),
		logFormat:     c.String("log-format"),
		verbose:       c.Bool("verbose"),
		accounts:      true,
	}
}

func (m *migrateConfig) validate() error {
	if m.jobs < 1 {
		return usagef("--jobs must be at least 1, got %d", m.jobs)
	}
	if m.logFormat != "text" && m.logFormat != "json" {
		return usagef("--log-format must be text or json, got %q", m.logFormat)
	}
	if m.output == "" {
		m.output = "text"
	}
	if m.output != "text" && m.output != "json" {
		return usagef("--output must be text or json, got %q", m.output)
	}
	if m.onRateLimit == "" {
		m.onRateLimit = "stop"
	}
	if m.onRateLimit != "stop" && m.onRateLimit != "wait" {
		return usagef("--on-rate-limit must be stop or wait, got %q", m.onRateLimit)
	}
	if err := m.validateSelection(time.Now()); err != nil {
		return err
	}
	if err := checkDockerConfig(m.dockerConfig); err != nil {
		return err
	}
	if m.accounts {
		if err := needPassword(m.srcUser, "SRC"); err != nil {
			return err
		}
		if err := needPassword(m.dstUser, "DST"); err != nil {
			return err
		}
	}
	m.tls = side.NewTLSPolicy(m.insecure)
	if m.reportFile != "" {
		if err := writable(m.reportFile); err != nil {
			return usagef("--report: %w", err)
		}
	}
	f, err := migrate.NewFilter(m.include, m.exclude)
	if err != nil {
		return asUsage(err)
	}
	m.filter = f
	// Connections per host: enough for every job plus ggcr's own layer fan-out.
	m.concurrency = max(m.jobs*2, runtime.GOMAXPROCS(0))
	return nil
}

// wantArgs checks the positional argument count.
func wantArgs(c *cli.Context, names ...string) error {
	if c.NArg() != len(names) {
		return usagef("%s needs %d arguments (%v), got %d", c.Command.Name, len(names), names, c.NArg())
	}
	return nil
}

// writable checks up front that the report can be written, so a typo in its
// path fails before the work, not after; it leaves no file behind.
func writable(path string) error {
	_, statErr := os.Stat(path)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	f.Close()
	if os.IsNotExist(statErr) {
		return os.Remove(path)
	}
	return nil
}

// insecureHosts are the --insecure-registry hosts and, with --insecure
// (crane's flag, for every registry), the registry of each argument that
// names one.
func insecureHosts(c *cli.Context) []string {
	hosts := c.StringSlice("insecure-registry")
	if !c.Bool("insecure") {
		return hosts
	}
	for _, a := range c.Args().Slice() {
		if first, _, ok := strings.Cut(a, "/"); ok && (strings.ContainsAny(first, ".:") || first == "localhost") {
			hosts = append(hosts, first)
		}
	}
	return hosts
}

// validateSelection reads the date, count and platform flags into a
// migrate.Selection.
func (m *migrateConfig) validateSelection(now time.Time) error {
	s := migrate.Selection{KeepLatest: m.keepLatest, Flatten: m.flatten, Explain: m.explain, Now: now}
	var err error
	if s.Platforms, err = migrate.ParsePlatforms(m.platforms); err != nil {
		return asUsage(err)
	}
	for _, w := range []struct {
		flag, value string
		into        *time.Time
	}{{"--pushed-since", m.pushedSince, &s.PushedSince}, {"--pulled-since", m.pulledSince, &s.PulledSince}} {
		if w.value == "" {
			continue
		}
		if *w.into, err = migrate.ParseWhen(w.value, now); err != nil {
			return usagef("%s: %w", w.flag, err)
		}
	}
	if m.minAge != "" {
		if s.MinAge, err = migrate.ParseAge(m.minAge); err != nil {
			return usagef("--min-age: %w", err)
		}
	}
	if err := migrate.CheckSelection(s, nil); err != nil {
		return asUsage(err)
	}
	m.selection = s
	return nil
}
