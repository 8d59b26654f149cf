package rewrite_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/crane-migrate/crane-migrate/rewrite"
)

func TestRef(t *testing.T) {
	t.Parallel()
	tests := []struct {
		from, to, in, want string
	}{
		{"oldorg", "neworg", "oldorg/app:1.2", "neworg/app:1.2"},
		{"oldorg", "neworg", "oldorg/app@sha256:abc", "neworg/app@sha256:abc"},
		{"oldorg", "neworg", "oldorg/app:1.2@sha256:abc", "neworg/app:1.2@sha256:abc"},
		{"oldorg", "neworg", "docker.io/oldorg/app", "docker.io/neworg/app"},
		{"oldorg", "neworg", "index.docker.io/oldorg/app:v1", "index.docker.io/neworg/app:v1"},
		{"oldorg", "registry.example.com/team", "docker.io/oldorg/app:v1", "registry.example.com/team/app:v1"},
		{"registry.example.com/team", "neworg", "registry.example.com/team/app", "neworg/app"},
		// near misses stay as they are
		{"oldorg", "neworg", "oldorg2/app:1", "oldorg2/app:1"},
		{"oldorg", "neworg", "myoldorg/app", "myoldorg/app"},
		{"oldorg", "neworg", "quay.io/oldorg/app", "quay.io/oldorg/app"},
		{"oldorg", "neworg", "oldorg:latest", "oldorg:latest"},
		{"oldorg", "neworg", "library/oldorg", "library/oldorg"},
		{"registry.example.com/team", "neworg", "registry.example.com/team2/app", "registry.example.com/team2/app"},
		{"registry.example.com/team", "neworg", "team/app", "team/app"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			r, err := rewrite.New(tt.from, tt.to)
			if err != nil {
				t.Fatal(err)
			}
			got, changed := r.Ref(tt.in)
			if got != tt.want || changed != (tt.in != tt.want) {
				t.Errorf("Ref(%q) = %q, %v; want %q", tt.in, got, changed, tt.want)
			}
		})
	}
}

func TestText(t *testing.T) {
	t.Parallel()
	dockerfile := `# build on oldorg/base
FROM oldorg/base:1.0 AS build
FROM --platform=$BUILDPLATFORM docker.io/oldorg/tools@sha256:abc AS tools
FROM oldorg2/base:1.0
COPY --from=build /out /out
COPY --from=oldorg/assets:2 /a /a
RUN --mount=type=bind,from=oldorg/cache:1,target=/c true
FROM quay.io/oldorg/base
`
	wantDockerfile := `# build on oldorg/base
FROM neworg/base:1.0 AS build
FROM --platform=$BUILDPLATFORM docker.io/neworg/tools@sha256:abc AS tools
FROM oldorg2/base:1.0
COPY --from=build /out /out
COPY --from=neworg/assets:2 /a /a
RUN --mount=type=bind,from=neworg/cache:1,target=/c true
FROM quay.io/oldorg/base
`
	yaml := `apiVersion: apps/v1
kind: Deployment
spec:
  template:
    spec:
      containers:
        - name: web
          image: oldorg/web:1.2.3 # pinned
        - image: "oldorg/sidecar@sha256:def"
          name: sidecar
      initContainers:
        - image: 'oldorg2/init:1'
services:
  api:
    image: oldorg/api
    labels:
      note: "oldorg/api is the old name"
`
	wantYAML := strings.NewReplacer("image: oldorg/web", "image: neworg/web", `"oldorg/sidecar`, `"neworg/sidecar`,
		"image: oldorg/api", "image: neworg/api").Replace(yaml)
	r, _ := rewrite.New("oldorg", "neworg")
	tests := []struct {
		name  string
		kind  rewrite.Kind
		in    string
		want  string
		count int
	}{
		{"dockerfile", rewrite.Dockerfile, dockerfile, wantDockerfile, 4},
		{"yaml", rewrite.YAML, yaml, wantYAML, 3},
		{"unknown kind", rewrite.Unknown, yaml, yaml, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, n := r.Text(tt.kind, tt.in)
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
			if n != tt.count {
				t.Errorf("changed %d, want %d", n, tt.count)
			}
		})
	}
}

