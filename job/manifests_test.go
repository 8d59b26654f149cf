package job

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-containerregistry/pkg/authn"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"sigs.k8s.io/yaml"

	"github.com/crane-migrate/crane-migrate/copy"
	"github.com/crane-migrate/crane-migrate/credentials"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

const image = "ghcr.io/crane-migrate/crane-migrate:v0.1.0"

var (
	hubCred = Credential{Host: "index.docker.io", Auth: authn.AuthConfig{Username: "olduser", Password: "dckr_pat_SECRET1"}}
	regCred = Credential{Host: "registry.example.com", Auth: authn.AuthConfig{Username: "robot$mig", Password: "SECRET2"}}
	tokCred = Credential{Host: "example.azurecr.io", Auth: authn.AuthConfig{IdentityToken: "REFRESH3"}}
)

// cases are the flag combinations the golden files show.
var cases = []struct {
	name     string
	src, dst string
	shards   int
	opts     []Option
}{
	{name: "hub-to-registry", src: "oldorg", dst: "registry.example.com/team", shards: 4,
		opts: []Option{WithImage(image), WithCredentials(hubCred, regCred)}},
	{name: "existing-secret", src: "oldorg", dst: "neworg", shards: 16,
		opts: []Option{WithImage(image), WithExistingSecret("hub-creds"), WithParallelism(4), WithNamespace("migrations"),
			WithName("bigorg"), WithJobs(8), WithArgs("--jobs=8", "--include=^v", "--no-clobber=true")}},
	{name: "accounts-same-host", src: "oldorg", dst: "neworg", shards: 2,
		opts: []Option{WithImage(image), WithAccounts(Account{Side: "SRC", Username: "olduser", Password: "SECRET4"},
			Account{Side: "DST", Username: "newuser", Password: "SECRET5"}), WithArgs("--on-rate-limit=stop"),
			WithBackoffLimitPerIndex(0), WithTTL(time.Hour)}},
	{name: "token-and-anonymous", src: "example.azurecr.io/team", dst: "registry.example.com/team", shards: 3,
		opts: []Option{WithImage(image), WithParallelism(8), WithCredentials(tokCred, Credential{Host: "registry.example.com"})}},
}

// decodeStrict splits the YAML documents and decodes each into its
// k8s.io/api type, failing on any field the type does not have.
func decodeStrict(t *testing.T, out []byte) (*corev1.Secret, *batchv1.Job) {
	t.Helper()
	var secret *corev1.Secret
	var job *batchv1.Job
	for _, doc := range strings.Split(string(out), "\n---\n") {
		var meta struct{ Kind string }
		if err := yaml.Unmarshal([]byte(doc), &meta); err != nil {
			t.Fatal(err)
		}
		switch meta.Kind {
		case "Secret":
			secret = new(corev1.Secret)
			if err := yaml.UnmarshalStrict([]byte(doc), secret); err != nil {
				t.Fatalf("Secret does not decode strictly: %v\n%s", err, doc)
			}
		case "Job":
			job = new(batchv1.Job)
			if err := yaml.UnmarshalStrict([]byte(doc), job); err != nil {
				t.Fatalf("Job does not decode strictly: %v\n%s", err, doc)
			}
		default:
			t.Fatalf("unexpected document of kind %q:\n%s", meta.Kind, doc)
		}
	}
	if job == nil {
		t.Fatalf("no Job in\n%s", out)
	}
	return secret, job
}

func TestManifestsGolden(t *testing.T) {
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, err := Manifests(tc.src, tc.dst, tc.shards, tc.opts...)
			if err != nil {
				t.Fatal(err)
			}
			decodeStrict(t, out)
			golden := filepath.Join("testdata", tc.name+".yaml")
			if *update {
				if err := os.WriteFile(golden, out, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./job -update)", err)
			}
			if diff := cmp.Diff(string(want), string(out)); diff != "" {
				t.Errorf("%s differs (-golden +now; go test ./job -update to accept):\n%s", golden, diff)
			}
		})
	}
}

