package copy

import (
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// TestBlobClaims: the first repository to need a blob uploads it; another
// waits for that upload, then finds its home; on a registry that refused a
// mount nobody waits.
func TestBlobClaims(t *testing.T) {
	t.Parallel()
	h := v1.Hash{Algorithm: "sha256", Hex: "0000000000000000000000000000000000000000000000000000000000000001"}
	repo := func(s string) name.Repository { r, _ := name.NewRepository("reg.example/" + s); return r }
	var b blobHomes
	if wait, mine := b.claim(repo("a"), h); wait != nil || !mine {
		t.Fatalf("first claim: wait %v mine %v, want its own", wait, mine)
	}
	wait, mine := b.claim(repo("b"), h)
	if wait == nil || mine {
		t.Fatalf("second claim: wait %v mine %v, want to wait", wait, mine)
	}
	b.add(repo("a"), h)
	b.release(repo("a"), h)
	<-wait
	if home, ok := b.home(repo("b"), h); !ok || home.String() != repo("a").String() {
		t.Errorf("after the upload: home %v %v, want reg.example/a", home, ok)
	}
	other := v1.Hash{Algorithm: "sha256", Hex: "0000000000000000000000000000000000000000000000000000000000000002"}
	b.refused(repo("b"))
	b.claim(repo("a"), other)
	if wait, mine := b.claim(repo("c"), other); wait != nil || mine {
		t.Errorf("on a registry that refused a mount: wait %v mine %v, want neither", wait, mine)
	}
}
