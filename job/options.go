package job

import (
	"fmt"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/crane-migrate/crane-migrate/shard"
)

// Defaults, each stated by its With… option and checked by a test.
const (
	// DefaultName names the Job, its pods' container and the Secret (with
	// SecretSuffix).
	DefaultName = "crane-migrate"
	// SecretSuffix is appended to the Job's name to name the Secret it writes.
	SecretSuffix = "-docker-config"
	// DefaultBackoffLimitPerIndex is how often one shard is retried before
	// its index fails: a shard that failed transiently (exit 1) is re-run
	// on its own, and a re-run skips what is already copied.
	DefaultBackoffLimitPerIndex = 3
	// DefaultTTL keeps a finished Job, its pods and their logs (the
	// shards' reports) for three days: long enough to collect them.
	DefaultTTL = 72 * time.Hour
	// DefaultJobs is crane-migrate's own --jobs default (copy.DefaultJobs),
	// used to size memory when the flags do not set --jobs.
	DefaultJobs = 4
)

// Option configures the manifests. A misused option makes Manifests fail.
type Option func(*options) error

type options struct {
	name, namespace string
	image           string
	parallelism     int // 0: every shard at once
	jobs            int
	args            []string
	creds           []Credential
	accounts        []Account
	secretName      string
	backoffPerIndex int
	ttl             time.Duration
}

func defaults() options {
	return options{name: DefaultName, jobs: DefaultJobs, backoffPerIndex: DefaultBackoffLimitPerIndex, ttl: DefaultTTL}
}

// WithName names the Job (and the Secret it writes, with SecretSuffix).
// Default: DefaultName.
func WithName(name string) Option {
	return func(o *options) error {
		if errs := validation.IsDNS1123Label(name); len(errs) > 0 || len(name)+len(SecretSuffix) > 63 {
			return fmt.Errorf("%w: name %q: a DNS label of at most %d characters (%s)", ErrInvalidOption, name, 63-len(SecretSuffix), strings.Join(errs, "; "))
		}
		o.name = name
		return nil
	}
}

// WithNamespace puts the Job and Secret in a Kubernetes namespace.
// Default: none in the YAML (kubectl's current namespace).
func WithNamespace(ns string) Option {
	return func(o *options) error {
		if errs := validation.IsDNS1123Label(ns); ns != "" && len(errs) > 0 {
			return fmt.Errorf("%w: namespace %q: %s", ErrInvalidOption, ns, strings.Join(errs, "; "))
		}
		o.namespace = ns
		return nil
	}
}

// WithImage is the crane-migrate image the pods run. Required: there is
// no default here (the CLI defaults to the release image of its version).
func WithImage(ref string) Option {
	return func(o *options) error {
		o.image = strings.TrimSpace(ref)
		return nil
	}
}

// WithParallelism runs at most p shards at once. Default: every shard at once.
func WithParallelism(p int) Option {
	return func(o *options) error {
		if p < 1 {
			return fmt.Errorf("%w: parallelism %d: at least 1", ErrInvalidOption, p)
		}
		o.parallelism = p
		return nil
	}
}

// WithJobs is each pod's --jobs, which sizes its memory. Default: DefaultJobs.
func WithJobs(n int) Option {
	return func(o *options) error {
		if n < 1 {
			return fmt.Errorf("%w: jobs %d: at least 1", ErrInvalidOption, n)
		}
		o.jobs = n
		return nil
	}
}

// WithArgs are org flags passed on to every pod ("--include=^v", …), after
// the ones the Job sets. Default: none.
func WithArgs(args ...string) Option {
	return func(o *options) error {
		o.args = append(o.args, args...)
		return nil
	}
}

// WithCredentials puts these registries' credentials in the Secret's
// config.json. Default: none (anonymous pods).
func WithCredentials(creds ...Credential) Option {
	return func(o *options) error {
		o.creds = append(o.creds, creds...)
		return nil
	}
}

// WithAccounts puts --src-username/--dst-username accounts in the Secret,
// read by the pods from CRANE_MIGRATE_{SRC,DST}_{USERNAME,PASSWORD}.
// Default: none.
func WithAccounts(accounts ...Account) Option {
	return func(o *options) error {
		for _, a := range accounts {
			if a.Side != "SRC" && a.Side != "DST" {
				return fmt.Errorf("%w: account side %q: SRC or DST", ErrInvalidOption, a.Side)
			}
		}
		o.accounts = append(o.accounts, accounts...)
		return nil
	}
}

// WithExistingSecret mounts an existing Secret instead of writing one: a
// kubernetes.io/dockerconfigjson Secret (kubectl create secret
// docker-registry, or --from-file=.dockerconfigjson=config.json), which
// may also hold the CRANE_MIGRATE_{SRC,DST}_{USERNAME,PASSWORD} keys.
// Default: the manifests include a Secret of their own.
func WithExistingSecret(name string) Option {
	return func(o *options) error {
		if errs := validation.IsDNS1123Subdomain(name); len(errs) > 0 {
			return fmt.Errorf("%w: secret name %q: %s", ErrInvalidOption, name, strings.Join(errs, "; "))
		}
		o.secretName = name
		return nil
	}
}

// WithBackoffLimitPerIndex retries one shard n times before its index
// fails. Default: DefaultBackoffLimitPerIndex.
func WithBackoffLimitPerIndex(n int) Option {
	return func(o *options) error {
		if n < 0 {
			return fmt.Errorf("%w: backoff limit per index %d: at least 0", ErrInvalidOption, n)
		}
		o.backoffPerIndex = n
		return nil
	}
}

// WithTTL deletes the finished Job (its pods and logs with it) after d.
// Default: DefaultTTL.
func WithTTL(d time.Duration) Option {
	return func(o *options) error {
		if d < time.Second {
			return fmt.Errorf("%w: ttl %v: at least 1s", ErrInvalidOption, d)
		}
		o.ttl = d
		return nil
	}
}

func checkShards(n int) error {
	if _, err := shard.New(0, n); err != nil {
		return fmt.Errorf("%w: --shards: %w", ErrInvalidOption, err)
	}
	return nil
}
