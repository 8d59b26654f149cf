package commands

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/crane-migrate/crane-migrate/credentials"
	"github.com/crane-migrate/crane-migrate/enumerate"
	"github.com/crane-migrate/crane-migrate/job"
)

// releaseImage is where `make image` of a release is pushed; job runs the
// image of its own version.
const releaseImage = "ghcr.io/crane-migrate/crane-migrate"

// credentialTimeout bounds a credential helper that hangs.
const credentialTimeout = 30 * time.Second

// jobLocal are org flags that mean something only on this machine: the
// Job sets its own, or carries them in its Secret.
var jobLocal = map[string]bool{"report": true, "docker-config": true, "src-username": true, "dst-username": true,
	"output": true, "repos-file": true}

func jobFlags() []cli.Flag {
	return []cli.Flag{
		&cli.IntFlag{Name: "shards", EnvVars: env("SHARDS"), Usage: "split the namespace into `N` shards, one pod each (required)"},
		&cli.IntFlag{Name: "parallelism", EnvVars: env("PARALLELISM"), Usage: "run at most `P` shards at once (default: all of them)"},
		&cli.StringFlag{Name: "image", EnvVars: env("IMAGE"),
			Usage: "crane-migrate `IMAGE` the pods run (default " + releaseImage + ":VERSION, this binary's release)"},
		&cli.StringFlag{Name: "secret-name", EnvVars: env("SECRET_NAME"),
			Usage: "mount this existing dockerconfigjson Secret instead of printing one with your credentials"},
		&cli.StringFlag{Name: "name", Value: job.DefaultName, EnvVars: env("JOB_NAME"), Usage: "`NAME` of the Job (and of its Secret, with " + job.SecretSuffix + ")"},
		&cli.StringFlag{Name: "namespace", EnvVars: env("JOB_NAMESPACE"), Usage: "Kubernetes `NAMESPACE` (default: kubectl's current one)"},
		&cli.IntFlag{Name: "backoff-limit-per-index", Value: job.DefaultBackoffLimitPerIndex, EnvVars: env("BACKOFF_LIMIT_PER_INDEX"),
			Usage: "retries of one shard before its index fails"},
		&cli.DurationFlag{Name: "ttl", Value: job.DefaultTTL, EnvVars: env("JOB_TTL"),
			Usage: "delete the finished Job, its pods and their logs (the shards' reports) after this long"},
	}
}

func newJobCommand(run *runEnv) *cli.Command {
	return &cli.Command{
		Name:      "job",
		Usage:     "print a Kubernetes Indexed Job (and its Secret) running org as N shards: kubectl apply -f -",
		ArgsUsage: "SRC_NS DST_NS --shards N",
		Description: "The pods run `org SRC_NS DST_NS --shards N` with the org flags given here, each shard " +
			"taking its index from JOB_COMPLETION_INDEX. The Secret holds your credentials for the two registries, " +
			"resolved now through your Docker credential chain: the YAML holds secrets, apply it, do not commit it.",
		Flags: append(append(copyFlags(), jobFlags()...),
			&cli.StringFlag{Name: "repos-file", EnvVars: env("REPOS_FILE"), Usage: "refused: the pods list the namespace themselves"}),
		Action: func(c *cli.Context) error {
			cfg, err := migrateArgs(c, "SRC_NS", "DST_NS")
			if err != nil {
				return err
			}
			run.configure(cfg)
			opts, err := jobOptions(c, cfg)
			if err != nil {
				return err
			}
			src, dst := c.Args().Get(0), c.Args().Get(1)
			out, err := job.Manifests(src, dst, c.Int("shards"), opts...)
			if err != nil {
				return asUsage(err)
			}
			_, err = c.App.Writer.Write(out)
			return err
		},
	}
}

