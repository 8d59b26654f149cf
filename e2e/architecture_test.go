package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/crane-migrate/crane-migrate/e2e/harness"
	"github.com/crane-migrate/crane-migrate/report"
)

// TestFlagsEachCommandUses: flags that do nothing for a command are
// refused there with one line (exit 2), not silently ignored, and
// --with-signatures=false does what --skip-signatures does.
func TestFlagsEachCommandUses(t *testing.T) {
	t.Parallel()
	src, dst := harness.MustStartRegistry(t), harness.MustStartRegistry(t)
	img := seedImage(t, src.Host()+"/oldorg/app:v1")
	sig := "sha256-" + img.Hex + ".sig"
	if err := harness.Tag(context.Background(), src.Host()+"/oldorg/app:v1", src.Host()+"/oldorg/app:"+sig); err != nil {
		t.Fatal(err)
	}
	s, d := src.Host()+"/oldorg/app", dst.Host()+"/neworg/app"
	tests := []struct {
		name string
		args []string
		code int
		want string // in stderr
	}{
		{"copy refuses --deprecate-source", []string{"copy", s + ":v1", d + ":v1", "--deprecate-source"}, 2, "--deprecate-source works with repo and org"},
		{"copy refuses --copy-immutable-rules", []string{"copy", s + ":v1", d + ":v1", "--copy-immutable-rules"}, 2, "--copy-immutable-rules works with repo and org"},
		{"verify refuses --no-clobber", []string{"verify", s, d, "--no-clobber"}, 2, "no-clobber"},
		{"verify refuses --deprecate-source", []string{"verify", s, d, "--deprecate-source"}, 2, "deprecate-source"},
		{"verify refuses --dry-run", []string{"verify", s, d, "--dry-run"}, 2, "dry-run"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := cli(t, nil, tt.args...).expect(t, tt.code)
			if !strings.Contains(r.stderr, tt.want) || strings.Count(strings.TrimSpace(r.stderr), "\n") > 2 {
				t.Errorf("stderr %q, want one line with %q", r.stderr, tt.want)
			}
		})
	}
	t.Run("--with-signatures=false leaves signature tags", func(t *testing.T) {
		t.Parallel()
		r := cli(t, nil, "repo", s, d+"-nosig", "--with-signatures=false").expect(t, 0)
		for _, res := range r.report.Results {
			if res.Signature {
				t.Errorf("signature tag migrated: %+v", res)
			}
		}
		if len(r.report.Results) != 1 {
			t.Errorf("results %+v, want only v1", r.report.Results)
		}
	})
}

// TestCatalogRepositoryWithoutTags: distribution lists a repository that
// holds only an untagged manifest in _catalog but answers its tags/list
// with 404 NAME_UNKNOWN. It has nothing to migrate: reported empty, not a
// failure, on the first run and every re-run.
func TestCatalogRepositoryWithoutTags(t *testing.T) {
	t.Parallel()
	src, dst := harness.MustStartRegistry(t), harness.MustStartRegistry(t)
	seedImage(t, src.Host()+"/oldorg/app:v1")
	img, err := random.Image(64, 1)
	if err != nil {
		t.Fatal(err)
	}
	h, _ := img.Digest()
	untagged, err := name.NewDigest(src.Host() + "/oldorg/untagged@" + h.String())
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(untagged, img); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		r := cli(t, nil, "org", src.Host()+"/oldorg", dst.Host()+"/neworg").expect(t, 0)
		if r.report.Summary.Failed != 0 {
			t.Fatalf("summary %+v: the untagged repository failed the run", r.report.Summary)
		}
		empty := false
		for _, repo := range r.report.Repositories {
			empty = empty || (strings.HasSuffix(repo.Destination, "/neworg/untagged") && repo.Empty)
		}
		if !empty {
			t.Errorf("repositories %+v: the untagged one is not reported empty", r.report.Repositories)
		}
		if st := r.statuses(); len(st) != 1 {
			t.Errorf("results %v, want only app:v1", st)
		}
	}
}

// TestProgressCountsRepositoryFailures: a failure that has no tag (a
// repository of the repos file that does not exist) is counted by the
// progress display as by the summary: as a repository, not as a tag.
func TestProgressCountsRepositoryFailures(t *testing.T) {
	t.Parallel()
	src, dst := harness.MustStartRegistry(t), harness.MustStartRegistry(t)
	seedImage(t, src.Host()+"/oldorg/app:v1")
	repos := filepath.Join(t.TempDir(), "repos.txt")
	if err := os.WriteFile(repos, []byte("app\nnosuch\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := cli(t, nil, "org", src.Host()+"/oldorg", dst.Host()+"/neworg", "--repos-file", repos, "--log-format", "json").expect(t, 1)
	if s := r.report.Summary; s.Failed != 0 || s.RepositoriesFailed != 1 || s.Total != 1 {
		t.Fatalf("summary %+v, want 1 tag and 1 repository failed (no tag failed)", s)
	}
	if !strings.Contains(r.stderr, `"repositoriesFailed":1`) {
		t.Errorf("the progress display's last line does not count the failure:\n%s", r.stderr)
	}
	if res := r.result(t, "neworg/nosuch"); res.Kind != report.KindNotFound {
		t.Errorf("result %+v, want kind %q", res, report.KindNotFound)
	}
}

// TestInvalidDockerHubNameRefusedBeforePush: a source repository whose name
// Docker Hub would refuse (one character, here) fails with the rule in its
// message before anything is pushed; the others are migrated.
func TestInvalidDockerHubNameRefusedBeforePush(t *testing.T) {
	t.Parallel()
	src := harness.MustStartRegistry(t)
	dst := newHubSide(t, "bob", "bob-pat")
	seedImage(t, src.Host()+"/oldorg/x:v1")
	seedImage(t, src.Host()+"/oldorg/app:v1")
	dstProxy := harness.MustNewProxy(t, dst.reg.URL())
	env := []string{"CRANE_MIGRATE_DST_USERNAME=bob", "CRANE_MIGRATE_DST_PASSWORD=bob-pat"}
	r := cli(t, env, "org", src.Host()+"/oldorg", dstProxy.Host()+"/neworg", "--dst-hub-api", dst.url).expect(t, 1)
	res := r.result(t, "neworg/x")
	if res.Status != report.StatusFailed || res.Kind != report.KindInvalidName || !strings.Contains(res.Error, "[a-z0-9]") {
		t.Errorf("result %+v, want failed, kind %q, with Docker's rule", res, report.KindInvalidName)
	}
	if n := dstProxy.Count(harness.BlobUploadStart, "neworg/x") + dstProxy.Count(harness.ManifestPut, "neworg/x"); n != 0 {
		t.Errorf("%d writes reached neworg/x, want none", n)
	}
	if res := r.result(t, "neworg/app:v1"); res.Status != report.StatusCopied {
		t.Errorf("neworg/app:v1: %+v, want copied", res)
	}
}
