package e2e

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"

	"github.com/crane-migrate/crane-migrate/e2e/harness"
)

// mistake is one thing a first-time user gets wrong, and what the binary
// must answer: the exit code, at most maxLines lines of output in all, and
// the words that say what to do.
type mistake struct {
	name     string
	env      []string
	args     []string
	code     int
	want     []string // each must appear in stdout+stderr
	maxLines int      // 0: 1
	within   time.Duration
}

func (m mistake) check(t *testing.T) {
	t.Helper()
	start := time.Now()
	r := cli(t, m.env, m.args...)
	took := time.Since(start)
	out := r.stdout + r.stderr
	if r.code != m.code {
		t.Fatalf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, m.code, r.stdout, r.stderr)
	}
	maxLines := max(m.maxLines, 1)
	if n := len(nonEmptyLines(out)); n > maxLines {
		t.Errorf("%d lines of output, want at most %d:\n%s", n, maxLines, out)
	}
	for _, w := range m.want {
		if !strings.Contains(out, w) {
			t.Errorf("output does not say %q:\n%s", w, out)
		}
	}
	if m.within > 0 && took > m.within {
		t.Errorf("took %v, want within %v", took, m.within)
	}
}

func nonEmptyLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

// TestFirstContactConventions: flags where crane and kubectl users put
// them, -v as verbose everywhere, --version and a version command.
func TestFirstContactConventions(t *testing.T) {
	t.Parallel()
	src, dst := harness.MustStartRegistry(t), harness.MustStartRegistry(t)
	seedImage(t, src.Host()+"/oldorg/app:v1")
	from, to := src.Host()+"/oldorg", dst.Host()+"/neworg"
	tests := []struct {
		name   string
		args   []string
		want   []string // in stdout+stderr
		refuse []string // must not appear
	}{
		{name: "-v before the command is verbose, not the version", args: []string{"-v", "org", from, to, "--dry-run"},
			want: []string{"1 tag:", "level=debug"}, refuse: []string{"version dev"}},
		{name: "--verbose before the command", args: []string{"--verbose", "org", from, to, "--dry-run"}, want: []string{"1 tag:", "level=debug"}},
		{name: "a command flag before the command", args: []string{"--dry-run", "org", from, to}, want: []string{"1 planned"}},
		{name: "a flag with its value before the command", args: []string{"--jobs", "2", "--dry-run", "org", from, to}, want: []string{"1 planned"}},
		{name: "-j2", args: []string{"org", from, to, "-j2", "--dry-run"}, want: []string{"1 planned"}},
		{name: "--version", args: []string{"--version"}, want: []string{"version dev"}},
		{name: "version command", args: []string{"version"}, want: []string{"version dev", "go-containerregistry"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := cli(t, nil, tt.args...).expect(t, 0)
			for _, w := range tt.want {
				if !strings.Contains(r.stdout+r.stderr, w) {
					t.Errorf("output does not say %q:\nstdout:\n%s\nstderr:\n%s", w, r.stdout, r.stderr)
				}
			}
			for _, w := range tt.refuse {
				if strings.Contains(r.stdout+r.stderr, w) {
					t.Errorf("output says %q:\n%s", w, r.stdout+r.stderr)
				}
			}
		})
	}
}

