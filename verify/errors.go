package verify

import "errors"

// Sentinel errors; callers branch with errors.Is.
var (
	// ErrDigestMismatch means source and destination tags point at different manifests.
	ErrDigestMismatch = errors.New("digest mismatch")
	// ErrPlatformMissing means an index platform is absent at the destination.
	ErrPlatformMissing = errors.New("platform missing at destination")
	// ErrPlatformExtra means a copy filtered by --platform lists a manifest
	// at the destination that the filter did not select.
	ErrPlatformExtra = errors.New("platform not selected, at destination")
	// ErrNotFound means the destination tag does not exist.
	ErrNotFound = errors.New("not found at destination")
)
