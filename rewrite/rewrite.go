package rewrite

import (
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
)

// Rewriter rewrites references from one namespace to another.
type Rewriter struct {
	from, to namespace
}

// New returns a Rewriter from namespace from (oldorg, or
// registry.example.com/team) to namespace to.
func New(from, to string) (*Rewriter, error) {
	f, err := parseNamespace(from)
	if err != nil {
		return nil, err
	}
	t, err := parseNamespace(to)
	if err != nil {
		return nil, err
	}
	if f == t {
		return nil, fmt.Errorf("%w: --from and --to are both %q", ErrSameNamespace, from)
	}
	return &Rewriter{from: f, to: t}, nil
}

// ErrSameNamespace is a Rewriter from a namespace to itself: it would
// report references rewritten and change nothing.
var ErrSameNamespace = errors.New("nothing to rewrite")

// Kind is the sort of file, which decides where references are looked for.
type Kind int

// The kinds of file Rewriter understands.
const (
	Unknown Kind = iota
	Dockerfile
	YAML
)

// KindOf tells a file's kind from its name: Dockerfile, *.dockerfile,
// Containerfile; *.yaml and *.yml (Kubernetes, Compose).
func KindOf(path string) Kind {
	base := strings.ToLower(filepath.Base(path))
	switch {
	case base == "dockerfile" || strings.HasPrefix(base, "dockerfile.") || strings.HasSuffix(base, ".dockerfile") ||
		base == "containerfile" || strings.HasPrefix(base, "containerfile."):
		return Dockerfile
	case strings.HasSuffix(base, ".yaml") || strings.HasSuffix(base, ".yml"):
		return YAML
	}
	return Unknown
}

var (
	// FROM [--platform=…] ref [AS name]
	fromLine = regexp.MustCompile(`(?i)^(\s*FROM\s+(?:--\S+\s+)*)(\S+)`)
	// COPY --from=ref (also on RUN --mount=…,from=ref)
	copyFrom = regexp.MustCompile(`(?i)(--from=|[,\s]from=)([^\s,]+)`)
	// image: ref, quoted or not, in a list or not
	imageKey = regexp.MustCompile(`^(\s*(?:-\s+)?image:\s*["']?)([^"'\s#]+)`)
)

// Text rewrites content of the given kind and returns the result and the
// number of references changed.
func (r *Rewriter) Text(kind Kind, content string) (string, int) {
	lines := strings.SplitAfter(content, "\n")
	n := 0
	for i, line := range lines {
		switch kind {
		case Dockerfile:
			line = r.replace(fromLine, line, &n)
			line = r.replace(copyFrom, line, &n)
		case YAML:
			line = r.replace(imageKey, line, &n)
		}
		lines[i] = line
	}
	return strings.Join(lines, ""), n
}

// replace rewrites the reference in group 2 of every match of re in line.
func (r *Rewriter) replace(re *regexp.Regexp, line string, n *int) string {
	return re.ReplaceAllStringFunc(line, func(m string) string {
		g := re.FindStringSubmatch(m)
		ref, ok := r.Ref(g[2])
		if !ok {
			return m
		}
		*n++
		return g[1] + ref + m[len(g[1])+len(g[2]):]
	})
}

// Leftover is a reference to the old namespace that Text leaves alone:
// one on a line it does not rewrite (ARG or ENV, flow-style YAML such as
// `containers: [{image: oldorg/x:1}]`, a script).
type Leftover struct {
	Line int    // 1-based
	Ref  string // as written
}

// tokenSeparators split a line into candidate references.
const tokenSeparators = " \t\r\n\"'=[]{},()`;"

// Leftovers lists the references to the old namespace still in content
// (after Text), comment lines aside, so the caller can say what it did not
// change rather than leave it unsaid.
func (r *Rewriter) Leftovers(content string) []Leftover {
	var out []Leftover
	for i, line := range strings.Split(content, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		for _, tok := range strings.FieldsFunc(line, func(c rune) bool { return strings.ContainsRune(tokenSeparators, c) }) {
			tok = strings.TrimPrefix(tok, "image:") // `{image:oldorg/x}` without a space
			if _, ok := r.Ref(tok); ok {
				out = append(out, Leftover{Line: i + 1, Ref: tok})
			}
		}
	}
	return out
}
