package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// binDir holds crane, crane-migrate and kubectl-crane_migrate (a copy of
// crane-migrate), built once in TestMain for every test here.
var binDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "crane-bin")
	if err == nil {
		binDir = dir
		err = buildBinaries(dir)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func buildBinaries(dir string) error {
	build := exec.Command("go", "build", "-buildvcs=false", "-o", dir+string(filepath.Separator),
		"github.com/crane-migrate/crane-migrate", "github.com/crane-migrate/crane-migrate/cmd/crane")
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %v\n%s", err, out)
	}
	bin, err := os.ReadFile(filepath.Join(dir, "crane-migrate"))
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "kubectl-crane_migrate"), bin, 0o755)
}

// fakeKubectl is kubectl's plugin lookup, reduced to what `kubectl
// crane-migrate …` needs: the first argument, dashes made underscores, names
// kubectl-<it> on PATH, which is exec'd by its full path with the rest.
const fakeKubectl = `#!/bin/sh
name=$1; shift
while :; do case $name in *-*) name=${name%%-*}_${name#*-} ;; *) break ;; esac; done
plugin=$(command -v "kubectl-$name") || { echo "no plugin kubectl-$name" >&2; exit 1; }
exec "$plugin" "$@"
`

type result struct {
	stdout, stderr string
	code           int
}

// execute runs a program with only the environment given, plus a HOME and a
// DOCKER_CONFIG of its own, so no user configuration reaches it.
func execute(t *testing.T, env []string, name string, args ...string) result {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append([]string{"HOME=" + t.TempDir(), "DOCKER_CONFIG=" + t.TempDir()}, env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("running %s: %v", name, err)
	}
	return result{stdout.String(), stderr.String(), cmd.ProcessState.ExitCode()}
}

// TestKubectlPlugin runs the plugin as kubectl would and checks its help
// names it as users type it. The real kubectl runs it when one is on PATH;
// a shell script doing kubectl's plugin lookup always does, so the test
// means the same with or without kubectl.
func TestKubectlPlugin(t *testing.T) {
	t.Parallel()
	fakeDir := t.TempDir()
	if err := os.WriteFile(filepath.Join(fakeDir, "kubectl"), []byte(fakeKubectl), 0o755); err != nil {
		t.Fatal(err)
	}
	realKubectl, _ := exec.LookPath("kubectl")
	tests := []struct {
		name string
		path string // PATH: the plugin first, so no installed one is found instead
		argv []string
	}{
		{"the plugin binary", binDir, []string{filepath.Join(binDir, "kubectl-crane_migrate"), "--help"}},
		{"kubectl plugin lookup, emulated", binDir, []string{filepath.Join(fakeDir, "kubectl"), "crane-migrate", "--help"}},
		{"kubectl on PATH", binDir + string(os.PathListSeparator) + os.Getenv("PATH"), []string{realKubectl, "crane-migrate", "--help"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if tc.argv[0] == "" {
				t.Skip("no kubectl on PATH")
			}
			r := execute(t, []string{"PATH=" + tc.path}, tc.argv[0], tc.argv[1:]...)
			if r.code != 0 {
				t.Fatalf("exit code %d, stderr:\n%s", r.code, r.stderr)
			}
			if !strings.Contains(r.stdout, "kubectl crane-migrate") {
				t.Errorf("help does not say kubectl crane-migrate:\n%s", r.stdout)
			}
		})
	}
}

// TestCrane runs the built crane: crane's own commands, and migrate.
func TestCrane(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout []string // regular expressions stdout must match
		wantStderr string   // a regular expression stderr must match whole
	}{{
		name:       "crane's help lists its commands and migrate",
		args:       []string{"--help"},
		wantStdout: []string{`Crane is a tool for managing container images`, `(?m)^\s+copy\s`, `(?m)^\s+digest\s`, `(?m)^\s+manifest\s`, `(?m)^\s+migrate\s`},
	}, {
		name:       "crane version",
		args:       []string{"version"},
		wantStdout: []string{`^\S+\n$`},
	}, {
		name:       "migrate help is crane-migrate's",
		args:       []string{"migrate", "--help"},
		wantStdout: []string{`crane migrate - `, `(?m)^\s+copy\b`, `(?m)^\s+repo\s`, `(?m)^\s+org\s`, `(?m)^\s+verify\s`},
	}, {
		name:       "migrate usage error exits 2 with one line",
		args:       []string{"migrate", "copy"},
		wantCode:   2,
		wantStderr: `error: [^\n]+\n`,
	}, {
		name:       "crane help migrate is crane-migrate's too",
		args:       []string{"help", "migrate"},
		wantStdout: []string{`crane migrate - `, `(?m)^\s+copy\b`, `(?m)^\s+org\s`},
	}, {
		// crane's global flags reach migrate: accepted before the command
		// (the run then stops at its own check, same source and destination).
		name:       "crane --verbose migrate",
		args:       []string{"--verbose", "migrate", "copy", "127.0.0.1:5000/a:1", "127.0.0.1:5000/a:1"},
		wantCode:   2,
		wantStderr: `error: the source and destination reference are the same[^\n]+\n`,
	}, {
		name:       "crane migrate copy --insecure",
		args:       []string{"migrate", "copy", "--insecure", "registry.internal/a:1", "registry.internal/a:1"},
		wantCode:   2,
		wantStderr: `error: the source and destination reference are the same[^\n]+\n`,
	}, {
		// crane's global --platform reaches crane-migrate's own (issue 15):
		// the run gets as far as comparing the references.
		name:       "crane --platform migrate is passed through",
		args:       []string{"--platform", "linux/amd64", "migrate", "copy", "registry.internal/a:1", "registry.internal/a:1"},
		wantCode:   2,
		wantStderr: `error: the source and destination reference are the same[^\n]+\n`,
	}, {
		name:       "crane --platform with no platform in it",
		args:       []string{"--platform", "amd64", "migrate", "copy", "registry.internal/a:1", "registry.internal/b:1"},
		wantCode:   2,
		wantStderr: `error: [^\n]*amd64[^\n]*\n`,
	}, {
		name:       "a failing crane command exits 1",
		args:       []string{"digest"},
		wantCode:   1,
		wantStderr: `(?s)Error: .*`,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := execute(t, []string{"PATH=" + binDir}, filepath.Join(binDir, "crane"), tc.args...)
			if r.code != tc.wantCode {
				t.Errorf("exit code %d, want %d; stderr:\n%s", r.code, tc.wantCode, r.stderr)
			}
			for _, re := range tc.wantStdout {
				if !regexp.MustCompile(re).MatchString(r.stdout) {
					t.Errorf("stdout does not match %s:\n%s", re, r.stdout)
				}
			}
			if !regexp.MustCompile(`^` + tc.wantStderr + `$`).MatchString(r.stderr) {
				t.Errorf("stderr does not match %s:\n%s", tc.wantStderr, r.stderr)
			}
		})
	}
}
