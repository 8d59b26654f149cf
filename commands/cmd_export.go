package commands

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/urfave/cli/v2"

	"github.com/crane-migrate/crane-migrate/hub"
	"github.com/crane-migrate/crane-migrate/migrate"
	"github.com/crane-migrate/crane-migrate/pulls"
)

func newExportCommand(run *runEnv) *cli.Command {
	return &cli.Command{
		Name:      "export",
		Usage:     "write a Docker Hub namespace's repositories as CSV or JSON",
		ArgsUsage: "NS",
		Description: "Every page, private repositories included when the credentials can see them: " +
			"namespace,name,is_private,last_updated,pull_count,star_count.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "format", Value: "csv", EnvVars: env("EXPORT_FORMAT"), Usage: "csv or json"},
			&cli.StringFlag{Name: "hub-api", EnvVars: env("HUB_API"), Usage: "Docker Hub API `URL` (default https://hub.docker.com)"},
			&cli.StringFlag{Name: "username", EnvVars: env("USERNAME"),
				Usage: "account, instead of the Docker credential chain (password from CRANE_MIGRATE_PASSWORD)"},
			&cli.StringFlag{Name: "docker-config", EnvVars: env("DOCKER_CONFIG"), Usage: "`DIR` holding config.json"},
			&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, EnvVars: env("VERBOSE"), Usage: "debug logging"},
		},
		Action: func(c *cli.Context) error { return runExport(c, run) },
	}
}

func runExport(c *cli.Context, run *runEnv) error {
	if err := wantArgs(c, "NS"); err != nil {
		return err
	}
	format := c.String("format")
	if format != "csv" && format != "json" {
		return usagef("--format must be csv or json, got %q", format)
	}
	if err := noScheme("namespace", c.Args().Get(0)); err != nil {
		return err
	}
	ns, err := migrate.ParseNamespace(c.Args().Get(0))
	if err != nil {
		return asUsage(err)
	}
	// Without --hub-api the namespace is asked of hub.docker.com: a
	// namespace on another registry would list whoever owns that name there.
	if ns.Registry.RegistryStr() != name.DefaultRegistry && c.String("hub-api") == "" {
		return usagef("export lists a Docker Hub namespace, and %s is on %s: pass --hub-api URL if that registry serves a Docker Hub API, "+
			"or export %s to list Docker Hub's", ns, ns.Registry.RegistryStr(), ns.Path)
	}
	if err := needPassword(c.String("username"), ""); err != nil {
		return err
	}
	cfg := migrateConfig{jobs: 1, logFormat: "text", verbose: c.Bool("verbose"), dockerConfig: c.String("docker-config"), srcHubAPI: c.String("hub-api")}
	if err := cfg.validate(); err != nil {
		return err
	}
	run.configure(cfg)
	api := cfg.srcHubAPI
	if api == "" {
		api = hub.DefaultBaseURL
	}
	s, err := cfg.newSide(c, sideSpec{label: "source", envName: "", registry: ns.Registry, hubAPI: api, username: c.String("username")}, run.log, &pulls.Quota{})
	if err != nil {
		return err
	}
	repos, err := listHubRepositories(c, run, s.Hub, ns.Path)
	if err != nil {
		return err
	}
	if format == "json" {
		enc := json.NewEncoder(c.App.Writer)
		enc.SetIndent("", "  ")
		return enc.Encode(repos)
	}
	w := csv.NewWriter(c.App.Writer)
	_ = w.Write([]string{"namespace", "name", "is_private", "last_updated", "pull_count", "star_count"})
	for _, r := range repos {
		_ = w.Write([]string{r.Namespace, r.Name, strconv.FormatBool(r.IsPrivate), r.LastUpdated,
			strconv.FormatInt(r.PullCount, 10), strconv.Itoa(r.StarCount)})
	}
	w.Flush()
	return w.Error()
}

// listHubRepositories reads every page of ns, warning when it shows no
// private repository: the credentials may not see them.
func listHubRepositories(c *cli.Context, run *runEnv, client *hub.Client, ns string) ([]hub.Repository, error) {
	var repos []hub.Repository
	private := 0
	for r, err := range client.Repositories(c.Context, ns) {
		if err != nil {
			return nil, fmt.Errorf("listing %s: %w", ns, err)
		}
		repos = append(repos, r)
		if r.IsPrivate {
			private++
		}
	}
	if private == 0 {
		run.log.Warnf("no private repositories in %s: if it has some, these credentials cannot see them "+
			"(an organization access token needs the scope-repository-list scope)", ns)
	}
	return repos, nil
}
