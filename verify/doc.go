// Package verify checks that a destination holds what the source holds: the
// same top-level digest, and for an index every platform's manifest present.
// Equal digests mean byte-identical manifests, so the platform check is about
// children that a registry might be missing, and about explaining a mismatch.
package verify
