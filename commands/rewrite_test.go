package commands

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRewriteCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	files := map[string]string{
		"Dockerfile":            "FROM oldorg/base:1.0 AS build\nCOPY --from=oldorg/tools@sha256:" + strings.Repeat("a", 64) + " /t /t\nFROM oldorg2/base:1.0\n",
		"deploy/app.yaml":       "spec:\n  containers:\n    - image: oldorg/web:2.1\n    - image: quay.io/oldorg/web:2.1\n",
		"compose.yml":           "services:\n  api:\n    image: \"docker.io/oldorg/api:3\"\n",
		"README.md":             "image: oldorg/web:2.1 stays in prose\n",
		".git/config.yaml":      "image: oldorg/web:1\n",
		"vendor/x/Dockerfile":   "FROM oldorg/base\n",
		"deploy/untouched.yaml": "image: nginx:1.25\n",
	}
	for p, c := range files {
		path := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var out, errb bytes.Buffer
	code := Run(context.Background(), []string{"crane-migrate", "rewrite", "--from", "oldorg", "--to", "neworg", "--dry-run", dir}, &out, &errb)
	if code != 0 {
		t.Fatalf("dry run exit %d: %s", code, errb.String())
	}
	for _, want := range []string{"-FROM oldorg/base:1.0 AS build", "+FROM neworg/base:1.0 AS build", "+    - image: neworg/web:2.1", `+    image: "docker.io/neworg/api:3"`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("diff lacks %q:\n%s", want, out.String())
		}
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "Dockerfile")); string(got) != files["Dockerfile"] {
		t.Error("--dry-run wrote a file")
	}
	if !strings.Contains(errb.String(), "would rewrite 4 references in 3 files") {
		t.Errorf("stderr %q", errb.String())
	}

	out.Reset()
	errb.Reset()
	if code := Run(context.Background(), []string{"crane-migrate", "rewrite", "--from", "oldorg", "--to", "neworg", dir}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	want := map[string]string{
		"Dockerfile":      "FROM neworg/base:1.0 AS build\nCOPY --from=neworg/tools@sha256:" + strings.Repeat("a", 64) + " /t /t\nFROM oldorg2/base:1.0\n",
		"deploy/app.yaml": "spec:\n  containers:\n    - image: neworg/web:2.1\n    - image: quay.io/oldorg/web:2.1\n",
		"compose.yml":     "services:\n  api:\n    image: \"docker.io/neworg/api:3\"\n",
	}
	for p, c := range files {
		got, _ := os.ReadFile(filepath.Join(dir, p))
		w, changed := want[p]
		if !changed {
			w = c
		}
		if string(got) != w {
			t.Errorf("%s =\n%s\nwant\n%s", p, got, w)
		}
	}
}
