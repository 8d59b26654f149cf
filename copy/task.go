package copy

import (
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// Task is one tag (or digest) to migrate. The digests are hints from a
// listing: when set, planning needs no registry request.
type Task struct {
	Source      name.Reference
	Destination name.Tag

	// SourceDigest is the source manifest's digest, when a listing gave it.
	SourceDigest string
	// Platforms are the source's platforms, when a listing gave them.
	Platforms []string
	// Children is the number of child manifests when a listing said the
	// source is an index; it makes the pull estimate of a dry run exact.
	Children int
	// DestinationKnown says DestinationDigest is authoritative: "" then
	// means the destination tag does not exist.
	DestinationKnown  bool
	DestinationDigest string
	// DestinationBy says who gave DestinationDigest: report.VerifiedByRegistry
	// (the destination registry: a HEAD or its tags/list, which the planner
	// completes with a HEAD) or report.VerifiedByListing (the Docker Hub
	// API's listing). A skip is only as verified as its source.
	DestinationBy string
	// DestinationImages are the images of the destination tag when a
	// Docker Hub listing gave it as an index (like Images): with them a
	// filtered copy already there is recognized without reading it (a GET
	// there is a pull).
	DestinationImages []v1.Descriptor
	// DestinationNew says the destination repository did not exist when
	// planned: it holds only what this run writes, so blobs are uploaded
	// without first asking whether it has them.
	DestinationNew bool

	// RepoTags is every tag of the source repository when its listing was
	// complete before the task was sent (nil otherwise): what is attached
	// to the image is then looked up in it (a fallback tag absent from it
	// costs no request).
	RepoTags []string

	// Signature marks a cosign-style sha256-<hex>.sig/.att/.sbom tag.
	Signature bool

	// Keep is --platform: nil copies every platform.
	Keep *Platforms
	// Images are the source's platform images (digest and platform;
	// attestations as unknown/unknown), when a listing gave them: with
	// them, Keep is planned without reading the source.
	Images []v1.Descriptor
	// Selection is why the task was chosen ("kept"), for --explain.
	Selection string
}
