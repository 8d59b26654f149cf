package commands

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/crane-migrate/crane-migrate/rewrite"
)

func newRewriteCommand() *cli.Command {
	return &cli.Command{
		Name:      "rewrite",
		Usage:     "point image references in Dockerfiles, Kubernetes and Compose files at the new namespace",
		ArgsUsage: "PATH…",
		Description: "Rewrites FROM and COPY --from in Dockerfiles and image: in YAML, keeping tags and digests. " +
			"Only exact matches of --from change: not oldorg2/…, not oldorg on another registry.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "from", EnvVars: env("REWRITE_FROM"), Usage: "old namespace (oldorg, registry.example.com/team)"},
			&cli.StringFlag{Name: "to", EnvVars: env("REWRITE_TO"), Usage: "new namespace"},
			&cli.BoolFlag{Name: "dry-run", EnvVars: env("DRY_RUN"), Usage: "print a unified diff instead of writing"},
		},
		Action: runRewrite,
	}
}

func runRewrite(c *cli.Context) error {
	if c.NArg() == 0 || c.String("from") == "" || c.String("to") == "" {
		return usagef("rewrite needs --from, --to and at least one PATH")
	}
	rw, err := rewrite.New(c.String("from"), c.String("to"))
	if err != nil {
		return usagef("rewrite: %w", err)
	}
	files, refs, left := 0, 0, 0
	for _, root := range c.Args().Slice() {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if n := d.Name(); path != root && (n == ".git" || n == "vendor" || n == "node_modules") {
					return filepath.SkipDir
				}
				return nil
			}
			kind := rewrite.KindOf(path)
			if kind == rewrite.Unknown || !d.Type().IsRegular() {
				return nil
			}
			n, l, err := rewriteFile(c, rw, kind, path)
			if n > 0 {
				files++
				refs += n
			}
			left += l
			return err
		})
		if err != nil {
			return asUsage(fmt.Errorf("rewrite: %w", err))
		}
	}
	verb := "rewrote"
	if c.Bool("dry-run") {
		verb = "would rewrite"
	}
	fmt.Fprintf(c.App.ErrWriter, "%s %d references in %d files", verb, refs, files)
	if left > 0 {
		fmt.Fprintf(c.App.ErrWriter, "; %d left as they are (listed above): change them by hand", left)
	}
	fmt.Fprintln(c.App.ErrWriter)
	return nil
}

// rewriteFile rewrites one file and returns the references it changed and
// those it left (each warned about: an ARG, flow-style YAML).
func rewriteFile(c *cli.Context, rw *rewrite.Rewriter, kind rewrite.Kind, path string) (int, int, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, 0, err
	}
	updated, n := rw.Text(kind, string(data))
	left := rw.Leftovers(updated)
	for _, l := range left {
		fmt.Fprintf(c.App.ErrWriter, "warning: %s:%d: %s not rewritten (only FROM, COPY --from and image: lines are)\n", filepath.ToSlash(path), l.Line, l.Ref)
	}
	if n == 0 {
		return 0, len(left), nil
	}
	if c.Bool("dry-run") {
		fmt.Fprint(c.App.Writer, rewrite.Diff(filepath.ToSlash(path), string(data), updated))
		return n, len(left), nil
	}
	info, err := os.Stat(path)
	if err != nil {
		return 0, len(left), err
	}
	return n, len(left), os.WriteFile(path, []byte(updated), info.Mode().Perm())
}
