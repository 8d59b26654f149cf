// Package referrers makes what is attached to an image follow it from one
// registry to another: OCI 1.1 referrers (signatures, SBOMs, attestations
// pushed with a subject), in whichever form a registry keeps them, and
// cosign's tag-based signatures, attestations and SBOMs. It finds them
// (Finder), writes them so they stay attached (Index), copies what the
// destination lacks (Syncer) and compares both sides (Compare). It does not
// copy manifests or blobs itself: the copy engine's PutFunc does, so
// referrers take the same push path as images. It verifies no signature.
//
// # Forms
//
// A registry with the referrers API (GET /v2/<name>/referrers/<digest>)
// lists a subject's referrers itself; pushing a manifest with a subject is
// all it takes to attach one. A registry without it (docker-registry 2.8,
// Docker Hub) keeps them under the fallback tag sha256-<hex>, an OCI index
// clients maintain. Cosign's tags sha256-<hex>.sig, .att and .sbom are found
// by name only. Finder.Supported probes the API once per registry host
// (concurrent callers share the probe; an inconclusive 404 NAME_UNKNOWN is
// not cached) and trusts only a 200 whose body is an OCI index: not the
// OCI-Subject header, which Docker Hub sends without serving the API. On a
// registry with the API the fallback tag is not read.
//
// Find walks breadth first, each referrer being a subject in turn (a
// signature of an SBOM has depth 2), to WithMaxDepth levels, guarding
// against cycles, and returns the referrers ordered by depth then digest.
// WithArtifactTypes filters at every depth; cosign tags count as
// CosignSignatureType, CosignAttestationType and CosignSBOMType.
//
// # Request cost per subject
//
// Find, per subject and per referrer found (each is a subject at the next
// depth): on an API registry 1 GET of the referrers listing (a listing, not
// a manifest GET: no Docker Hub pull), without the API 1 GET of the
// fallback tag (a 404 when absent); plus 1 HEAD per cosign suffix (3). With
// FindWithTags and the repository's tag listing (one tags/list per
// repository, which the caller usually has already), absent fallback and
// cosign tags cost nothing: only a present fallback tag is GET and only a
// present cosign tag is HEAD (for its digest). The API probe adds 1 GET per
// registry host per run. No other manifest is GET.
//
// Syncer.Sync costs one Find on each side, then for each missing referrer
// the PutFunc, and on a destination without the API: go-containerregistry's
// own fallback update (below: 1 GET referrers, 1 GET and 1 PUT of the
// fallback tag) and ours (1 GET of the fallback tag, plus 1 PUT only if
// something is still missing). A cosign tag costs 1 GET and 1 PUT more at
// the destination to re-create the tag. A referrer already there costs
// nothing beyond the destination's Find.
//
// # What go-containerregistry v0.22.1 does on write
//
// remote.Put, remote.Write and Pusher.Put/Push all end in
// writer.commitManifest, which, after PUTting a manifest that has a
// subject, calls commitSubjectReferrers: it GETs the referrers API for the
// subject (every time: no caching, and any 200 counts as support, whatever
// the body), and without it GETs the fallback tag, appends the new
// descriptor unless its digest is there, sorts by digest and PUTs the tag
// back. That read-modify-write has no lock and no conditional request (its
// own TODO says so): two goroutines attaching to one subject can each read
// the same index and the second PUT drops the first's entry. Its failure
// also fails (and retries) the manifest PUT. Pusher.Delete leaves the
// fallback tag alone. remote.Referrers reads the API and falls back to the
// tag silently, so it cannot tell which form answered; Puller has no
// exported Referrers in v0.22.1. Hence: Index runs the caller's put (with
// go-containerregistry's update inside it) and our own merge under one
// per-subject lock, so within this process no update is lost and our merge
// repairs one that did not happen; the merge only adds, keeping every entry
// already in the tag. Writers in other processes can still race us: the
// distribution spec offers no conditional PUT to stop that.
//
// # Errors
//
// A referrer the destination refuses (a 4xx to its manifest PUT, e.g. 405
// from a registry that takes no subject) is a failed Item whose error wraps
// ErrReferrerRefused and the registry's answer; the other referrers go on,
// and Sync's error wraps ErrIncomplete.
package referrers
