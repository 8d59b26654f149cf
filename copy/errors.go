package copy

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/google/go-containerregistry/pkg/v1/remote/transport"

	"github.com/crane-migrate/crane-migrate/pulls"
	"github.com/crane-migrate/crane-migrate/report"
	"github.com/crane-migrate/crane-migrate/side"
	"github.com/crane-migrate/crane-migrate/verify"
)

// ErrImmutableTag means the destination refused to overwrite a tag it keeps
// immutable. (The same digest already there is a skip, decided before any push.)
var ErrImmutableTag = errors.New("the destination tag is immutable")

// ErrCorruptBlob means the source served a blob that is not the one named:
// its answer has another size, or the destination hashed its bytes and
// refused them.
var ErrCorruptBlob = errors.New("the source served bytes that are not this blob")

// KindOf classifies err for the report: what the user has to do depends on
// the kind, so hints and exit codes switch on it instead of reading text.
func KindOf(err error) report.Kind {
	var te *transport.Error
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrImmutableTag):
		return report.KindImmutable
	case errors.Is(err, ErrCorruptBlob):
		return report.KindCorruptBlob
	case errors.Is(err, pulls.ErrLimit):
		return report.KindPullLimit
	case errors.Is(err, verify.ErrDigestMismatch):
		return report.KindDigestMismatch
	case errors.Is(err, verify.ErrPlatformMissing):
		return report.KindPlatformMissing
	case errors.Is(err, verify.ErrPlatformExtra):
		return report.KindPlatformExtra
	case errors.Is(err, verify.ErrNotFound):
		return report.KindNotFound
	case errors.Is(err, side.ErrUnreachable):
		return report.KindUnreachable
	case errors.Is(err, context.Canceled):
		return report.KindInterrupted
	case errors.As(err, &te):
		return statusKind(te)
	}
	return report.KindOther
}

// statusKind reads a registry's answer: its status, else its error codes.
func statusKind(te *transport.Error) report.Kind {
	switch te.StatusCode {
	case http.StatusUnauthorized:
		return report.KindUnauthorized
	case http.StatusForbidden:
		return report.KindDenied
	case http.StatusNotFound:
		return report.KindNotFound
	case http.StatusTooManyRequests:
		return report.KindPullLimit
	}
	for _, d := range te.Errors {
		switch d.Code {
		case transport.ManifestUnknownErrorCode, transport.NameUnknownErrorCode, transport.BlobUnknownErrorCode:
			return report.KindNotFound
		case transport.UnauthorizedErrorCode:
			return report.KindUnauthorized
		case transport.DeniedErrorCode:
			return report.KindDenied
		}
	}
	return report.KindOther
}

// immutable recognises Docker Hub's refusal: 403, code DENIED, a message
// about immutability (observed wording, so matched loosely).
func immutable(err error) bool {
	var te *transport.Error
	if !errors.As(err, &te) || te.StatusCode != http.StatusForbidden {
		return false
	}
	for _, d := range te.Errors {
		if d.Code == transport.DeniedErrorCode && strings.Contains(strings.ToLower(d.Message), "immutable") {
			return true
		}
	}
	return false
}
