package referrers

import (
	"errors"
	"fmt"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// ErrReferrerRefused wraps the registry's answer when the destination
// refuses a referrer's manifest (405 from a registry that accepts no
// manifest with a subject, 400 or 415 from one that does not know the
// artifact's media type): the item fails, the other referrers continue.
var ErrReferrerRefused = errors.New("destination refused the referrer")

// ErrSubjectNotCopied fails a referrer whose own subject (a referrer one
// level up) failed: pushing it would attach it to nothing.
var ErrSubjectNotCopied = errors.New("the referrer's subject was not copied")

// ErrFallbackNotIndex is returned when the subject's fallback tag holds
// something other than an OCI image index: we refuse to overwrite it.
var ErrFallbackNotIndex = errors.New("fallback tag is not an OCI image index")

// ErrIncomplete is returned by Syncer.Sync when at least one referrer
// failed; the Outcome says which and why.
var ErrIncomplete = errors.New("some referrers were not copied")

// errInconclusive is a probe whose answer says nothing about the API (the
// repository does not exist yet): it is not cached, so a later call asks
// again.
var errInconclusive = errors.New("referrers probe inconclusive")

// fallbackError is ErrFallbackNotIndex with the tag and what it holds.
type fallbackError struct {
	tag       name.Tag
	mediaType types.MediaType
}

func (e *fallbackError) Error() string {
	return fmt.Sprintf("%s holds %s: %v", e.tag, e.mediaType, ErrFallbackNotIndex)
}

func (e *fallbackError) Unwrap() error { return ErrFallbackNotIndex }
