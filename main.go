// Command crane-migrate moves container images between registries and
// Docker Hub namespaces. All of it lives in package commands, signals
// included, so that `crane migrate` behaves the same; main only exits with
// the code Run picks.
package main

import (
	"context"
	"os"

	"github.com/crane-migrate/crane-migrate/commands"
)

func main() {
	os.Exit(commands.Run(context.Background(), os.Args, os.Stdout, os.Stderr))
}
