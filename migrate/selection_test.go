package migrate_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/crane-migrate/crane-migrate/hub"
	"github.com/crane-migrate/crane-migrate/migrate"
	"github.com/crane-migrate/crane-migrate/side"
)

func TestParseWhen(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Time
		bad  bool
	}{
		{in: "2024-03-01T10:00:00Z", want: time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)},
		{in: "2024-03-01T10:00:00+02:00", want: time.Date(2024, 3, 1, 8, 0, 0, 0, time.UTC)},
		{in: "2024-03-01", want: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)},
		{in: "90d", want: now.Add(-90 * 24 * time.Hour)},
		{in: "12h", want: now.Add(-12 * time.Hour)},
		{in: "2w", want: now.Add(-14 * 24 * time.Hour)},
		{in: "1d12h", want: now.Add(-36 * time.Hour)},
		{in: "1h30m", want: now.Add(-90 * time.Minute)},
		{in: "", bad: true},
		{in: "0d", bad: true},
		{in: "-3d", bad: true},
		{in: "90", bad: true},
		{in: "3y", bad: true},
		{in: "yesterday", bad: true},
		{in: "2024-13-01", bad: true},
	}
	for _, tt := range tests {
		got, err := migrate.ParseWhen(tt.in, now)
		if tt.bad {
			if !errors.Is(err, migrate.ErrBadSelection) {
				t.Errorf("ParseWhen(%q) = %v, %v; want ErrBadSelection", tt.in, got, err)
			}
			continue
		}
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("ParseWhen(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestParsePlatforms(t *testing.T) {
	t.Parallel()
	got, err := migrate.ParsePlatforms([]string{"linux/amd64,linux/arm64/v8", " windows/amd64 "})
	if err != nil {
		t.Fatal(err)
	}
	want := []v1.Platform{{OS: "linux", Architecture: "amd64"}, {OS: "linux", Architecture: "arm64", Variant: "v8"}, {OS: "windows", Architecture: "amd64"}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	for _, bad := range []string{"linux", "linux/amd64/v8/x", "/amd64"} {
		if _, err := migrate.ParsePlatforms([]string{bad}); !errors.Is(err, migrate.ErrBadSelection) {
			t.Errorf("ParsePlatforms(%q): err = %v, want ErrBadSelection", bad, err)
		}
	}
}

func TestWithSelectionRefusesMisuse(t *testing.T) {
	t.Parallel()
	amd := v1.Platform{OS: "linux", Architecture: "amd64"}
	for name, s := range map[string]migrate.Selection{
		"negative count":      {KeepLatest: -1},
		"negative age":        {MinAge: -time.Hour},
		"flatten without one": {Flatten: true},
		"flatten with two":    {Flatten: true, Platforms: []v1.Platform{amd, amd}},
	} {
		if err := migrate.CheckSelection(s, nil); !errors.Is(err, migrate.ErrBadSelection) {
			t.Errorf("%s: err = %v, want ErrBadSelection", name, err)
		}
	}
}

// TestCheckSelectionNeedsHub: date and count filters need a Docker Hub
// listing; platforms and names do not.
func TestCheckSelectionNeedsHub(t *testing.T) {
	t.Parallel()
	registryOnly := &side.Side{}
	for name, s := range map[string]migrate.Selection{
		"pushed-since": {PushedSince: time.Now()},
		"pulled-since": {PulledSince: time.Now()},
		"min-age":      {MinAge: time.Hour},
		"keep-latest":  {KeepLatest: 3},
	} {
		err := migrate.CheckSelection(s, registryOnly)
		if !errors.Is(err, migrate.ErrNeedsHubListing) || !strings.Contains(err.Error(), "--"+name) {
			t.Errorf("%s: err = %v, want ErrNeedsHubListing naming the flag", name, err)
		}
	}
	if err := migrate.CheckSelection(migrate.Selection{Platforms: []v1.Platform{{OS: "linux", Architecture: "amd64"}}}, registryOnly); err != nil {
		t.Errorf("--platform alone: %v", err)
	}
	if err := migrate.CheckSelection(migrate.Selection{KeepLatest: 3}, &side.Side{Hub: &hub.Client{}}); err != nil {
		t.Errorf("a Docker Hub source: %v", err)
	}
}
