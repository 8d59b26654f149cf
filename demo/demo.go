package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Env is a running demo: a source namespace full of images and an empty
// destination namespace, each on its own in-memory registry.
type Env struct {
	Source      string // e.g. 127.0.0.1:41234/oldorg
	Destination string // e.g. 127.0.0.1:41235/neworg
	servers     []*http.Server
}

// Start serves two registries on 127.0.0.1 and seeds the source.
func Start(ctx context.Context) (*Env, error) {
	e := &Env{}
	src, err := e.serve(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	if err != nil {
		return nil, err
	}
	dst, err := e.serve(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	if err != nil {
		e.Close()
		return nil, err
	}
	e.Source, e.Destination = src+"/oldorg", dst+"/neworg"
	if err := seed(ctx, e.Source); err != nil {
		e.Close()
		return nil, fmt.Errorf("seeding demo images: %w", err)
	}
	return e, nil
}

func (e *Env) serve(h http.Handler) (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("demo registry: %w", err)
	}
	s := &http.Server{Handler: h}
	e.servers = append(e.servers, s)
	go func() { _ = s.Serve(l) }()
	return l.Addr().String(), nil
}

// Close stops the registries; their contents vanish with them.
func (e *Env) Close() {
	for _, s := range e.servers {
		_ = s.Close()
	}
}

// seed pushes: web 1.0, 1.1 and latest (= 1.1), web 2.0 as a linux/amd64 +
// linux/arm64 index; api v1 and v2 sharing a base layer; worker 0.1.
func seed(ctx context.Context, ns string) error {
	base, err := random.Layer(2048, types.DockerLayer)
	if err != nil {
		return err
	}
	put := func(ref string, t remote.Taggable) error { return push(ctx, ns+"/"+ref, t) }
	var latest v1.Image
	for _, ref := range []string{"web:1.0", "web:1.1", "api:v1", "api:v2", "worker:0.1"} {
		img, err := demoImage(base, "linux/amd64")
		if err != nil {
			return err
		}
		if err := put(ref, img); err != nil {
			return err
		}
		if ref == "web:1.1" {
			latest = img
		}
	}
	if err := put("web:latest", latest); err != nil {
		return err
	}
	idx := mutate.IndexMediaType(empty.Index, types.OCIImageIndex)
	for _, p := range []string{"linux/amd64", "linux/arm64"} {
		img, err := demoImage(base, p)
		if err != nil {
			return err
		}
		os, arch, _ := strings.Cut(p, "/")
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{Add: img,
			Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: os, Architecture: arch}}})
	}
	return put("web:2.0", idx)
}

// demoImage is an image of platform ("os/arch") on the shared base layer.
func demoImage(base v1.Layer, platform string) (v1.Image, error) {
	top, err := random.Layer(1024, types.DockerLayer)
	if err != nil {
		return nil, err
	}
	img, err := mutate.AppendLayers(empty.Image, base, top)
	if err != nil {
		return nil, err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf.OS, cf.Architecture, _ = strings.Cut(platform, "/")
	return mutate.ConfigFile(img, cf)
}

// push writes an image or index as ref.
func push(ctx context.Context, ref string, t remote.Taggable) error {
	r, err := name.ParseReference(ref)
	if err != nil {
		return err
	}
	switch t := t.(type) {
	case v1.ImageIndex:
		return remote.WriteIndex(r, t, remote.WithContext(ctx))
	case v1.Image:
		return remote.Write(r, t, remote.WithContext(ctx))
	}
	return errors.New("unknown artifact")
}
