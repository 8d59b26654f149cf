package progress

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/sirupsen/logrus"
)

func TestOverallText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                    string
		v                       view
		prefix, suffix, details string
	}{
		{
			name:    "counting",
			v:       view{counts: counts{Total: 40, Done: 10, Copied: 8, Skipped: 2}, elapsed: 5 * time.Second},
			prefix:  "tags 10/40 (counting…)",
			suffix:  " 25%",
			details: "  8 copied, 2 skipped, 0 failed · 2.0 tags/s",
		},
		{
			name: "counted, with bytes",
			v: view{counts: counts{Total: 40, Done: 20, Copied: 19, Failed: 1, Bytes: 20 << 20, Enumerated: true},
				elapsed: 10 * time.Second},
			prefix:  "tags 20/40",
			suffix:  " 50% · ETA 10s",
			details: "  19 copied, 0 skipped, 1 failed · 2.0 tags/s · 2.0 MiB/s",
		},
		{
			name:    "nothing yet",
			v:       view{},
			prefix:  "tags 0/0 (counting…)",
			suffix:  "  0%",
			details: "  0 copied, 0 skipped, 0 failed",
		},
		{
			name:    "finished",
			v:       view{counts: counts{Total: 4, Done: 4, Skipped: 4, Enumerated: true}, elapsed: 61 * time.Second, closed: true},
			prefix:  "tags 4/4",
			suffix:  "100% · done in 1m1s",
			details: "  0 copied, 4 skipped, 0 failed · 0.07 tags/s",
		},
		{
			name:    "nothing to do",
			v:       view{counts: counts{Enumerated: true}, closed: true},
			prefix:  "tags 0/0",
			suffix:  "100% · done in 0s",
			details: "  0 copied, 0 skipped, 0 failed",
		},
		{
			name: "interrupted",
			v: view{counts: counts{Total: 4, Done: 1, Copied: 1, Pending: 3, Enumerated: true},
				elapsed: 2 * time.Second, closed: true},
			prefix:  "tags 1/4",
			suffix:  " 25% · stopped after 2s",
			details: "  1 copied, 0 skipped, 0 failed, 3 not started · 0.50 tags/s",
		},
		{
			name:    "interrupted while counting",
			v:       view{counts: counts{Total: 4, Done: 1, Copied: 1}, closed: true},
			prefix:  "tags 1/4 (partial count)",
			suffix:  " 25% · stopped after 0s",
			details: "  1 copied, 0 skipped, 0 failed",
		},
		{
			name:    "dry run",
			v:       view{counts: counts{Total: 2, Done: 2, Planned: 1, Conflict: 1, Enumerated: true}, closed: true},
			prefix:  "tags 2/2",
			suffix:  "100% · done in 0s",
			details: "  0 copied, 0 skipped, 0 failed, 1 planned, 1 in conflict",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := [3]string{tt.v.overallPrefix(), tt.v.overallSuffix(), tt.v.details()}
			if diff := cmp.Diff([3]string{tt.prefix, tt.suffix, tt.details}, got); diff != "" {
				t.Errorf("prefix, suffix, details (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFields(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		v    view
		want logrus.Fields
	}{
		{
			name: "counting",
			v:    view{counts: counts{Total: 3, Done: 1, Running: 2, Copied: 1, Bytes: 4096}, elapsed: 2 * time.Second},
			want: logrus.Fields{"done": 1, "total": 3, "copied": 1, "skipped": 0, "failed": 0, "inFlight": 2,
				"counting": true, "bytes": int64(4096), "tagsPerSecond": 0.5, "bytesPerSecond": int64(2048)},
		},
		{
			name: "counted",
			v:    view{counts: counts{Total: 3, Done: 1, Skipped: 1, Enumerated: true}, elapsed: 2 * time.Second},
			want: logrus.Fields{"done": 1, "total": 3, "copied": 0, "skipped": 1, "failed": 0, "inFlight": 0,
				"tagsPerSecond": 0.5, "eta": "4s"},
		},
		{
			name: "closed early",
			v:    view{counts: counts{Total: 3, Failed: 1, Done: 1, Pending: 2, Enumerated: true}, closed: true},
			want: logrus.Fields{"done": 1, "total": 3, "copied": 0, "skipped": 0, "failed": 1, "inFlight": 0,
				"pending": 2, "elapsed": "0s"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, tt.v.fields()); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPadName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		width int
		want  string
	}{
		{"team/app", 10, "team/app  "},
		{"team/app", 8, "team/app"},
		{"registry.example/team/app", 10, "…/team/app"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%d", tt.name, tt.width), func(t *testing.T) {
			t.Parallel()
			if got := padName(tt.name, tt.width); got != tt.want {
				t.Errorf("padName(%q, %d) = %q, want %q", tt.name, tt.width, got, tt.want)
			}
		})
	}
}
