package copy

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"

	"github.com/crane-migrate/crane-migrate/report"
	"github.com/crane-migrate/crane-migrate/verify"
)

// TestExplain: a tag's failure names the reference as typed and says what
// happened in the user's words, never the library's raw text; the kind and
// the side survive the wording.
func TestExplain(t *testing.T) {
	t.Parallel()
	ref, err := name.ParseReference("oldorg/app:v9")
	if err != nil {
		t.Fatal(err)
	}
	te := func(code int, d ...transport.Diagnostic) error { return &transport.Error{StatusCode: code, Errors: d} }
	pullDetail := []any{map[string]any{"Action": "pull", "Name": "oldorg/app", "Type": "repository"}}
	tests := []struct {
		name  string
		where string
		err   error
		want  string
		kind  report.Kind
	}{
		{"HEAD 404, no body", report.SideSource, te(http.StatusNotFound),
			"oldorg/app:v9: not found at the source (no such tag, or no such repository)", report.KindNotFound},
		{"repository unknown", report.SideSource, te(http.StatusNotFound, transport.Diagnostic{Code: transport.NameUnknownErrorCode,
			Message: "repository name not known to registry", Detail: map[string]any{"name": "oldorg/app"}}),
			"oldorg/app:v9: no such repository at the source", report.KindNotFound},
		{"tag unknown", report.SideSource, te(http.StatusNotFound, transport.Diagnostic{Code: transport.ManifestUnknownErrorCode}),
			"oldorg/app:v9: no such tag or digest at the source", report.KindNotFound},
		{"unauthorized", report.SideDestination, te(http.StatusUnauthorized, transport.Diagnostic{Code: transport.UnauthorizedErrorCode,
			Message: "authentication required", Detail: pullDetail}),
			"oldorg/app:v9: the destination registry refused the credentials (401 Unauthorized)", report.KindUnauthorized},
		{"denied", report.SideDestination, te(http.StatusForbidden, transport.Diagnostic{Code: transport.DeniedErrorCode,
			Message: "requested access to the resource is denied", Detail: pullDetail}),
			"oldorg/app:v9: the destination registry denied access (403 Forbidden: requested access to the resource is denied)", report.KindDenied},
		{"verify's not found", report.SideDestination, verify.ErrNotFound, "oldorg/app:v9: not found at the destination", report.KindNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := explain(nil, tt.where, ref, "reading it", tt.err)
			if got.Error() != tt.want {
				t.Errorf("explain = %q, want %q", got, tt.want)
			}
			for _, raw := range []string{"map[", "HEAD responses", "unexpected status code"} {
				if strings.Contains(got.Error(), raw) {
					t.Errorf("explain = %q: says %q", got, raw)
				}
			}
			if k := KindOf(got); k != tt.kind {
				t.Errorf("KindOf = %q, want %q", k, tt.kind)
			}
			if s := SideOf(got); s != tt.where {
				t.Errorf("SideOf = %q, want %q", s, tt.where)
			}
			if !errors.Is(got, tt.err) {
				t.Errorf("the worded error does not wrap the original")
			}
		})
	}
}
