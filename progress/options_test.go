package progress

import (
	"errors"
	"testing"
	"time"
)

func TestDefaults(t *testing.T) {
	t.Parallel()
	// The doc comments promise these values.
	if DefaultInterval != 10*time.Second {
		t.Errorf("DefaultInterval = %v, the docs say 10s", DefaultInterval)
	}
	o := defaults()
	if o.interval != DefaultInterval {
		t.Errorf("default interval = %v, want DefaultInterval (%v)", o.interval, DefaultInterval)
	}
	if o.quiet {
		t.Error("quiet by default")
	}
	if o.terminal != nil {
		t.Error("terminal set by default, want detection")
	}
	if _, ok := o.clock.(realClock); !ok {
		t.Errorf("default clock = %T, want the system clock", o.clock)
	}
	if o.log == nil {
		t.Error("no default logger")
	}
}

func TestOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		opt     Option
		wantErr error
		check   func(options) bool
	}{
		{"interval", WithInterval(time.Second), nil, func(o options) bool { return o.interval == time.Second }},
		{"zero interval", WithInterval(0), ErrInvalidOption, nil},
		{"negative interval", WithInterval(-time.Second), ErrInvalidOption, nil},
		{"nil logger", WithLogger(nil), ErrInvalidOption, nil},
		{"nil clock", WithClock(nil), ErrInvalidOption, nil},
		{"terminal", WithTerminal(true), nil, func(o options) bool { return o.terminal != nil && *o.terminal }},
		{"not a terminal", WithTerminal(false), nil, func(o options) bool { return o.terminal != nil && !*o.terminal }},
		{"quiet", WithQuiet(true), nil, func(o options) bool { return o.quiet }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			o := defaults()
			err := tt.opt(&o)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("error = %v, want %v", err, tt.wantErr)
			}
			if tt.check != nil && !tt.check(o) {
				t.Errorf("option not applied: %+v", o)
			}
		})
	}
}

func TestNewPanicsOnInvalidOption(t *testing.T) {
	t.Parallel()
	defer func() {
		err, _ := recover().(error)
		if !errors.Is(err, ErrInvalidOption) {
			t.Errorf("recovered %v, want ErrInvalidOption", err)
		}
	}()
	New(nil, WithQuiet(true), WithInterval(0))
	t.Error("New returned")
}