func TestJobShape(t *testing.T) {
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, err := Manifests(tc.src, tc.dst, tc.shards, tc.opts...)
			if err != nil {
				t.Fatal(err)
			}
			_, job := decodeStrict(t, out)
			s := job.Spec
			if *s.Completions != int32(tc.shards) || *s.CompletionMode != batchv1.IndexedCompletion {
				t.Errorf("completions %d mode %s, want %d Indexed", *s.Completions, *s.CompletionMode, tc.shards)
			}
			if *s.Parallelism < 1 || *s.Parallelism > *s.Completions {
				t.Errorf("parallelism %d of %d completions", *s.Parallelism, *s.Completions)
			}
			if s.BackoffLimitPerIndex == nil || s.TTLSecondsAfterFinished == nil || *s.TTLSecondsAfterFinished < 1 {
				t.Errorf("backoffLimitPerIndex %v ttl %v", s.BackoffLimitPerIndex, s.TTLSecondsAfterFinished)
			}
			pod := s.Template.Spec
			if pod.RestartPolicy != corev1.RestartPolicyNever {
				t.Errorf("restartPolicy %s: a podFailurePolicy needs Never", pod.RestartPolicy)
			}
			c := pod.Containers[0]
			args := strings.Join(c.Args, " ")
			want := "org " + tc.src + " " + tc.dst + " --shards=" + itoa(tc.shards) + " --report=/tmp/report.json --report-stdout"
			if !strings.HasPrefix(args, want) {
				t.Errorf("args %q, want them to start %q", args, want)
			}
			if n := strings.Count(args, "--on-rate-limit"); n != 1 {
				t.Errorf("--on-rate-limit given %d times in %q", n, args)
			}
			if sc := c.SecurityContext; !*sc.RunAsNonRoot || !*sc.ReadOnlyRootFilesystem || *sc.AllowPrivilegeEscalation {
				t.Errorf("container security context %+v", sc)
			}
			if *pod.SecurityContext.RunAsUser == 0 {
				t.Error("pods run as root")
			}
			mounts := map[string]corev1.VolumeMount{}
			for _, m := range c.VolumeMounts {
				mounts[m.MountPath] = m
			}
			if m, ok := mounts["/etc/crane-migrate/docker"]; !ok || !m.ReadOnly {
				t.Errorf("the Docker config is not mounted read-only: %+v", c.VolumeMounts)
			}
			if _, ok := mounts["/tmp"]; !ok {
				t.Errorf("no writable /tmp: %+v", c.VolumeMounts)
			}
			if env := envOf(c); env["DOCKER_CONFIG"] != "/etc/crane-migrate/docker" {
				t.Errorf("DOCKER_CONFIG %q", env["DOCKER_CONFIG"])
			}
		})
	}
}

func itoa(n int) string { return jsonNumber(n) }

func jsonNumber(n int) string { b, _ := json.Marshal(n); return string(b) }

func envOf(c corev1.Container) map[string]string {
	m := map[string]string{}
	for _, e := range c.Env {
		m[e.Name] = e.Value
	}
	return m
}

// TestFailurePolicy: exit 2 fails the Job, exit 3 the index, an eviction
// is not counted, and anything else is retried (no rule matches).
func TestFailurePolicy(t *testing.T) {
	out, err := Manifests("oldorg", "neworg", 4, WithImage(image))
	if err != nil {
		t.Fatal(err)
	}
	_, job := decodeStrict(t, out)
	name := job.Spec.Template.Spec.Containers[0].Name
	action := func(code int32) batchv1.PodFailurePolicyAction {
		for _, r := range job.Spec.PodFailurePolicy.Rules { // the first matching rule wins
			if e := r.OnExitCodes; e != nil && (e.ContainerName == nil || *e.ContainerName == name) &&
				(e.Operator == batchv1.PodFailurePolicyOnExitCodesOpIn) == contains(e.Values, code) {
				return r.Action
			}
		}
		return batchv1.PodFailurePolicyActionCount
	}
	for code, want := range map[int32]batchv1.PodFailurePolicyAction{
		1: batchv1.PodFailurePolicyActionCount, 2: batchv1.PodFailurePolicyActionFailJob,
		3: batchv1.PodFailurePolicyActionFailIndex, 130: batchv1.PodFailurePolicyActionCount, 137: batchv1.PodFailurePolicyActionCount,
	} {
		if got := action(code); got != want {
			t.Errorf("exit %d: %s, want %s", code, got, want)
		}
	}
	disrupted := false
	for _, r := range job.Spec.PodFailurePolicy.Rules {
		for _, c := range r.OnPodConditions {
			disrupted = disrupted || (c.Type == corev1.DisruptionTarget && r.Action == batchv1.PodFailurePolicyActionIgnore)
		}
	}
	if !disrupted {
		t.Error("an evicted or preempted pod counts against its index's retries")
	}
	if args := strings.Join(job.Spec.Template.Spec.Containers[0].Args, " "); !strings.Contains(args, "--on-rate-limit=wait") {
		t.Errorf("pods do not wait out the pull limit's window by default: %s", args)
	}
}

