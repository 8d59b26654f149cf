package job

import (
	"bytes"
	"fmt"
	"strings"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"
)

// Exit codes of crane-migrate that the pod failure policy acts on (the
// commands package's exit.go is their source).
const (
	exitUsage     = 2 // bad input: no retry can help, fail the whole Job
	exitPullLimit = 3 // the pull limit stopped a shard (only with --on-rate-limit stop)
)

// Paths inside the pods.
const (
	configDir  = "/etc/crane-migrate/docker" // the Secret, read-only; DOCKER_CONFIG
	tmpDir     = "/tmp"                      // an emptyDir: the one writable place
	reportPath = tmpDir + "/report.json"
)

// runAs is the pods' user and group: not root, and numeric so the kubelet
// can check runAsNonRoot on an image with no /etc/passwd (make image sets
// the same user in the image's config).
const runAs = 65532

// Manifests is the YAML to `kubectl apply -f -`: the Secret (unless
// WithExistingSecret names one) and the Indexed Job migrating namespace
// src to dst as shards pods. src and dst are passed to `org` as they are.
func Manifests(src, dst string, shards int, opts ...Option) ([]byte, error) {
	o := defaults()
	for _, opt := range opts {
		if err := opt(&o); err != nil {
			return nil, err
		}
	}
	if err := checkShards(shards); err != nil {
		return nil, err
	}
	if o.image == "" {
		return nil, fmt.Errorf("%w: give the crane-migrate image the pods run (--image)", ErrNoImage)
	}
	var docs []any
	secretName := o.secretName
	if secretName == "" {
		secretName = o.name + SecretSuffix
		s, err := o.secret(o.meta(secretName))
		if err != nil {
			return nil, err
		}
		docs = append(docs, s)
	}
	docs = append(docs, o.job(src, dst, shards, secretName))
	var out bytes.Buffer
	for i, d := range docs {
		b, err := yaml.Marshal(d)
		if err != nil {
			return nil, fmt.Errorf("writing manifest: %w", err)
		}
		if i > 0 {
			out.WriteString("---\n")
		}
		out.Write(b)
	}
	return out.Bytes(), nil
}

func (o options) meta(name string) metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: name, Namespace: o.namespace, Labels: map[string]string{
		"app.kubernetes.io/name":       DefaultName,
		"app.kubernetes.io/instance":   o.name,
		"app.kubernetes.io/managed-by": DefaultName,
	}}
}

// job is the Indexed Job: one completion per shard, each index retried on
// its own.
func (o options) job(src, dst string, shards int, secretName string) *batchv1.Job {
	parallelism := shards
	if o.parallelism > 0 {
		parallelism = min(o.parallelism, shards)
	}
	meta := o.meta(o.name)
	return &batchv1.Job{
		TypeMeta:   metav1.TypeMeta{APIVersion: "batch/v1", Kind: "Job"},
		ObjectMeta: meta,
		Spec: batchv1.JobSpec{
			Completions:             ptr(int32(shards)),
			Parallelism:             ptr(int32(parallelism)),
			CompletionMode:          ptr(batchv1.IndexedCompletion),
			BackoffLimitPerIndex:    ptr(int32(o.backoffPerIndex)),
			PodFailurePolicy:        o.failurePolicy(),
			TTLSecondsAfterFinished: ptr(int32(o.ttl.Seconds())),
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: meta.Labels},
				Spec:       o.podSpec(src, dst, shards, secretName),
			},
		},
	}
}

// failurePolicy: exit 2 is bad input, the same in every shard, so the Job
// fails at once; exit 3 is the pull limit, whose window (hours) no quick
// retry outlasts, so the index fails and is re-run later — by default the
// pods wait for the window themselves (--on-rate-limit=wait) and never exit
// 3; a pod evicted or preempted is not the shard's fault and is not
// counted. Anything else (1: some tags failed; 130: stopped) is counted
// against backoffLimitPerIndex and the shard re-run, skipping what it
// already copied.
func (o options) failurePolicy() *batchv1.PodFailurePolicy {
	onExit := func(code int32) *batchv1.PodFailurePolicyOnExitCodesRequirement {
		return &batchv1.PodFailurePolicyOnExitCodesRequirement{ContainerName: ptr(o.name),
			Operator: batchv1.PodFailurePolicyOnExitCodesOpIn, Values: []int32{code}}
	}
	return &batchv1.PodFailurePolicy{Rules: []batchv1.PodFailurePolicyRule{
		{Action: batchv1.PodFailurePolicyActionFailJob, OnExitCodes: onExit(exitUsage)},
		{Action: batchv1.PodFailurePolicyActionFailIndex, OnExitCodes: onExit(exitPullLimit)},
		{Action: batchv1.PodFailurePolicyActionIgnore, OnPodConditions: []batchv1.PodFailurePolicyOnPodConditionsPattern{
			{Type: corev1.DisruptionTarget, Status: corev1.ConditionTrue}}},
	}}
}

func (o options) podSpec(src, dst string, shards int, secretName string) corev1.PodSpec {
	return corev1.PodSpec{
		RestartPolicy:                corev1.RestartPolicyNever, // podFailurePolicy needs it: the Job retries, not the kubelet
		AutomountServiceAccountToken: ptr(false),                // the pods never talk to the cluster
		SecurityContext: &corev1.PodSecurityContext{
			RunAsNonRoot: ptr(true), RunAsUser: ptr(int64(runAs)), RunAsGroup: ptr(int64(runAs)),
			FSGroup:        ptr(int64(runAs)), // the Secret's files are readable by the group
			SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
		},
		Containers: []corev1.Container{{
			Name:      o.name,
			Image:     o.image,
			Args:      o.containerArgs(src, dst, shards),
			Env:       append(o.env(), o.accountEnv(secretName)...),
			Resources: resources(o.jobs),
			SecurityContext: &corev1.SecurityContext{
				RunAsNonRoot: ptr(true), ReadOnlyRootFilesystem: ptr(true), AllowPrivilegeEscalation: ptr(false),
				Capabilities: &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
			},
			VolumeMounts: []corev1.VolumeMount{
				{Name: "docker-config", MountPath: configDir, ReadOnly: true},
				{Name: "tmp", MountPath: tmpDir},
			},
			TerminationMessagePolicy: corev1.TerminationMessageFallbackToLogsOnError,
		}},
		Volumes: []corev1.Volume{
			{Name: "docker-config", VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{
				SecretName: secretName, DefaultMode: ptr(int32(0o440)),
				Items: []corev1.KeyToPath{{Key: configKey, Path: configFile}},
			}}},
			{Name: "tmp", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
		},
	}
}

// containerArgs run the same org command, as shard JOB_COMPLETION_INDEX
// of shards, writing its report and printing it as its last line.
func (o options) containerArgs(src, dst string, shards int) []string {
	args := []string{"org", src, dst, fmt.Sprintf("--shards=%d", shards), "--report=" + reportPath, "--report-stdout"}
	if !hasFlag(o.args, "on-rate-limit") {
		args = append(args, "--on-rate-limit=wait")
	}
	return append(args, o.args...)
}

func (o options) env() []corev1.EnvVar {
	return []corev1.EnvVar{
		{Name: "DOCKER_CONFIG", Value: configDir},
		{Name: "HOME", Value: tmpDir},
	}
}

// hasFlag says args set --name (as --name, --name=v or -name).
func hasFlag(args []string, name string) bool {
	for _, a := range args {
		a = strings.TrimLeft(a, "-")
		if a == name || strings.HasPrefix(a, name+"=") {
			return true
		}
	}
	return false
}
