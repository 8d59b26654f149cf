// Package job writes the Kubernetes manifests that run a namespace
// migration as an Indexed Job: one pod per shard (package shard), each
// running `crane-migrate org … --shards N` with its index from
// JOB_COMPLETION_INDEX, retried on its own (backoffLimitPerIndex) and
// failed for good on bad input (exit 2) by a podFailurePolicy; and,
// unless an existing Secret is named, the Secret holding a Docker
// config.json with the credentials of the registries the migration
// touches.
//
// It is pure: it takes resolved credentials and returns YAML. It talks to
// no cluster and no registry, and it is no scheduler: Kubernetes runs,
// retries and garbage-collects the pods. The YAML holds secrets; callers
// print it where the user asked (stdout), never to a log.
package job
