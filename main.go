// Command crane-migrate moves container images between registries and
// Docker Hub namespaces. All of it lives in package commands; main only turns
// signals into the run's context and exits with the code Run picks.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/crane-migrate/crane-migrate/commands"
)

func main() {
	ctx, stop := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sigs
		os.Stderr.WriteString("\ninterrupted: finishing the copies in flight, starting no more (Ctrl-C again to abort them)\n")
		stop() // the first signal: start no new work
		<-sigs
		os.Exit(130) // the second: abort; no tag is half written, since manifests go last
	}()
	code := commands.Run(ctx, os.Args, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
