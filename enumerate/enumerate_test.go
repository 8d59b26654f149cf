package enumerate_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/crane-migrate/crane-migrate/enumerate"
)

func TestParseNamespace(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
		wantErr  bool
	}{
		{in: "oldorg", want: "index.docker.io/oldorg"},
		{in: "registry.example.com/team", want: "registry.example.com/team"},
		{in: "127.0.0.1:5000/oldorg/", want: "127.0.0.1:5000/oldorg"},
		{in: "localhost/team/sub", want: "localhost/team/sub"},
		{in: "registry.example.com", wantErr: true},
		{in: "", wantErr: true},
		{in: "Bad_Org!", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			ns, err := enumerate.ParseNamespace(tt.in)
			if tt.wantErr {
				if !errors.Is(err, enumerate.ErrBadNamespace) {
					t.Fatalf("err = %v, want ErrBadNamespace", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := ns.String(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	ns, _ := enumerate.ParseNamespace("oldorg")
	repo, err := ns.Repository("myapp")
	if err != nil {
		t.Fatal(err)
	}
	if hns, rel := enumerate.HubPath(repo); hns != "oldorg" || rel != "myapp" {
		t.Errorf("HubPath = %q, %q", hns, rel)
	}
}

func TestReadReposFile(t *testing.T) {
	t.Parallel()
	ns, _ := enumerate.ParseNamespace("127.0.0.1:5000/oldorg")
	tests := []struct {
		name, content string
		want          []string
		wantErr       bool
	}{
		{name: "plain", content: "web\napi\n", want: []string{"web", "api"}},
		{name: "comments blanks crlf dupes prefixes", content: "# repos\r\n\r\nweb\r\noldorg/api  # the api\r\n127.0.0.1:5000/oldorg/worker\r\nweb\r\n", want: []string{"web", "api", "worker"}},
		{name: "empty", content: "# nothing\n\n", wantErr: true},
		{name: "invalid", content: "web\nNot Valid\n", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := filepath.Join(t.TempDir(), "repos.txt")
			if err := os.WriteFile(p, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			got, err := enumerate.ReadReposFile(p, ns)
			if tt.wantErr {
				if !errors.Is(err, enumerate.ErrBadReposFile) {
					t.Fatalf("err = %v, want ErrBadReposFile", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
	if _, err := enumerate.ReadReposFile(filepath.Join(t.TempDir(), "missing.txt"), ns); !errors.Is(err, enumerate.ErrBadReposFile) {
		t.Errorf("missing file: err = %v", err)
	}
}

func TestFilter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name             string
		include, exclude []string
		pass             []string
		fail             []string
	}{
		{name: "none", pass: []string{"v1", "latest"}},
		{name: "include", include: []string{`^v1\.`}, pass: []string{"v1.0", "v1.2"}, fail: []string{"v2.0", "latest"}},
		{name: "exclude wins", include: []string{`^v`}, exclude: []string{`-rc`}, pass: []string{"v1"}, fail: []string{"v1-rc1"}},
		{name: "repeatable", include: []string{`^a`, `^b`}, pass: []string{"a1", "b1"}, fail: []string{"c1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := enumerate.NewFilter(tt.include, tt.exclude)
			if err != nil {
				t.Fatal(err)
			}
			for _, tag := range tt.pass {
				if !f.Match(tag) {
					t.Errorf("%q filtered out", tag)
				}
			}
			for _, tag := range tt.fail {
				if f.Match(tag) {
					t.Errorf("%q passed", tag)
				}
			}
		})
	}
	if _, err := enumerate.NewFilter([]string{"("}, nil); !errors.Is(err, enumerate.ErrBadFilter) {
		t.Errorf("bad regex: err = %v", err)
	}
}
