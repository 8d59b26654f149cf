package packaging

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const twoPlatforms = `# a comment that must survive
spec:
  platforms:
  - uri: https://example.com/v1/crane-migrate_linux_amd64.tar.gz
    sha256: "old"
    bin: kubectl-crane_migrate
  - sha256: old # key order differs, and this comment goes
    uri: https://example.com/v1/crane-migrate_darwin_arm64.tar.gz
`

func TestSetSHA256(t *testing.T) {
	t.Parallel()
	both := map[string]string{
		"crane-migrate_linux_amd64.tar.gz":  "aaaa",
		"crane-migrate_darwin_arm64.tar.gz": "bbbb",
	}
	tests := []struct {
		name     string
		manifest string
		sums     map[string]string
		want     string
		wantErr  error
	}{{
		name:     "each platform gets its archive's sum",
		manifest: twoPlatforms,
		sums:     both,
		want: strings.NewReplacer(`sha256: "old"`, "sha256: aaaa",
			"sha256: old # key order differs, and this comment goes", "sha256: bbbb").Replace(twoPlatforms),
	}, {
		name:     "CRLF line endings are kept",
		manifest: strings.ReplaceAll(twoPlatforms, "\n", "\r\n"),
		sums:     both,
		want: strings.NewReplacer(`sha256: "old"`, "sha256: aaaa",
			"sha256: old # key order differs, and this comment goes", "sha256: bbbb", "\n", "\r\n").Replace(twoPlatforms),
	}, {
		name:     "a platform without an archive",
		manifest: twoPlatforms,
		sums:     map[string]string{"crane-migrate_linux_amd64.tar.gz": "aaaa"},
		wantErr:  ErrPlatforms,
	}, {
		name:     "an archive without a platform",
		manifest: twoPlatforms,
		sums:     map[string]string{"crane-migrate_linux_amd64.tar.gz": "a", "crane-migrate_darwin_arm64.tar.gz": "b", "crane-migrate_windows_amd64.tar.gz": "c"},
		wantErr:  ErrPlatforms,
	}, {
		name:     "a platform without sha256",
		manifest: "spec:\n  platforms:\n  - uri: https://example.com/x.tar.gz\n",
		sums:     map[string]string{"x.tar.gz": "a"},
		wantErr:  ErrManifest,
	}, {
		name:     "no platforms",
		manifest: "spec:\n  version: v1.0.0\n",
		wantErr:  ErrManifest,
	}, {
		name:     "not YAML",
		manifest: "spec: [",
		wantErr:  ErrManifest,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := SetSHA256([]byte(tc.manifest), tc.sums)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("error %v, want %v", err, tc.wantErr)
			}
			if diff := cmp.Diff(tc.want, string(got)); diff != "" {
				t.Errorf("manifest (-want +got):\n%s", diff)
			}
		})
	}
}
