package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/crane-migrate/crane-migrate/e2e/harness"
	"github.com/crane-migrate/crane-migrate/e2e/hubfake"
	"github.com/crane-migrate/crane-migrate/report"
)

// binary is crane-migrate, built once for the whole package.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "crane-migrate-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "crane-migrate")
	build := exec.Command("go", "build", "-o", binary, "..")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building crane-migrate:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

var statOnce sync.Once

// bin is the binary's path. Its first call, from a test (the cache's log of
// what a test reads starts with m.Run), records the module's sources.
func bin() string {
	statOnce.Do(func() {
		if err := statSources(".."); err != nil {
			fmt.Fprintln(os.Stderr, "e2e: go test may replay a stale cached result:", err)
		}
	})
	return binary
}

// statSources stats every Go source and module file of the module. go test
// caches a package's result by what the test binary imports and by the files
// the test itself opens or stats; the binary under test is built by a child
// process, so without this an edit to copy or migrate (or a mutation tried
// on purpose) would replay a cached "ok" from before the edit.
func statSources(root string) error {
	return filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && strings.HasPrefix(d.Name(), ".") && path != root:
			return filepath.SkipDir
		case !d.IsDir() && (strings.HasSuffix(path, ".go") || d.Name() == "go.mod" || d.Name() == "go.sum"):
			_, err = os.Stat(path)
		}
		return err
	})
}

// run is one invocation of the binary.
type run struct {
	code           int
	stdout, stderr string
	report         report.Report
	reportPath     string
}

// cli runs crane-migrate with args in a clean environment: a HOME and
// DOCKER_CONFIG of its own (no user credentials leak in), plus env.
// cliTimeout bounds one run of the binary in a test; the slowest take a few
// seconds.
const cliTimeout = 3 * time.Minute

func cli(t *testing.T, env []string, args ...string) run {
	t.Helper()
	home := t.TempDir()
	rep := filepath.Join(home, "report.json")
	withReport := args
	if len(args) > 0 && strings.Contains(" copy repo org verify ", " "+args[0]+" ") {
		withReport = append(append([]string{}, args...), "--report", rep)
	}
	// A run that hangs (a deadlock) fails here with its output, not at the
	// test binary's timeout with none.
	cctx, cancel := context.WithTimeout(context.Background(), cliTimeout)
	defer cancel()
	cmd := exec.CommandContext(cctx, bin(), withReport...)
	cmd.WaitDelay = 5 * time.Second
	cmd.Env = append([]string{"HOME=" + home, "DOCKER_CONFIG=" + filepath.Join(home, ".docker"), "PATH=" + os.Getenv("PATH")}, env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := run{stdout: out.String(), stderr: errb.String(), reportPath: rep}
	var ee *exec.ExitError
	switch {
	case cctx.Err() != nil:
		t.Fatalf("%s did not finish within %v\nstderr:\n%s", strings.Join(args, " "), cliTimeout, errb.String())
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	if data, err := os.ReadFile(rep); err == nil {
		if err := json.Unmarshal(data, &r.report); err != nil {
			t.Fatalf("report is not JSON: %v\n%s", err, data)
		}
	}
	return r
}

// expect fails the test unless the run exited with code.
func (r run) expect(t *testing.T, code int) run {
	t.Helper()
	if r.code != code {
		t.Fatalf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, code, r.stdout, r.stderr)
	}
	return r
}

// statuses maps each destination's last path element (repo:tag) to its status.
func (r run) statuses() map[string]report.Status {
	m := map[string]report.Status{}
	for _, res := range r.report.Results {
		m[res.Destination[strings.LastIndex(res.Destination, "/")+1:]] = res.Status
	}
	return m
}

// result finds the result whose destination ends with suffix.
func (r run) result(t *testing.T, suffix string) report.Result {
	t.Helper()
	for _, res := range r.report.Results {
		if strings.HasSuffix(res.Destination, suffix) {
			return res
		}
	}
	t.Fatalf("no result for %s in %+v", suffix, r.report.Results)
	return report.Result{}
}

func readReport(t *testing.T, path string) report.Report {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("no report written: %v", err)
	}
	var r report.Report
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

var (
	ctx   = context.Background()
	amd64 = v1.Platform{OS: "linux", Architecture: "amd64"}
	arm64 = v1.Platform{OS: "linux", Architecture: "arm64", Variant: "v8"}
)

// seedImage pushes a small random linux/amd64 image to ref.
func seedImage(t *testing.T, ref string, opts ...harness.SeedOption) v1.Hash {
	t.Helper()
	d, err := harness.SeedImage(ctx, ref, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// seedIndex pushes an index (OCI or Docker manifest list) of images for
// linux/amd64 and linux/arm64/v8; an OCI index also gets BuildKit's
// attestation manifest (unknown/unknown), which is never a platform.
func seedIndex(t *testing.T, ref string, mt types.MediaType, opts ...harness.SeedOption) v1.Hash {
	t.Helper()
	if mt == types.OCIImageIndex {
		opts = append(opts, harness.WithAttestation())
	}
	d, err := harness.SeedIndex(ctx, ref, []v1.Platform{amd64, arm64}, mt, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// startHub serves the fake Docker Hub API for reg's content until t ends,
// and returns it with its URL.
func startHub(t *testing.T, reg *harness.Registry, opts ...hubfake.Option) (*hubfake.Server, string) {
	t.Helper()
	fake := hubfake.New(reg.URL(), opts...)
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	return fake, srv.URL
}