// jobOptions turns the flags into the Job's options: image, sizes, the org
// flags passed on, and the credentials of both sides.
func jobOptions(c *cli.Context, cfg migrateConfig) ([]job.Option, error) {
	for _, f := range []string{"report", "repos-file"} {
		if c.IsSet(f) {
			return nil, usagef("job: --%s is this machine's: the pods write their own reports (collect them with report merge) and list the namespace themselves", f)
		}
	}
	image := c.String("image")
	if image == "" {
		if version == "dev" {
			return nil, usagef("job: this is a development build, of which no release image exists: build and push one " +
				"(make image IMAGE=registry.example.com/crane-migrate:dev) and pass --image")
		}
		image = releaseImage + ":" + version
	}
	args, err := passedOn(c)
	if err != nil {
		return nil, err
	}
	opts := []job.Option{job.WithImage(image), job.WithName(c.String("name")), job.WithNamespace(c.String("namespace")),
		job.WithJobs(cfg.jobs), job.WithArgs(args...), job.WithBackoffLimitPerIndex(c.Int("backoff-limit-per-index")),
		job.WithTTL(c.Duration("ttl"))}
	if c.IsSet("parallelism") {
		opts = append(opts, job.WithParallelism(c.Int("parallelism")))
	}
	if s := c.String("secret-name"); s != "" {
		return append(opts, job.WithExistingSecret(s)), nil
	}
	creds, err := jobCredentials(c, cfg)
	if err != nil {
		return nil, err
	}
	return append(opts, creds...), nil
}

// passedOn renders the org flags the user set (on the command line or in
// the environment) for the pods, --name=value each.
func passedOn(c *cli.Context) ([]string, error) {
	var args []string
	own := map[string]bool{}
	for _, f := range jobFlags() {
		own[f.Names()[0]] = true
	}
	for _, f := range c.Command.Flags {
		n := f.Names()[0]
		if own[n] || jobLocal[n] || !c.IsSet(n) {
			continue
		}
		switch f.(type) {
		case *cli.BoolFlag:
			args = append(args, fmt.Sprintf("--%s=%t", n, c.Bool(n)))
		case *cli.IntFlag:
			args = append(args, fmt.Sprintf("--%s=%d", n, c.Int(n)))
		case *cli.StringFlag:
			args = append(args, fmt.Sprintf("--%s=%s", n, c.String(n)))
		case *cli.StringSliceFlag:
			for _, v := range c.StringSlice(n) {
				args = append(args, fmt.Sprintf("--%s=%s", n, v))
			}
		default:
			return nil, fmt.Errorf("job: cannot pass --%s on to the pods (a %T)", n, f)
		}
	}
	return args, nil
}

// jobCredentials resolves both sides' credentials now, through the chain
// org would use here, for the Secret: an account given with
// --src/--dst-username as itself, anything else as its registry's
// config.json entry. Nothing of them is logged.
func jobCredentials(c *cli.Context, cfg migrateConfig) ([]job.Option, error) {
	var opts []job.Option
	for _, s := range []struct {
		side, user, ns string
	}{{"SRC", cfg.srcUser, c.Args().Get(0)}, {"DST", cfg.dstUser, c.Args().Get(1)}} {
		if s.user != "" {
			opts = append(opts, job.WithAccounts(job.Account{Side: s.side, Username: s.user, Password: os.Getenv(envPrefix + s.side + "_PASSWORD")}))
			continue
		}
		ns, err := enumerate.ParseNamespace(s.ns, cfg.tls.NameOptions(s.ns)...)
		if err != nil {
			return nil, asUsage(err)
		}
		var kopts []credentials.Option
		if cfg.dockerConfig != "" {
			kopts = append(kopts, credentials.WithConfigDir(cfg.dockerConfig))
		}
		kc, err := credentials.New(kopts...)
		if err != nil {
			return nil, asUsage(err)
		}
		host := ns.Registry.RegistryStr()
		ctx, cancel := context.WithTimeout(c.Context, credentialTimeout)
		ac, from, err := kc.LookupContext(ctx, host)
		cancel()
		if err != nil {
			return nil, asUsage(fmt.Errorf("%s credentials for %s: %w", strings.ToLower(s.side), host, err))
		}
		if from == credentials.AnonymousSource {
			fmt.Fprintf(c.App.ErrWriter, "warning: no credentials for %s in your Docker config: the pods will be anonymous there\n", host)
		}
		opts = append(opts, job.WithCredentials(job.Credential{Host: host, Auth: ac}))
	}
	return opts, nil
}
