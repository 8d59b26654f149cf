package shard

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/crane-migrate/crane-migrate/report"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Spec
		err  error
	}{
		{in: "0/4", want: Spec{0, 4}},
		{in: "3/4", want: Spec{3, 4}},
		{in: " 1/2 ", want: Spec{1, 2}},
		{in: "0/1", want: Spec{0, 1}},
		{in: "4/4", err: ErrSpec},
		{in: "-1/4", err: ErrSpec},
		{in: "0/0", err: ErrSpec},
		{in: "a/4", err: ErrSpec},
		{in: "2", err: ErrSpec},
		{in: "0/100001", err: ErrSpec},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := Parse(tc.in)
			if !errors.Is(err, tc.err) {
				t.Fatalf("Parse(%q) error %v, want %v", tc.in, err, tc.err)
			}
			if got != tc.want {
				t.Errorf("Parse(%q) = %v, want %v", tc.in, got, tc.want)
			}
			if err == nil && got.String() != stringsTrim(tc.in) {
				t.Errorf("String() = %q", got.String())
			}
		})
	}
}

func stringsTrim(s string) string {
	for len(s) > 0 && s[0] == ' ' {
		s = s[1:]
	}
	for len(s) > 0 && s[len(s)-1] == ' ' {
		s = s[:len(s)-1]
	}
	return s
}

func TestFromEnv(t *testing.T) {
	for _, tc := range []struct {
		name  string
		env   map[string]string
		count int
		want  Spec
		err   error
	}{
		{name: "index set", env: map[string]string{IndexEnv: "2"}, count: 4, want: Spec{2, 4}},
		{name: "index 0", env: map[string]string{IndexEnv: "0"}, count: 1, want: Spec{0, 1}},
		{name: "unset", count: 4, err: ErrNoIndex},
		{name: "empty", env: map[string]string{IndexEnv: ""}, count: 4, err: ErrNoIndex},
		{name: "not a number", env: map[string]string{IndexEnv: "x"}, count: 4, err: ErrSpec},
		{name: "past the count", env: map[string]string{IndexEnv: "4"}, count: 4, err: ErrSpec},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := fromLookup(tc.count, func(k string) (string, bool) { v, ok := tc.env[k]; return v, ok })
			if !errors.Is(err, tc.err) {
				t.Fatalf("error %v, want %v", err, tc.err)
			}
			if got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	t.Setenv(IndexEnv, "1")
	if got, err := FromEnv(3); err != nil || got != (Spec{1, 3}) {
		t.Errorf("FromEnv(3) = %v, %v", got, err)
	}
}

func TestInfo(t *testing.T) {
	got := Spec{1, 4}.Info([]string{"b", "a", "b"})
	want := &report.ShardInfo{Index: 1, Count: 4, Repositories: []string{"a", "b"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Error(diff)
	}
	if got := (Spec{0, 2}).Info(nil); got == nil || got.Repositories == nil {
		t.Errorf("a shard that owned nothing must say so with an empty list, got %+v", got)
	}
}
