// Package copy is the migration engine: it takes a stream of tasks (one
// source reference to one destination tag each) and sends one result per
// task to a channel its caller owns. Each task goes through three stages,
// each with its own bounded workers: plan (both sides' digests; equal is a
// skip), transfer (blobs, children, then the manifest, on our own push
// path) and confirm (verify at the destination); then what is attached to
// the image (OCI 1.1 referrers, package referrers) follows it. It works on
// two side.Side values and does not decide what to migrate (package migrate
// does), talk to the Docker Hub API, or print anything.
package copy
