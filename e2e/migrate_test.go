package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/crane-migrate/crane-migrate/e2e/harness"
	"github.com/crane-migrate/crane-migrate/e2e/hubfake"
	"github.com/crane-migrate/crane-migrate/report"
)

func TestCopyOneTag(t *testing.T) {
	t.Parallel()
	src, dst := harness.MustStartRegistry(t), harness.MustStartRegistry(t)
	want := seedImage(t, src.Host()+"/oldorg/myapp:1.2.3")
	r := cli(t, nil, "copy", src.Host()+"/oldorg/myapp:1.2.3", dst.Host()+"/neworg/myapp:1.2.3").expect(t, 0)
	res := r.result(t, "neworg/myapp:1.2.3")
	if res.Status != report.StatusCopied || !res.Verified || res.DestinationDigest != want.String() {
		t.Fatalf("result %+v, want copied+verified at %s", res, want)
	}
	if !strings.Contains(r.stdout, "1 copied") {
		t.Errorf("summary missing from stdout:\n%s", r.stdout)
	}
}

func TestCopyDigestToTag(t *testing.T) {
	t.Parallel()
	src, dst := harness.MustStartRegistry(t), harness.MustStartRegistry(t)
	d := seedImage(t, src.Host()+"/oldorg/myapp:moving")
	r := cli(t, nil, "copy", fmt.Sprintf("%s/oldorg/myapp@%s", src.Host(), d), dst.Host()+"/neworg/myapp:pinned").expect(t, 0)
	if res := r.result(t, "myapp:pinned"); res.DestinationDigest != d.String() || !res.Verified {
		t.Fatalf("result %+v", res)
	}
	// Without a destination tag, a digest has nothing to be called.
	cli(t, nil, "copy", fmt.Sprintf("%s/oldorg/myapp@%s", src.Host(), d), dst.Host()+"/neworg/myapp").expect(t, 2)
}

// TestRepoWithManyTagsThroughHubAPI lists 130 tags through the fake Hub (so
// pages are followed) and copies them all; a re-run copies nothing and GETs no
// source manifest.
func TestRepoWithManyTagsThroughHubAPI(t *testing.T) {
	t.Parallel()
	src, dst := harness.MustStartRegistry(t), harness.MustStartRegistry(t)
	srcProxy := harness.MustNewProxy(t, src.URL())
	base := seedImage(t, src.Host()+"/oldorg/big:t000")
	const n = 130
	for i := 1; i < n; i++ {
		ref := fmt.Sprintf("%s/oldorg/big:t%03d", src.Host(), i)
		if i%10 == 0 { // every tenth tag shares t000's digest
			if err := harness.Tag(ctx, src.Host()+"/oldorg/big:t000", ref); err != nil {
				t.Fatal(err)
			}
			continue
		}
		seedImage(t, ref)
	}
	fake, hubURL := startHub(t, src)

	srcRepo := srcProxy.Host() + "/oldorg/big"
	r := cli(t, nil, "repo", srcRepo, dst.Host()+"/neworg/big", "--src-hub-api", hubURL, "--jobs", "8").expect(t, 0)
	if s := r.report.Summary; s.Copied != n || s.Verified != n || s.Failed != 0 {
		t.Fatalf("summary %+v, want %d copied and verified", s, n)
	}
	if got := fake.Counts(); got[hubfake.RouteTags] < 2 {
		t.Errorf("hub tag pages requested = %d, want >= 2 (130 tags, 100 a page)", got[hubfake.RouteTags])
	}
	if d := r.result(t, "big:t010").SourceDigest; d != base.String() {
		t.Errorf("t010 digest %s, want t000's %s", d, base)
	}
	// Unique manifests: 130 tags, 13 of them sharing one digest → 118.
	if got := srcProxy.Counts()[harness.ManifestGet]; got != n-12 {
		t.Errorf("source manifest GETs = %d, want %d (one per unique manifest)", got, n-12)
	}

	srcProxy.Reset()
	again := cli(t, nil, "repo", srcRepo, dst.Host()+"/neworg/big", "--src-hub-api", hubURL).expect(t, 0)
	if s := again.report.Summary; s.Skipped != n || s.Copied != 0 {
		t.Fatalf("re-run summary %+v, want all %d skipped", s, n)
	}
	if got := srcProxy.Counts()[harness.ManifestGet]; got != 0 {
		t.Errorf("re-run source manifest GETs = %d, want 0", got)
	}
}

