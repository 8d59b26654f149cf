// Package copy is the migration engine: it takes a stream of tasks (one
// source reference to one destination tag each), plans each against the
// destination by digest, copies what differs registry to registry with
// go-containerregistry on one bounded worker pool, verifies it and reports one
// result per task. It does not decide what to migrate (see enumerate) or
// print anything (see report).
package copy
