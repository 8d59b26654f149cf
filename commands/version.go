package commands

import (
	"fmt"
	"runtime/debug"

	"github.com/urfave/cli/v2"
)

// Version information, set at build time with -ldflags -X (see Makefile).
var (
	version = "dev"
	commit  = "none"
)

const ggcrModule = "github.com/google/go-containerregistry"

// versionString is what --version prints: ours, the commit, and the
// go-containerregistry version doing the copying, since its behaviour is ours.
func versionString() string {
	ggcr := "unknown"
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, m := range bi.Deps {
			if m.Path == ggcrModule {
				ggcr = m.Version
			}
		}
	}
	return fmt.Sprintf("%s (commit %s, go-containerregistry %s)", version, commit, ggcr)
}

func newVersionCommand() *cli.Command {
	return &cli.Command{
		Name:  "version",
		Usage: "print the version (also --version)",
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usagef("version takes no arguments")
			}
			cli.ShowVersion(c)
			return nil
		},
	}
}