// TestOrgThroughRegistryAPI migrates a namespace found through _catalog, with
// an OCI index and a Docker manifest list kept byte for byte.
func TestOrgThroughRegistryAPI(t *testing.T) {
	t.Parallel()
	src, dst := harness.MustStartRegistry(t), harness.MustStartRegistry(t)
	srcProxy := harness.MustNewProxy(t, src.URL())
	oci := seedIndex(t, src.Host()+"/oldorg/web:oci", types.OCIImageIndex)
	list := seedIndex(t, src.Host()+"/oldorg/web:docker", types.DockerManifestList)
	seedImage(t, src.Host()+"/oldorg/api:v1")
	seedImage(t, src.Host()+"/oldorg/api:v2")
	seedImage(t, src.Host()+"/otherorg/api:v1") // another namespace: left alone

	r := cli(t, nil, "org", srcProxy.Host()+"/oldorg", dst.Host()+"/neworg").expect(t, 0)
	want := map[string]report.Status{"web:oci": "copied", "web:docker": "copied", "api:v1": "copied", "api:v2": "copied"}
	if d := cmp.Diff(want, r.statuses()); d != "" {
		t.Fatalf("statuses (-want +got):\n%s", d)
	}
	for tag, digest := range map[string]v1.Hash{"web:oci": oci, "web:docker": list} {
		res := r.result(t, tag)
		if res.DestinationDigest != digest.String() || !res.Verified {
			t.Errorf("%s: %+v, want digest %s verified", tag, res, digest)
		}
		if d := cmp.Diff([]string{"linux/amd64", "linux/arm64/v8"}, res.Platforms); d != "" {
			t.Errorf("%s platforms (-want +got):\n%s", tag, d)
		}
	}

	srcProxy.Reset()
	again := cli(t, nil, "org", srcProxy.Host()+"/oldorg", dst.Host()+"/neworg").expect(t, 0)
	if s := again.report.Summary; s.Skipped != 4 {
		t.Fatalf("re-run summary %+v, want 4 skipped", s)
	}
	if got := srcProxy.Counts()[harness.ManifestGet]; got != 0 {
		t.Errorf("re-run source manifest GETs = %d, want 0", got)
	}
	cli(t, nil, "verify", "--org", src.Host()+"/oldorg", dst.Host()+"/neworg").expect(t, 0)
}