func contains(vs []int32, v int32) bool {
	for _, x := range vs {
		if x == v {
			return true
		}
	}
	return false
}

// TestSecretHoldsExactlyTheCredentials decodes config.json from the Secret.
func TestSecretHoldsExactlyTheCredentials(t *testing.T) {
	out, err := Manifests("oldorg", "registry.example.com/team", 2, WithImage(image),
		WithCredentials(hubCred, regCred, tokCred, Credential{Host: "anonymous.example"}))
	if err != nil {
		t.Fatal(err)
	}
	secret, job := decodeStrict(t, out)
	if secret == nil || secret.Type != corev1.SecretTypeDockerConfigJson {
		t.Fatalf("secret %+v", secret)
	}
	var cfg struct {
		Auths map[string]map[string]string `json:"auths"`
	}
	if err := json.Unmarshal(secret.Data[corev1.DockerConfigJsonKey], &cfg); err != nil {
		t.Fatal(err)
	}
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	want := map[string]map[string]string{
		credentials.DockerHubKey: {"auth": b64("olduser:dckr_pat_SECRET1")},
		"registry.example.com":   {"auth": b64("robot$mig:SECRET2")},
		"example.azurecr.io":     {"identitytoken": "REFRESH3"},
	}
	if diff := cmp.Diff(want, cfg.Auths); diff != "" {
		t.Errorf("config.json auths (-want +got):\n%s", diff)
	}
	// The credentials are readable by the chain the pods run.
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "config.json"), secret.Data[corev1.DockerConfigJsonKey], 0o600); err != nil {
		t.Fatal(err)
	}
	kc, err := credentials.New(credentials.WithConfigDir(dir))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []Credential{hubCred, regCred, tokCred} {
		got, _, err := kc.Lookup(c.Host)
		if err != nil || got != c.Auth {
			t.Errorf("the pods' chain gives %s %+v, %v", c.Host, got, err)
		}
	}
	vol := job.Spec.Template.Spec.Volumes[0].Secret
	if vol.SecretName != secret.Name || vol.Items[0].Key != corev1.DockerConfigJsonKey || vol.Items[0].Path != "config.json" {
		t.Errorf("the pods mount %+v, not the Secret %s as config.json", vol, secret.Name)
	}
}

func TestAccountsGoToTheEnvironment(t *testing.T) {
	out, err := Manifests("oldorg", "neworg", 2, WithImage(image),
		WithAccounts(Account{Side: "SRC", Username: "olduser", Password: "SECRET4"}))
	if err != nil {
		t.Fatal(err)
	}
	secret, job := decodeStrict(t, out)
	if got := string(secret.Data["CRANE_MIGRATE_SRC_PASSWORD"]); got != "SECRET4" {
		t.Errorf("secret's CRANE_MIGRATE_SRC_PASSWORD %q", got)
	}
	var refs []string
	for _, e := range job.Spec.Template.Spec.Containers[0].Env {
		if e.Value != "" && strings.Contains(e.Value, "SECRET") {
			t.Errorf("a password in the pod spec: %s", e.Name)
		}
		if r := e.ValueFrom; r != nil && r.SecretKeyRef.Name == secret.Name {
			refs = append(refs, e.Name+"="+r.SecretKeyRef.Key)
		}
	}
	want := []string{"CRANE_MIGRATE_SRC_USERNAME=CRANE_MIGRATE_SRC_USERNAME", "CRANE_MIGRATE_SRC_PASSWORD=CRANE_MIGRATE_SRC_PASSWORD"}
	if diff := cmp.Diff(want, refs); diff != "" {
		t.Error(diff)
	}
	if strings.Count(string(out), "SECRET4") != 0 {
		t.Error("a password in plain text in the YAML (want it base64 in the Secret's data only)")
	}
}

