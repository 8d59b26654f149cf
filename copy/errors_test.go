package copy_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/google/go-containerregistry/pkg/v1/remote/transport"

	"github.com/crane-migrate/crane-migrate/copy"
	"github.com/crane-migrate/crane-migrate/pulls"
	"github.com/crane-migrate/crane-migrate/report"
	"github.com/crane-migrate/crane-migrate/verify"
)

// TestKindOf: the kind comes from the error's type and status, never its
// text: a digest that happens to contain "403" or "404" is a mismatch.
func TestKindOf(t *testing.T) {
	t.Parallel()
	status := func(code int, codes ...transport.ErrorCode) error {
		te := &transport.Error{StatusCode: code}
		for _, c := range codes {
			te.Errors = append(te.Errors, transport.Diagnostic{Code: c})
		}
		return fmt.Errorf("pushing: %w", te)
	}
	tests := []struct {
		name string
		err  error
		want report.Kind
	}{
		{"mismatch whose digests read 403 and 404", fmt.Errorf("x: %w: source sha256:4030…, destination sha256:4040…", verify.ErrDigestMismatch), report.KindDigestMismatch},
		{"platform missing", fmt.Errorf("x: %w", verify.ErrPlatformMissing), report.KindPlatformMissing},
		{"immutable", fmt.Errorf("x: %w", copy.ErrImmutableTag), report.KindImmutable},
		{"pull limit", fmt.Errorf("x: %w", pulls.ErrLimit), report.KindPullLimit},
		{"unauthorized", status(http.StatusUnauthorized), report.KindUnauthorized},
		{"denied", status(http.StatusForbidden), report.KindDenied},
		{"not found", status(http.StatusNotFound), report.KindNotFound},
		{"manifest unknown by code", status(http.StatusBadRequest, transport.ManifestUnknownErrorCode), report.KindNotFound},
		{"interrupted", fmt.Errorf("x: %w", context.Canceled), report.KindInterrupted},
		{"anything else", errors.New("403 404 unauthorized denied"), report.KindOther},
	}
	for _, tt := range tests {
		if got := copy.KindOf(tt.err); got != tt.want {
			t.Errorf("%s: KindOf = %q, want %q", tt.name, got, tt.want)
		}
	}
}