// TestOrgThroughHubAPIWithReposFile lists repositories through the fake Hub,
// and with --repos-file takes only those listed.
func TestOrgThroughHubAPIWithReposFile(t *testing.T) {
	t.Parallel()
	src, dst := harness.MustStartRegistry(t), harness.MustStartRegistry(t)
	for _, ref := range []string{"web:1", "api:1", "api:2", "worker:1"} {
		seedImage(t, src.Host()+"/oldorg/"+ref)
	}
	_, hubURL := startHub(t, src)

	all := cli(t, nil, "org", src.Host()+"/oldorg", dst.Host()+"/neworg", "--src-hub-api", hubURL).expect(t, 0)
	if all.report.Summary.Copied != 4 {
		t.Fatalf("summary %+v, want 4 copied", all.report.Summary)
	}

	dst2 := harness.MustStartRegistry(t)
	file := filepath.Join(t.TempDir(), "repos.txt")
	if err := os.WriteFile(file, []byte("# the two we keep\r\nweb\r\n\r\noldorg/api\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	some := cli(t, nil, "org", src.Host()+"/oldorg", dst2.Host()+"/neworg", "--src-hub-api", hubURL, "--repos-file", file).expect(t, 0)
	want := map[string]report.Status{"web:1": "copied", "api:1": "copied", "api:2": "copied"}
	if d := cmp.Diff(want, some.statuses()); d != "" {
		t.Fatalf("statuses (-want +got):\n%s", d)
	}
}

func TestIncludeExclude(t *testing.T) {
	t.Parallel()
	src, dst := harness.MustStartRegistry(t), harness.MustStartRegistry(t)
	for _, tag := range []string{"v1.0", "v1.1", "v1.1-rc1", "v2.0", "latest"} {
		seedImage(t, src.Host()+"/oldorg/app:"+tag)
	}
	r := cli(t, nil, "repo", src.Host()+"/oldorg/app", dst.Host()+"/neworg/app",
		"--include", `^v1\.`, "--include", "^latest$", "--exclude", "-rc").expect(t, 0)
	want := map[string]report.Status{"app:v1.0": "copied", "app:v1.1": "copied", "app:latest": "copied"}
	if d := cmp.Diff(want, r.statuses()); d != "" {
		t.Fatalf("statuses (-want +got):\n%s", d)
	}
}

func TestDryRunTouchesNothing(t *testing.T) {
	t.Parallel()
	src, dst := harness.MustStartRegistry(t), harness.MustStartRegistry(t)
	dstProxy := harness.MustNewProxy(t, dst.URL())
	seedImage(t, src.Host()+"/oldorg/app:v1")
	seedIndex(t, src.Host()+"/oldorg/app:multi", types.OCIImageIndex)
	r := cli(t, nil, "repo", src.Host()+"/oldorg/app", dstProxy.Host()+"/neworg/app", "--dry-run").expect(t, 0)
	if s := r.report.Summary; s.Planned != 2 {
		t.Fatalf("summary %+v, want 2 planned", s)
	}
	if !strings.Contains(r.stdout, "planned") {
		t.Errorf("dry run does not list the plan:\n%s", r.stdout)
	}
	for _, req := range dstProxy.Requests() {
		if req.Method != "GET" && req.Method != "HEAD" {
			t.Errorf("dry run sent %s %s to the destination", req.Method, req.Path)
		}
	}
	// The destination is still empty: a real copy now has everything to do.
	cli(t, nil, "repo", src.Host()+"/oldorg/app", dst.Host()+"/neworg/app").expect(t, 0)
}

func TestVerifyCatchesTamperedTagAndMissingPlatform(t *testing.T) {
	t.Parallel()
	src, dst := harness.MustStartRegistry(t), harness.MustStartRegistry(t)
	seedImage(t, src.Host()+"/oldorg/app:v1")
	want := seedIndex(t, src.Host()+"/oldorg/app:multi", types.OCIImageIndex)
	cli(t, nil, "repo", src.Host()+"/oldorg/app", dst.Host()+"/neworg/app").expect(t, 0)
	cli(t, nil, "verify", src.Host()+"/oldorg/app", dst.Host()+"/neworg/app").expect(t, 0)

	tampered := seedImage(t, dst.Host()+"/neworg/app:v1")
	// An index with one platform fewer, under the same tag.
	short, err := harness.SeedIndex(ctx, dst.Host()+"/neworg/app:multi", []v1.Platform{amd64}, types.DockerManifestList)
	if err != nil {
		t.Fatal(err)
	}
	r := cli(t, nil, "verify", src.Host()+"/oldorg/app", dst.Host()+"/neworg/app").expect(t, 1)
	v1res := r.result(t, "app:v1")
	if v1res.Status != report.StatusFailed || !strings.Contains(v1res.Error, tampered.String()) || !strings.Contains(v1res.Error, "app:v1") {
		t.Errorf("tampered tag: %+v; want failed naming the tag and both digests", v1res)
	}
	multi := r.result(t, "app:multi")
	if !strings.Contains(multi.Error, want.String()) || !strings.Contains(multi.Error, short.String()) || !strings.Contains(multi.Error, "linux/arm64/v8") {
		t.Errorf("short index: %q; want both digests and the missing platform", multi.Error)
	}
	if !strings.Contains(r.stdout, "FAILED") {
		t.Errorf("summary does not list failures:\n%s", r.stdout)
	}
}

func TestFailedTagDoesNotStopOthers(t *testing.T) {
	t.Parallel()
	src, dst := harness.MustStartRegistry(t), harness.MustStartRegistry(t)
	seedImage(t, src.Host()+"/oldorg/app:good")
	// A repos file naming a repository that does not exist, next to one that does.
	file := filepath.Join(t.TempDir(), "repos.txt")
	if err := os.WriteFile(file, []byte("ghost\napp\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := cli(t, nil, "org", src.Host()+"/oldorg", dst.Host()+"/neworg", "--repos-file", file).expect(t, 1)
	if got := r.result(t, "app:good"); got.Status != report.StatusCopied {
		t.Errorf("good tag: %+v", got)
	}
	ghost := r.result(t, "neworg/ghost")
	if ghost.Status != report.StatusFailed || ghost.Error == "" {
		t.Errorf("missing repository: %+v, want failed with a reason", ghost)
	}
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"missing arguments", []string{"copy", "a:1"}, "needs 2 arguments"},
		{"bad reference", []string{"copy", "UPPER/case:1", "x/y:1"}, "source reference"},
		{"digest not sha256", []string{"copy", "org/app@md5:abc", "x/y:1"}, "source reference"},
		{"bad regex", []string{"repo", "org/app", "new/app", "--include", "("}, "invalid tag filter"},
		{"zero jobs", []string{"repo", "org/app", "new/app", "--jobs", "0"}, "--jobs"},
		{"empty repos file", []string{"org", "oldorg", "neworg", "--repos-file", os.DevNull}, "lists no repositories"},
		{"unknown flag", []string{"repo", "org/app", "new/app", "--frobnicate"}, "frobnicate"},
		{"bad log format", []string{"repo", "org/app", "new/app", "--log-format", "xml"}, "--log-format"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := cli(t, nil, tt.args...).expect(t, 2)
			lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
			if len(lines) != 1 || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("stderr %q: want one line containing %q", r.stderr, tt.want)
			}
			if strings.Contains(r.stderr, "goroutine") {
				t.Errorf("stack trace on bad input:\n%s", r.stderr)
			}
		})
	}
}

func TestDemo(t *testing.T) {
	t.Parallel()
	r := cli(t, nil, "demo").expect(t, 0)
	for _, want := range []string{"7 copied", "7 skipped", "7 verified"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("demo output lacks %q:\n%s", want, r.stdout)
		}
	}
}