// TestFirstContactMistakes: each mistake is one line, before any work,
// saying what to do, with exit 2.
func TestFirstContactMistakes(t *testing.T) {
	t.Parallel()
	plain, other := harness.MustStartRegistry(t), harness.MustStartRegistry(t)
	locked := harness.MustStartRegistry(t, harness.WithHtpasswd(map[string]string{"alice": "alice-pw"}))
	seedImage(t, plain.Host()+"/oldorg/app:v1")
	seedImage(t, locked.Host()+"/oldorg/app:v1", harness.WithAuth(&authn.Basic{Username: "alice", Password: "alice-pw"}))
	p, o, l := plain.Host(), other.Host(), locked.Host()

	// A registry that accepts connections and never answers.
	hung, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { hung.Close() })
	go func() {
		var held []net.Conn
		for {
			c, err := hung.Accept()
			if err != nil {
				for _, c := range held {
					c.Close()
				}
				return
			}
			held = append(held, c)
		}
	}()
	// A port nothing listens on.
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	nothing := closed.Addr().String()
	closed.Close()

	notADir := filepath.Join(t.TempDir(), "config.json")
	if err := os.WriteFile(notADir, []byte(`{}`), 0o600); err != nil {
		t.Fatal(err)
	}
	wrongSrc := append(dockerConfig(t, `{}`, nil), "CRANE_MIGRATE_SRC_USERNAME=alice", "CRANE_MIGRATE_SRC_PASSWORD=wrong")
	wrongDst := dockerConfig(t, `{"auths":{"`+l+`":{"auth":"`+b64("alice:wrong")+`"}}}`, nil)

	tests := []mistake{
		// Credentials refused by the registry: one line naming them.
		{name: "wrong source password", env: wrongSrc, args: []string{"copy", l + "/oldorg/app:v1", p + "/neworg/app:v1"}, code: 2,
			want: []string{"source registry " + l, `user "alice" from CRANE_MIGRATE_SRC_USERNAME`, "docker login " + l, "CRANE_MIGRATE_SRC_PASSWORD"}},
		{name: "wrong destination password in config.json", env: wrongDst, args: []string{"repo", p + "/oldorg/app", l + "/neworg/app"}, code: 2,
			want: []string{"destination registry " + l, `user "alice" from`, "config.json", "docker login " + l, "CRANE_MIGRATE_DST_USERNAME"}},
		{name: "wrong password, namespace run", env: wrongSrc, args: []string{"org", l + "/oldorg", p + "/neworg"}, code: 2,
			want: []string{"source registry " + l, "docker login " + l}},
		{name: "unreachable registry", args: []string{"copy", nothing + "/oldorg/app:v1", p + "/neworg/app:v1"}, code: 2,
			want: []string{"source registry " + nothing, "not reachable", "check the host name and port"}, within: 5 * time.Second},
		{name: "registry that never answers", args: []string{"org", p + "/oldorg", hung.Addr().String() + "/neworg"}, code: 2,
			want: []string{"destination registry " + hung.Addr().String(), "not reachable", "no answer within"}, within: 20 * time.Second},

		// Configuration.
		{name: "--docker-config names no directory", args: []string{"copy", "--docker-config", filepath.Join(t.TempDir(), "nosuch"), p + "/oldorg/app:v1", o + "/neworg/app:v1"}, code: 2,
			want: []string{"--docker-config", "no such directory"}},
		{name: "--docker-config names the file", args: []string{"copy", "--docker-config", notADir, p + "/oldorg/app:v1", o + "/neworg/app:v1"}, code: 2,
			want: []string{"not a directory"}},
		{name: "credsStore helper not installed", env: dockerConfig(t, `{"credsStore":"nosuch"}`, nil),
			args: []string{"copy", p + "/oldorg/app:v1", o + "/neworg/app:v1"}, code: 2,
			want: []string{"docker-credential-nosuch", "install docker-credential-nosuch"}},
		{name: "credHelpers helper not installed", env: dockerConfig(t, `{"credHelpers":{"`+o+`":"gone"}}`, nil),
			args: []string{"copy", p + "/oldorg/app:v1", o + "/neworg/app:v1"}, code: 2,
			want: []string{"destination", "docker-credential-gone", "install docker-credential-gone"}},
		{name: "malformed config.json", env: dockerConfig(t, `{"auths": {`, nil),
			args: []string{"copy", p + "/oldorg/app:v1", o + "/neworg/app:v1"}, code: 2,
			want: []string{"config.json", "not valid JSON", "fix that file"}},
		{name: "username flag without password", args: []string{"copy", "--src-username", "alice", l + "/oldorg/app:v1", p + "/neworg/app:v1"}, code: 2,
			want: []string{"CRANE_MIGRATE_SRC_PASSWORD is empty", "export CRANE_MIGRATE_SRC_PASSWORD"}},
		{name: "username in the environment without password", env: []string{"CRANE_MIGRATE_DST_USERNAME=alice"},
			args: []string{"copy", p + "/oldorg/app:v1", l + "/neworg/app:v1"}, code: 2,
			want: []string{"CRANE_MIGRATE_DST_PASSWORD is empty"}},
		{name: "password without username", env: []string{"CRANE_MIGRATE_SRC_PASSWORD=x"},
			args: []string{"copy", p + "/oldorg/app:v1", o + "/neworg/app:v1"}, code: 2,
			want: []string{"CRANE_MIGRATE_SRC_PASSWORD is set without a username"}},

		// Names.
		{name: "export of a registry namespace without --hub-api", args: []string{"export", p + "/oldorg"}, code: 2,
			want: []string{"--hub-api", "Docker Hub namespace"}},
		{name: "org to itself", args: []string{"org", p + "/oldorg", p + "/oldorg"}, code: 2, want: []string{"are the same", "different destination"}},
		{name: "repo to itself", args: []string{"repo", p + "/oldorg/app", p + "/oldorg/app"}, code: 2, want: []string{"are the same"}},
		{name: "copy to itself", args: []string{"copy", p + "/oldorg/app:v1", p + "/oldorg/app:v1"}, code: 2, want: []string{"are the same"}},
		{name: "copy to itself, tag implied", args: []string{"copy", p + "/oldorg/app:v1", p + "/oldorg/app"}, code: 2, want: []string{"are the same"}},
		{name: "https:// on a reference", args: []string{"copy", "https://" + p + "/oldorg/app:v1", o + "/neworg/app:v1"}, code: 2,
			want: []string{`without "https://"`, "as " + p + "/oldorg/app:v1"}},
		{name: "https:// on a namespace", args: []string{"org", p + "/oldorg", "https://" + o + "/neworg"}, code: 2,
			want: []string{`without "https://"`}},
		{name: "rewrite to itself", args: []string{"rewrite", "--from", "oldorg", "--to", "oldorg", t.TempDir()}, code: 2,
			want: []string{"--from and --to are both"}},
		{name: "rewrite to an invalid name", args: []string{"rewrite", "--from", "oldorg", "--to", "NewOrg", t.TempDir()}, code: 2,
			want: []string{`"NewOrg"`, "lowercase"}},
		{name: "--platform that names no platform", args: []string{"copy", "--platform", "amd64", p + "/oldorg/app:v1", o + "/neworg/app:v1"}, code: 2,
			want: []string{"amd64"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.check(t)
		})
	}
}

