// Command image builds crane-migrate's OCI image with go-containerregistry
// — no Docker daemon — and pushes it:
//
//	go run ./packaging/image -dist dist -image ghcr.io/crane-migrate/crane-migrate:v0.1.0 linux/amd64 linux/arm64
//
// For each OS/ARCH it takes DIST/OS_ARCH/crane-migrate (a static binary the
// Makefile built with CGO_ENABLED=0) and makes an image of one layer on an
// empty base: the binary as /crane-migrate and as /kubectl-crane_migrate,
// the CA certificates of the build machine (-ca), an empty /tmp; its
// entrypoint is the binary and its user 65532, the non-root user the Job's
// pods run as. The images go into one OCI index, pushed to -image with the
// Docker credential chain (package credentials). Files carry fixed times, so
// the same binaries give the same digests. The Makefile's `image` target is
// its caller; the Job (package job) runs what it pushes.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/crane-migrate/crane-migrate/credentials"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "image:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("image", flag.ContinueOnError)
	dist := fs.String("dist", "dist", "directory holding OS_ARCH/crane-migrate")
	ref := fs.String("image", "", "where to push the image index (registry/repository:tag)")
	ca := fs.String("ca", DefaultCA, "CA certificates bundle put in the image")
	insecure := fs.Bool("insecure", false, "push over plain HTTP (a loopback registry needs no flag)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *ref == "" || fs.NArg() == 0 {
		return fmt.Errorf("usage: image -image REF [-dist DIR] [-ca FILE] OS/ARCH…")
	}
	var nopts []name.Option
	if *insecure {
		nopts = append(nopts, name.Insecure)
	}
	tag, err := name.NewTag(*ref, nopts...)
	if err != nil {
		return fmt.Errorf("parsing -image %q: %w", *ref, err)
	}
	certs, err := os.ReadFile(*ca)
	if err != nil {
		return fmt.Errorf("reading CA certificates: %w", err)
	}
	idx, err := Index(*dist, certs, fs.Args()...)
	if err != nil {
		return err
	}
	kc, err := credentials.New()
	if err != nil {
		return err
	}
	if err := remote.WriteIndex(tag, idx, remote.WithContext(ctx), remote.WithAuthFromKeychain(kc)); err != nil {
		return fmt.Errorf("pushing %s: %w", tag, err)
	}
	d, err := idx.Digest()
	if err != nil {
		return err
	}
	fmt.Printf("%s@%s\n", tag, d)
	return nil
}
