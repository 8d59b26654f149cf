package referrers

import (
	"testing"

	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// TestDefaults: the documented defaults are the ones applied.
func TestDefaults(t *testing.T) {
	t.Parallel()
	o, err := makeOptions()
	if err != nil {
		t.Fatal(err)
	}
	if DefaultMaxDepth != 4 || o.maxDepth != DefaultMaxDepth {
		t.Errorf("max depth %d, DefaultMaxDepth %d; want 4", o.maxDepth, DefaultMaxDepth)
	}
	if o.artifactTypes != nil || o.transport != nil || o.log == nil {
		t.Errorf("defaults = %+v; want all types, default transport, a logger", o)
	}
}

// TestOptionMisuse: a misused option fails NewFinder.
func TestOptionMisuse(t *testing.T) {
	t.Parallel()
	puller, err := remote.NewPuller()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		opt  Option
	}{
		{"depth 0", WithMaxDepth(0)},
		{"empty artifact type", WithArtifactTypes("a", "")},
		{"nil logger", WithLogger(nil)},
		{"nil transport", WithTransport(nil)},
	} {
		if _, err := NewFinder(puller, tc.opt); err == nil {
			t.Errorf("%s: NewFinder succeeded", tc.name)
		}
	}
	if _, err := NewFinder(nil); err == nil {
		t.Error("NewFinder(nil) succeeded")
	}
}