func TestKindOf(t *testing.T) {
	t.Parallel()
	for path, want := range map[string]rewrite.Kind{
		"Dockerfile": rewrite.Dockerfile, "build/Dockerfile.prod": rewrite.Dockerfile, "x.dockerfile": rewrite.Dockerfile,
		"Containerfile": rewrite.Dockerfile, "k8s/deploy.yaml": rewrite.YAML, "compose.yml": rewrite.YAML,
		"main.go": rewrite.Unknown, "README.md": rewrite.Unknown,
	} {
		if got := rewrite.KindOf(path); got != want {
			t.Errorf("KindOf(%q) = %v, want %v", path, got, want)
		}
	}
}

// TestDiffAppliesWithPatch checks the diff is a real unified diff: patch(1)
// turns the old file into the new one.
func TestDiffAppliesWithPatch(t *testing.T) {
	t.Parallel()
	patch, err := exec.LookPath("patch")
	if err != nil {
		t.Skip("patch(1) not installed") // the diff's shape is still checked below
	}
	var old strings.Builder
	for i := range 20 {
		if i == 3 || i == 5 || i == 17 {
			old.WriteString("FROM oldorg/app:1\n")
			continue
		}
		old.WriteString("RUN echo line\n")
	}
	r, _ := rewrite.New("oldorg", "neworg")
	updated, _ := r.Text(rewrite.Dockerfile, old.String())
	d := rewrite.Diff("Dockerfile", old.String(), updated)
	if strings.Count(d, "@@ -") != 2 {
		t.Errorf("want 2 hunks:\n%s", d)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte(old.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(patch, "-p1")
	cmd.Dir, cmd.Stdin = dir, strings.NewReader(d)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("patch: %v\n%s\n%s", err, out, d)
	}
	got, _ := os.ReadFile(filepath.Join(dir, "Dockerfile"))
	if string(got) != updated {
		t.Errorf("patched file differs from the rewrite")
	}
}

func TestNewRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, from, to string
		same           bool
	}{
		{"same namespace", "oldorg", "oldorg", true},
		{"same, spelt with docker.io", "oldorg", "docker.io/oldorg", true},
		{"uppercase destination", "oldorg", "NewOrg", false},
		{"uppercase source", "OldOrg", "neworg", false},
		{"tag in namespace", "oldorg", "neworg:1", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := rewrite.New(tt.from, tt.to)
			if err == nil {
				t.Fatalf("New(%q, %q) accepted", tt.from, tt.to)
			}
			if got := errors.Is(err, rewrite.ErrSameNamespace); got != tt.same {
				t.Errorf("New(%q, %q) = %v; ErrSameNamespace %t, want %t", tt.from, tt.to, err, got, tt.same)
			}
		})
	}
}

func TestLeftovers(t *testing.T) {
	t.Parallel()
	r, err := rewrite.New("oldorg", "neworg")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		kind    rewrite.Kind
		content string
		want    []rewrite.Leftover
	}{
		{"ARG default", rewrite.Dockerfile, "ARG BASE=oldorg/base:1\nFROM ${BASE}\n", []rewrite.Leftover{{Line: 1, Ref: "oldorg/base:1"}}},
		{"flow YAML", rewrite.YAML, "spec:\n  containers: [{name: a, image: oldorg/x:1}]\n", []rewrite.Leftover{{Line: 2, Ref: "oldorg/x:1"}}},
		{"rewritten lines are not leftovers", rewrite.YAML, "- image: oldorg/x:1\n", nil},
		{"comments are not", rewrite.Dockerfile, "# was oldorg/base:1\nFROM oldorg/base:2\n", nil},
		{"near misses are not", rewrite.Dockerfile, "ARG BASE=oldorg2/base:1\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out, _ := r.Text(tt.kind, tt.content)
			if diff := cmp.Diff(tt.want, r.Leftovers(out)); diff != "" {
				t.Errorf("Leftovers (-want +got):\n%s", diff)
			}
		})
	}
}
