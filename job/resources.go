package job

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

// Memory per pod, from the bench (README, Performance): blobs stream
// registry to registry, so memory grows with the tags in flight, not with
// image sizes — a 256 MiB layer copies at 13 MiB peak, and a dry run of
// 1,000 repositories plus one of 10,000 tags at --jobs 8 peaks at 52 MiB.
// BaseMemory + jobs × MemoryPerJob is 96 MiB at the default --jobs 4 and
// 128 MiB at --jobs 8, 2.5× the measured peak; the limit is twice the
// request, so a pod that outgrows it is killed (and retried) before it
// starves its node.
const (
	BaseMemory   = 64 << 20
	MemoryPerJob = 8 << 20
	// CPURequest: a copy waits on the network, not the CPU (no
	// recompression); no CPU limit, since throttling only slows the copy.
	CPURequest = "250m"
)

func resources(jobs int) corev1.ResourceRequirements {
	mem := int64(BaseMemory + jobs*MemoryPerJob)
	return corev1.ResourceRequirements{
		Requests: corev1.ResourceList{
			corev1.ResourceCPU:    resource.MustParse(CPURequest),
			corev1.ResourceMemory: *resource.NewQuantity(mem, resource.BinarySI),
		},
		Limits: corev1.ResourceList{
			corev1.ResourceMemory: *resource.NewQuantity(2*mem, resource.BinarySI),
		},
	}
}