// TestFirstContactSaysWhatItSkipped: a run or a rewrite that leaves
// something out says so.
func TestFirstContactSaysWhatItSkipped(t *testing.T) {
	t.Parallel()
	src, dst := harness.MustStartRegistry(t), harness.MustStartRegistry(t)
	seedImage(t, src.Host()+"/oldorg/app:v1")
	seedImage(t, src.Host()+"/oldorg/app:v2")
	dir := t.TempDir()
	for name, content := range map[string]string{
		"Dockerfile":  "ARG BASE=oldorg/base:1\nFROM ${BASE}\nFROM oldorg/tools:2\n",
		"deploy.yaml": "spec:\n  containers: [{name: a, image: oldorg/x:1}]\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := []mistake{
		{name: "--include matching nothing", args: []string{"repo", src.Host() + "/oldorg/app", dst.Host() + "/neworg/app", "--include", "^nomatch$"},
			want: []string{`0 of 2 tags matched --include "^nomatch$"`, "check the expressions"}, maxLines: 6},
		{name: "rewrite names what it leaves", args: []string{"rewrite", "--from", "oldorg", "--to", "neworg", "--dry-run", dir},
			want: []string{"Dockerfile:1: oldorg/base:1 not rewritten", "deploy.yaml:2: oldorg/x:1 not rewritten", "2 left as they are"}, maxLines: 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.check(t)
		})
	}
}
