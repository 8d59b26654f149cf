package e2e

import (
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/crane-migrate/crane-migrate/e2e/harness"
	"github.com/crane-migrate/crane-migrate/e2e/hubfake"
)

// TestNoSecretInAnyOutput runs whole migrations at debug level with known
// passwords, a credential helper's secret and Docker Hub tokens, then greps
// every byte of stdout, stderr and the report for them.
func TestNoSecretInAnyOutput(t *testing.T) {
	t.Parallel()
	const srcPW, dstPW, helperPW = "s3cr3t-src-Pw9", "s3cr3t-dst-Pw8", "s3cr3t-helper-Pw7"
	src := harness.MustStartRegistry(t, harness.WithHtpasswd(map[string]string{"alice": srcPW}))
	dst := harness.MustStartRegistry(t, harness.WithHtpasswd(map[string]string{"bob": dstPW, "carol": helperPW}))
	seedIndex(t, src.Host()+"/oldorg/app:multi", types.OCIImageIndex, harness.WithAuth(&authn.Basic{Username: "alice", Password: srcPW}))
	seedImage(t, src.Host()+"/oldorg/web:v1", harness.WithAuth(&authn.Basic{Username: "alice", Password: srcPW}))
	hub, hubURL := startHub(t, src, hubfake.WithRegistryAuth("alice", srcPW), hubfake.WithAccount("alice", srcPW))

	var outputs []string
	collect := func(r run) {
		data, _ := os.ReadFile(r.reportPath)
		outputs = append(outputs, r.stdout, r.stderr, string(data))
	}
	over := []string{"CRANE_MIGRATE_SRC_USERNAME=alice", "CRANE_MIGRATE_SRC_PASSWORD=" + srcPW,
		"CRANE_MIGRATE_DST_USERNAME=bob", "CRANE_MIGRATE_DST_PASSWORD=" + dstPW}
	collect(cli(t, append(dockerConfig(t, `{}`, nil), over...), "org", src.Host()+"/oldorg", dst.Host()+"/neworg",
		"--src-hub-api", hubURL, "-v", "--log-format", "json").expect(t, 0))
	// Wrong destination password: refused at preflight (exit 2, issue 18),
	// with the credentials named and the hint, at debug level.
	wrong := append(dockerConfig(t, `{}`, nil), "CRANE_MIGRATE_SRC_USERNAME=alice", "CRANE_MIGRATE_SRC_PASSWORD="+srcPW,
		"CRANE_MIGRATE_DST_USERNAME=bob", "CRANE_MIGRATE_DST_PASSWORD=wrong-"+dstPW)
	collect(cli(t, wrong, "org", src.Host()+"/oldorg", dst.Host()+"/neworg2", "--src-hub-api", hubURL, "-v").expect(t, 2))
	// A credential helper's secret.
	helperEnv := dockerConfig(t, `{"auths":{"`+src.Host()+`":{"auth":"`+b64("alice:"+srcPW)+`"}},"credsStore":"e2e"}`,
		map[string]string{"e2e": helper(dst.Host(), "carol", helperPW)})
	collect(cli(t, helperEnv, "repo", src.Host()+"/oldorg/web", dst.Host()+"/neworg3/web", "-v").expect(t, 0))

	secrets := append([]string{srcPW, dstPW, helperPW, b64("alice:" + srcPW)}, hub.IssuedTokens()...)
	if len(hub.IssuedTokens()) == 0 {
		t.Fatal("no Hub token was issued: the Hub login path was not exercised")
	}
	for _, out := range outputs {
		for _, s := range secrets {
			if strings.Contains(out, s) {
				t.Errorf("a secret (%d chars) appears in the output:\n%s", len(s), out)
			}
		}
		if strings.Contains(strings.ToLower(out), "authorization:") {
			t.Errorf("an Authorization header appears in the output")
		}
	}
}

// TestBadInputAtRunTime: inputs that parse but name nothing usable.
func TestBadInputAtRunTime(t *testing.T) {
	t.Parallel()
	src, dst := harness.MustStartRegistry(t), harness.MustStartRegistry(t)
	seedImage(t, src.Host()+"/oldorg/app:v1")
	html := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte("<html><body>Maintenance</body></html>"))
	}))
	t.Cleanup(html.Close)
	hubEnv := []string{"CRANE_MIGRATE_SRC_USERNAME=alice", "CRANE_MIGRATE_SRC_PASSWORD=pw"}
	tests := []struct {
		name string
		env  []string
		args []string
		code int
		want string
	}{
		{"nonexistent tag", nil, []string{"copy", src.Host() + "/oldorg/app:nope", dst.Host() + "/neworg/app:nope"}, 1, "app:nope"},
		{"nonexistent repository", nil, []string{"repo", src.Host() + "/oldorg/ghost", dst.Host() + "/neworg/ghost"}, 1, "ghost"},
		{"empty namespace", nil, []string{"org", src.Host() + "/nobody", dst.Host() + "/neworg"}, 1, "no repositories found"},
		{"unreachable host", nil, []string{"copy", "127.0.0.1:1/oldorg/app:v1", dst.Host() + "/neworg/app:v1"}, 2, "not reachable"},
		{"hub api answers html", hubEnv, []string{"org", src.Host() + "/oldorg", dst.Host() + "/neworg", "--src-hub-api", html.URL}, 2, "unexpected response"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := cli(t, tt.env, tt.args...).expect(t, tt.code)
			if !strings.Contains(r.stdout+r.stderr, tt.want) {
				t.Errorf("output lacks %q:\n%s\n%s", tt.want, r.stdout, r.stderr)
			}
			if strings.Contains(r.stderr, "goroutine ") || strings.Contains(r.stderr, "panic") {
				t.Errorf("stack trace:\n%s", r.stderr)
			}
			if tt.code == 2 && strings.Count(strings.TrimSpace(lastLines(r.stderr)), "\n") != 0 {
				t.Errorf("want one error line, got:\n%s", r.stderr)
			}
		})
	}
}

// lastLines drops log lines (retry warnings) and keeps the error line(s).
func lastLines(stderr string) string {
	var keep []string
	for _, l := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(l, "error:") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}