func TestExistingSecretWritesNone(t *testing.T) {
	out, err := Manifests("oldorg", "neworg", 2, WithImage(image), WithExistingSecret("hub-creds"), WithCredentials(hubCred))
	if err != nil {
		t.Fatal(err)
	}
	secret, job := decodeStrict(t, out)
	if secret != nil || bytes.Contains(out, []byte("auths")) {
		t.Fatalf("a Secret written although one was named:\n%s", out)
	}
	if got := job.Spec.Template.Spec.Volumes[0].Secret.SecretName; got != "hub-creds" {
		t.Errorf("pods mount %q", got)
	}
}

func TestMemoryFromJobs(t *testing.T) {
	for jobs, want := range map[int]string{4: "96Mi", 8: "128Mi", 1: "72Mi"} {
		out, err := Manifests("oldorg", "neworg", 2, WithImage(image), WithJobs(jobs))
		if err != nil {
			t.Fatal(err)
		}
		_, job := decodeStrict(t, out)
		r := job.Spec.Template.Spec.Containers[0].Resources
		if got := r.Requests[corev1.ResourceMemory]; got.Cmp(resource.MustParse(want)) != 0 {
			t.Errorf("--jobs %d: memory request %s, want %s", jobs, got.String(), want)
		}
		if lim, req := r.Limits[corev1.ResourceMemory], r.Requests[corev1.ResourceMemory]; lim.Value() != 2*req.Value() {
			t.Errorf("--jobs %d: limit %s, want twice the request", jobs, lim.String())
		}
	}
}

func TestDefaults(t *testing.T) {
	if DefaultJobs != copy.DefaultJobs {
		t.Errorf("DefaultJobs %d, crane-migrate's --jobs default %d", DefaultJobs, copy.DefaultJobs)
	}
	out, err := Manifests("oldorg", "neworg", 5, WithImage(image))
	if err != nil {
		t.Fatal(err)
	}
	secret, job := decodeStrict(t, out)
	s := job.Spec
	if job.Name != DefaultName || secret.Name != DefaultName+SecretSuffix || *s.BackoffLimitPerIndex != DefaultBackoffLimitPerIndex ||
		*s.TTLSecondsAfterFinished != int32(DefaultTTL.Seconds()) || *s.Parallelism != 5 {
		t.Errorf("defaults: name %s secret %s backoff %d ttl %d parallelism %d", job.Name, secret.Name,
			*s.BackoffLimitPerIndex, *s.TTLSecondsAfterFinished, *s.Parallelism)
	}
}

func TestMisuse(t *testing.T) {
	for _, tc := range []struct {
		name   string
		shards int
		opts   []Option
		err    error
	}{
		{name: "no image", shards: 2, err: ErrNoImage},
		{name: "no shards", shards: 0, opts: []Option{WithImage(image)}, err: ErrInvalidOption},
		{name: "parallelism 0", shards: 2, opts: []Option{WithImage(image), WithParallelism(0)}, err: ErrInvalidOption},
		{name: "a name kubernetes refuses", shards: 2, opts: []Option{WithImage(image), WithName("Big_Org")}, err: ErrInvalidOption},
		{name: "two accounts for one host in config.json", shards: 2, opts: []Option{WithImage(image),
			WithCredentials(hubCred, Credential{Host: "docker.io", Auth: authn.AuthConfig{Username: "other", Password: "x"}})}, err: ErrInvalidOption},
		{name: "an account of no side", shards: 2, opts: []Option{WithImage(image), WithAccounts(Account{Side: "BOTH"})}, err: ErrInvalidOption},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Manifests("oldorg", "neworg", tc.shards, tc.opts...)
			if !errors.Is(err, tc.err) {
				t.Errorf("error %v, want %v", err, tc.err)
			}
			if err != nil && strings.Contains(err.Error(), "SECRET") {
				t.Errorf("a secret in the error: %v", err)
			}
		})
	}
}
