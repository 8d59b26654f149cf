package commands

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sirupsen/logrus"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

// dockerConfig writes a config.json with auths for these hosts (user:SECRET-host).
func dockerConfig(t *testing.T, hosts ...string) string {
	t.Helper()
	dir := t.TempDir()
	auths := map[string]map[string]string{}
	for _, h := range hosts {
		auths[h] = map[string]string{"auth": base64.StdEncoding.EncodeToString([]byte("user:SECRET-" + h))}
	}
	data, _ := json.Marshal(map[string]any{"auths": auths})
	if err := os.WriteFile(filepath.Join(dir, "config.json"), data, 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

func decodeJob(t *testing.T, out string) (*corev1.Secret, *batchv1.Job) {
	t.Helper()
	var secret *corev1.Secret
	job := new(batchv1.Job)
	for _, doc := range strings.Split(out, "\n---\n") {
		if strings.Contains(doc, "kind: Secret") {
			secret = new(corev1.Secret)
			if err := yaml.UnmarshalStrict([]byte(doc), secret); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := yaml.UnmarshalStrict([]byte(doc), job); err != nil {
			t.Fatalf("%v\n%s", err, doc)
		}
	}
	return secret, job
}

func TestJobCommand(t *testing.T) {
	cfg := dockerConfig(t, "src.example:5000", "dst.example", "other.example", "https://index.docker.io/v1/")
	t.Setenv("CRANE_MIGRATE_EXCLUDE", "^tmp-") // an org flag from the environment is passed on too
	code, out, errs := runCommand(t, newJobCommand(&runEnv{log: newTestLogger()}), "", "job", "src.example:5000/oldorg", "dst.example/neworg",
		"--shards", "4", "--parallelism", "2", "--image", "registry.example/crane-migrate:test", "--docker-config", cfg,
		"--jobs", "8", "--include", "^v", "--no-clobber", "--insecure-registry", "src.example:5000", "-o", "json")
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	if strings.Contains(errs, "SECRET") {
		t.Errorf("a secret on stderr: %s", errs)
	}
	secret, job := decodeJob(t, out)
	var dc struct{ Auths map[string]any }
	if err := json.Unmarshal(secret.Data[corev1.DockerConfigJsonKey], &dc); err != nil {
		t.Fatal(err)
	}
	var hosts []string
	for h := range dc.Auths {
		hosts = append(hosts, h)
	}
	if diff := cmp.Diff([]string{"dst.example", "src.example:5000"}, sorted(hosts)); diff != "" {
		t.Errorf("the Secret's registries are not exactly the migration's (-want +got):\n%s", diff)
	}
	want := []string{"org", "src.example:5000/oldorg", "dst.example/neworg", "--shards=4", "--report=/tmp/report.json", "--report-stdout",
		"--on-rate-limit=wait", "--jobs=8", "--include=^v", "--exclude=^tmp-", "--insecure-registry=src.example:5000", "--no-clobber=true"}
	if diff := cmp.Diff(sorted(want), sorted(job.Spec.Template.Spec.Containers[0].Args)); diff != "" {
		t.Errorf("pod args (-want +got):\n%s", diff)
	}
	if *job.Spec.Parallelism != 2 || *job.Spec.Completions != 4 {
		t.Errorf("parallelism %d completions %d", *job.Spec.Parallelism, *job.Spec.Completions)
	}
	if got := job.Spec.Template.Spec.Containers[0].Resources.Requests.Memory().String(); got != "128Mi" {
		t.Errorf("memory request %s at --jobs 8, want 128Mi", got)
	}
}

func TestJobCommandRefuses(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{name: "no shards", args: []string{"--image", "x/y:z"}, want: "--shards"},
		{name: "a repos file", args: []string{"--shards", "2", "--image", "x/y:z", "--repos-file", "/etc/hostname"}, want: "--repos-file"},
		{name: "a report", args: []string{"--shards", "2", "--image", "x/y:z", "--report", filepath.Join(t.TempDir(), "r.json")}, want: "--report"},
		{name: "no image from a dev build", args: []string{"--shards", "2"}, want: "--image"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"job", "oldorg", "neworg", "--docker-config", dockerConfig(t)}, tc.args...)
			code, out, errs := runCommand(t, newJobCommand(&runEnv{log: newTestLogger()}), "", args...)
			if code != exitUsage || !strings.Contains(errs, tc.want) {
				t.Errorf("exit %d stderr %q, want 2 naming %s\n%s", code, errs, tc.want, out)
			}
		})
	}
}

func TestJobCommandDefaultsToTheReleaseImage(t *testing.T) {
	defer func(v string) { version = v }(version)
	version = "v9.8.7"
	code, out, errs := runCommand(t, newJobCommand(&runEnv{log: newTestLogger()}), "", "job", "oldorg", "neworg", "--shards", "2",
		"--secret-name", "hub-creds")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	secret, job := decodeJob(t, out)
	if secret != nil {
		t.Error("a Secret printed although --secret-name named one")
	}
	if got := job.Spec.Template.Spec.Containers[0].Image; got != releaseImage+":v9.8.7" {
		t.Errorf("image %s", got)
	}
}

func sorted(s []string) []string {
	out := append([]string{}, s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func newTestLogger() *logrus.Logger {
	l := logrus.New()
	l.Out = io.Discard
	return l
}
