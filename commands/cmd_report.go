package commands

import (
	"fmt"
	"io"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/crane-migrate/crane-migrate/migrate"
	"github.com/crane-migrate/crane-migrate/pulls"
	"github.com/crane-migrate/crane-migrate/report"
	"github.com/crane-migrate/crane-migrate/shard"
)

// newReportCommand is `report merge FILE…`. merge is the command's first
// argument, not a urfave subcommand: interspersed (args.go) moves a
// command's flags before its arguments, and knows commands one level deep.
func newReportCommand(run *runEnv) *cli.Command {
	return &cli.Command{
		Name:      "report",
		Usage:     "report merge: one report, and the exit code one run would have given, from the reports of shards 0…N-1",
		ArgsUsage: "merge FILE… (- for stdin)",
		Description: "Each FILE is a shard's --report file, or a log whose lines include shard reports " +
			"(org --report-stdout prints one as its last line), such as kubectl logs of the Job's pods. " +
			"A shard missing or given twice is an error naming it.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "report", EnvVars: env("MERGED_REPORT"), Usage: "write the merged JSON report to `FILE`"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Value: "text", EnvVars: env("OUTPUT"),
				Usage: "text (the summary) or json (the merged report) on stdout"},
		},
		Action: func(c *cli.Context) error {
			if c.Args().First() != "merge" {
				return usagef("report takes a verb: report merge FILE…")
			}
			if c.NArg() < 2 {
				return usagef("report merge needs the shards' report files (or - for stdin)")
			}
			if o := c.String("output"); o != "text" && o != "json" {
				return usagef("--output must be text or json, got %q", o)
			}
			rep, err := mergeReports(c.Args().Tail(), c.App.Reader)
			if err != nil {
				return asUsage(err)
			}
			if err := writeMerged(c, rep); err != nil {
				return err
			}
			return mergedOutcome(rep)
		},
	}
}

// mergeReports reads every shard's report (stdin for "-") and merges them.
func mergeReports(paths []string, stdin io.Reader) (report.Report, error) {
	var inputs []shard.Input
	for _, p := range paths {
		r, name := stdin, "stdin"
		if p != "-" {
			f, err := os.Open(p)
			if err != nil {
				return report.Report{}, err
			}
			defer f.Close()
			r, name = f, p
		}
		in, err := shard.Read(name, r)
		if err != nil {
			return report.Report{}, err
		}
		inputs = append(inputs, in...)
	}
	return shard.Merge(inputs)
}

func writeMerged(c *cli.Context, rep report.Report) error {
	if c.String("output") == "json" {
		if err := rep.WriteJSON(c.App.Writer); err != nil {
			return err
		}
	} else {
		rep.PrintSummary(c.App.Writer)
	}
	if f := c.String("report"); f != "" {
		return rep.WriteFile(f)
	}
	return nil
}

// mergedOutcome is the error one unsharded run would have returned with
// this report, for exitCode: a tag left by the pull limit is exit 3, one
// left by an interruption 130, a failure or conflict 1.
func mergedOutcome(rep report.Report) error {
	var limited, interrupted int
	for _, r := range rep.Results {
		if r.Status != report.StatusPending {
			continue
		}
		switch r.Kind {
		case report.KindPullLimit:
			limited++
		default:
			interrupted++
		}
	}
	switch {
	case limited > 0:
		return fmt.Errorf("%w: %d tags not started in the shards it stopped. Run those shards again after the window "+
			"(tags already copied are skipped)", pulls.ErrLimit, rep.Summary.Pending)
	case interrupted > 0:
		return fmt.Errorf("%w: %d tags not done. Run the interrupted shards again", migrate.ErrInterrupted, rep.Summary.Pending)
	case !rep.OK():
		return migrate.ErrFailures
	}
	return nil
}
