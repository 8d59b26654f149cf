package rewrite

import (
	"fmt"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
)

// hubHosts are the spellings of Docker Hub in a reference.
var hubHosts = map[string]bool{"docker.io": true, "index.docker.io": true, "registry-1.docker.io": true}

// namespace is a registry host (empty for Docker Hub) and a path prefix.
type namespace struct {
	host string
	path string
}

func parseNamespace(s string) (namespace, error) {
	s = strings.Trim(strings.TrimSpace(s), "/")
	host, path := splitHost(s)
	if path == "" || strings.ContainsAny(path, ":@ ") {
		return namespace{}, fmt.Errorf("namespace %q: want oldorg or registry.example.com/team", s)
	}
	// A namespace must make valid references: lowercase, digits and
	// separators, as go-containerregistry (and every registry) checks them.
	if _, err := name.NewRepository(path + "/x"); err != nil {
		return namespace{}, fmt.Errorf("namespace %q: not a valid name (lowercase letters and digits, with . _ - between them)", s)
	}
	return namespace{host: host, path: path}, nil
}

// splitHost splits "host/rest" when the first component looks like a host
// (a dot, a colon or localhost), the way docker reads references. Docker Hub
// spellings come back as "".
func splitHost(s string) (host, rest string) {
	first, after, ok := strings.Cut(s, "/")
	if !ok || !(strings.ContainsAny(first, ".:") || first == "localhost") {
		return "", s
	}
	if hubHosts[first] {
		return "", after
	}
	return first, after
}

// Ref rewrites one image reference from namespace from to namespace to, and
// reports whether it matched. An explicit Docker Hub host stays as written
// when both namespaces are on Docker Hub.
func (r *Rewriter) Ref(ref string) (string, bool) {
	host, rest := splitHost(ref)
	if host != r.from.host || !strings.HasPrefix(rest, r.from.path+"/") {
		return ref, false
	}
	tail := rest[len(r.from.path)+1:]
	if tail == "" || strings.HasPrefix(tail, ":") || strings.HasPrefix(tail, "@") {
		return ref, false
	}
	prefix := r.to.path
	switch {
	case r.to.host != "":
		prefix = r.to.host + "/" + r.to.path
	case r.from.host == "" && ref != rest: // an explicit docker.io/ prefix: keep its spelling
		prefix = ref[:len(ref)-len(rest)] + r.to.path
	}
	return prefix + "/" + tail, true
}
