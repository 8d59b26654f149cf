package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/google/go-containerregistry/pkg/crane"

	"github.com/crane-migrate/crane-migrate/commands"
)

// tool migrates src/oldorg to dst/ns.
type tool struct {
	name string
	run  func(ctx context.Context, c config, src, dst, ns string) error
}

var tools = []tool{
	{"crane-migrate", runCraneMigrate},
	{"crane.CopyRepository", runBaseline},
}

// runCraneMigrate runs the real command line in-process, with an empty
// Docker config so the user's credentials play no part.
func runCraneMigrate(ctx context.Context, c config, src, dst, ns string) error {
	dir, err := os.MkdirTemp("", "bench-config-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	args := []string{"crane-migrate", "org", src + "/oldorg", dst + "/" + ns,
		"--jobs", strconv.Itoa(c.jobs), "--docker-config", dir, "--referrers=" + strconv.FormatBool(c.referrers)}
	if code := commands.Run(ctx, args, io.Discard, io.Discard); code != 0 {
		return fmt.Errorf("crane-migrate exited %d", code)
	}
	return nil
}

// runBaseline is what a script around crane does: CopyRepository per
// repository, one after another, with the same job count.
func runBaseline(ctx context.Context, c config, src, dst, ns string) error {
	for r := range c.repos {
		from := fmt.Sprintf("%s/oldorg/app%d", src, r)
		to := fmt.Sprintf("%s/%s/app%d", dst, ns, r)
		if err := crane.CopyRepository(from, to, crane.WithJobs(c.jobs), crane.WithContext(ctx)); err != nil {
			return fmt.Errorf("crane.CopyRepository %s: %w", from, err)
		}
	}
	return nil
}
