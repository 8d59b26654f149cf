package commands

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-containerregistry/pkg/name"
)

func TestInterspersed(t *testing.T) {
	t.Parallel()
	app := newApp("crane-migrate", &bytes.Buffer{}, &bytes.Buffer{}, &runEnv{})
	tests := []struct {
		in, want []string
	}{
		{[]string{"x", "org", "a", "b", "--dry-run"}, []string{"x", "org", "--dry-run", "a", "b"}},
		{[]string{"x", "org", "a", "--repos-file", "r.txt", "b", "-j", "8"}, []string{"x", "org", "--repos-file", "r.txt", "-j", "8", "a", "b"}},
		{[]string{"x", "repo", "--jobs=3", "a", "b", "--include", "^v"}, []string{"x", "repo", "--jobs=3", "--include", "^v", "a", "b"}},
		{[]string{"x", "copy", "a", "--", "-weird"}, []string{"x", "copy", "a", "--", "-weird"}},
		{[]string{"x", "--help"}, []string{"x", "--help"}},
		{[]string{"x", "nosuch", "a", "--flag"}, []string{"x", "nosuch", "a", "--flag"}},
		// Flags before the command that the command takes move after it.
		{[]string{"x", "-v", "org", "a", "b"}, []string{"x", "org", "-v", "a", "b"}},
		{[]string{"x", "--dry-run", "--jobs", "2", "org", "a", "b"}, []string{"x", "org", "--dry-run", "--jobs", "2", "a", "b"}},
		{[]string{"x", "-v", "rewrite", "p"}, []string{"x", "-v", "rewrite", "p"}}, // rewrite has no -v: it stays global
		{[]string{"x", "--version"}, []string{"x", "--version"}},
		// A short flag with its value attached.
		{[]string{"x", "org", "a", "b", "-j2"}, []string{"x", "org", "-j=2", "a", "b"}},
		{[]string{"x", "-j2", "org", "a", "b"}, []string{"x", "org", "-j=2", "a", "b"}},
		{[]string{"x", "copy", "-ojson", "a", "b"}, []string{"x", "copy", "-o=json", "a", "b"}},
	}
	for _, tt := range tests {
		if d := cmp.Diff(tt.want, interspersed(app, tt.in)); d != "" {
			t.Errorf("interspersed(%v) (-want +got):\n%s", tt.in, d)
		}
	}
}

func TestDisplayName(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"/usr/local/bin/crane-migrate":            "crane-migrate",
		"/home/u/.krew/bin/kubectl-crane_migrate": "kubectl crane-migrate",
		"crane migrate":                           "crane migrate",
	} {
		if got := displayName(in); got != want {
			t.Errorf("displayName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseDestination(t *testing.T) {
	t.Parallel()
	tag := name.MustParseReference("oldorg/app:1.2.3")
	dig, err := name.NewDigest("oldorg/app@sha256:" + strings.Repeat("a", 64))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		in      string
		src     name.Reference
		want    string
		wantErr bool
	}{
		{"neworg/app:9", tag, "neworg/app:9", false},
		{"neworg/app", tag, "neworg/app:1.2.3", false},
		{"localhost:5000/neworg/app", tag, "localhost:5000/neworg/app:1.2.3", false},
		{"neworg/app", dig, "", true},
		{"neworg/app@sha256:" + strings.Repeat("b", 64), tag, "", true},
	}
	for _, tt := range tests {
		got, err := parseDestination(tt.in, tt.src)
		if (err != nil) != tt.wantErr || (err == nil && got.String() != tt.want) {
			t.Errorf("parseDestination(%q) = %v, %v; want %q (error %v)", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestHelpNamesThePlugin(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	if code := Run(context.Background(), []string{"/bin/kubectl-crane_migrate", "--help"}, &out, &out); code != 0 {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(out.String(), "kubectl crane-migrate") {
		t.Errorf("help does not say kubectl crane-migrate:\n%s", out.String())
	}
}
