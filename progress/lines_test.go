package progress

import (
	"bufio"
	"bytes"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/sirupsen/logrus"

	"github.com/crane-migrate/crane-migrate/report"
)

// lockedBuffer is written by the Display's goroutine and read by the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// line is what a test checks of a logged line.
type line struct {
	Msg                                  string
	Done, Total, Copied, Skipped, Failed int
	Pending, InFlight                    int
	Counting                             bool
}

func parseLines(t *testing.T, out string) []line {
	t.Helper()
	var lines []line
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var l line
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		lines = append(lines, l)
	}
	return lines
}

// script is one run as the caller drives it; advance moves the fake clock
// and waits until the Display has handled the tick.
type script func(d *Display, advance func(time.Duration))

func TestLines(t *testing.T) {
	t.Parallel()
	const a, b = "reg.example/team/a", "reg.example/team/b"
	copied, skipped := result(report.StatusCopied), result(report.StatusSkipped)
	tests := []struct {
		name string
		// detect: leave the terminal to detection (a buffer is not one)
		detect bool
		script script
		want   []line
	}{
		{
			name: "a line per interval, one when counted, one at the end",
			script: func(d *Display, advance func(time.Duration)) {
				d.Add(a, 2)
				d.Start(a)
				d.Done(a, copied, 1<<20)
				advance(5 * time.Second) // not yet
				advance(5 * time.Second)
				d.Add(b, 2)
				d.Start(a)
				d.Done(a, skipped, 0)
				d.EnumerationDone()
				advance(10 * time.Second)
				d.Start(b)
				d.Done(b, copied, 1<<20)
				d.Start(b)
				d.Done(b, result(report.StatusFailed), 0)
				d.Close()
			},
			want: []line{
				{Msg: "progress", Done: 1, Total: 2, Copied: 1, Counting: true},
				{Msg: "enumeration complete", Done: 2, Total: 4, Copied: 1, Skipped: 1},
				{Msg: "finished", Done: 4, Total: 4, Copied: 2, Skipped: 1, Failed: 1},
			},
		},
		{
			name:   "detected: a buffer is not a terminal",
			detect: true,
			script: func(d *Display, advance func(time.Duration)) {
				d.Add(a, 1)
				d.EnumerationDone()
				d.Start(a)
				d.Done(a, copied, 0)
				d.Close()
			},
			want: []line{
				{Msg: "enumeration complete", Total: 1},
				{Msg: "finished", Done: 1, Total: 1, Copied: 1},
			},
		},
		{
			name: "a line while a long copy runs, none while idle",
			script: func(d *Display, advance func(time.Duration)) {
				advance(10 * time.Second) // nothing happened yet
				d.Add(a, 1)
				d.EnumerationDone()
				d.Start(a)
				advance(10 * time.Second)
				advance(10 * time.Second)
				d.Done(a, copied, 0)
				advance(10 * time.Second)
				advance(10 * time.Second) // idle, unchanged
				d.Close()
			},
			want: []line{
				{Msg: "enumeration complete", Total: 1},
				{Msg: "progress", Total: 1, InFlight: 1},
				{Msg: "progress", Total: 1, InFlight: 1},
				{Msg: "progress", Done: 1, Total: 1, Copied: 1},
				{Msg: "finished", Done: 1, Total: 1, Copied: 1},
			},
		},
		{
			name: "interrupted",
			script: func(d *Display, advance func(time.Duration)) {
				d.Add(a, 3)
				d.Start(a)
				d.Done(a, copied, 0)
				d.Done(a, result(report.StatusPending), 0)
				d.Close()
				d.Close() // idempotent
				d.EnumerationDone()
			},
			want: []line{
				{Msg: "interrupted", Done: 1, Total: 3, Copied: 1, Pending: 1, Counting: true},
			},
		},
		{
			name: "nothing to do",
			script: func(d *Display, advance func(time.Duration)) {
				d.EnumerationDone()
				d.EnumerationDone() // once is enough
				d.Close()
			},
			want: []line{{Msg: "enumeration complete"}, {Msg: "finished"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var out lockedBuffer
			log := logrus.New()
			log.Out = &out
			log.Formatter = &logrus.JSONFormatter{DisableTimestamp: true}
			clock := newFakeClock()
			opts := []Option{WithLogger(log), WithClock(clock), WithInterval(10 * time.Second)}
			if !tt.detect {
				opts = append(opts, WithTerminal(false))
			}
			d := New(&out, opts...)
			advance := func(by time.Duration) {
				clock.waitIdle(t)
				clock.Advance(by)
				clock.waitIdle(t)
			}
			tt.script(d, advance)
			got := out.String()
			if strings.ContainsRune(got, '\x1b') {
				t.Errorf("ANSI escape in non-terminal output:\n%q", got)
			}
			if diff := cmp.Diff(tt.want, parseLines(t, got)); diff != "" {
				t.Errorf("lines (-want +got):\n%s\n%s", diff, got)
			}
		})
	}
}

func TestLinesRealClock(t *testing.T) {
	t.Parallel()
	var out lockedBuffer
	log := logrus.New()
	log.Out = &out
	log.Formatter = &logrus.JSONFormatter{DisableTimestamp: true}
	d := New(&out, WithTerminal(false), WithLogger(log), WithInterval(10*time.Millisecond))
	d.Add("reg.example/team/a", 1)
	d.Start("reg.example/team/a")
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(out.String(), `"msg":"progress"`) && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	d.Done("reg.example/team/a", result(report.StatusCopied), 0)
	d.Close()
	lines := parseLines(t, out.String())
	if len(lines) < 2 || lines[0].Msg != "progress" {
		t.Fatalf("want progress lines on the system clock, got %+v", lines)
	}
	if diff := cmp.Diff(line{Msg: "interrupted", Done: 1, Total: 1, Copied: 1, Counting: true}, lines[len(lines)-1]); diff != "" {
		t.Errorf("final line (-want +got):\n%s", diff)
	}
}
