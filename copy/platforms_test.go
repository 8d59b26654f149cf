package copy_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/crane-migrate/crane-migrate/copy"
	"github.com/crane-migrate/crane-migrate/report"
)

const (
	dAMD = "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	dARM = "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	dS39 = "sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"
)

// threePlatforms is an index as BuildKit writes one: three platforms, an
// attestation for each, keys in its own order and an annotation with
// characters JSON encoders like to escape.
var threePlatforms = []byte(`{
  "schemaVersion": 2,
  "mediaType": "application/vnd.oci.image.index.v1+json",
  "manifests": [
    {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "` + dAMD + `", "size": 10, "platform": {"architecture": "amd64", "os": "linux"}},
    {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "` + dARM + `", "size": 11, "platform": {"architecture": "arm64", "os": "linux", "variant": "v8"}},
    {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "` + dS39 + `", "size": 12, "platform": {"architecture": "s390x", "os": "linux"}},
    {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "sha256:1111111111111111111111111111111111111111111111111111111111111111", "size": 13, "platform": {"architecture": "unknown", "os": "unknown"}, "annotations": {"vnd.docker.reference.digest": "` + dAMD + `", "vnd.docker.reference.type": "attestation-manifest"}},
    {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "sha256:2222222222222222222222222222222222222222222222222222222222222222", "size": 14, "platform": {"architecture": "unknown", "os": "unknown"}, "annotations": {"vnd.docker.reference.digest": "` + dARM + `", "vnd.docker.reference.type": "attestation-manifest"}},
    {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "sha256:3333333333333333333333333333333333333333333333333333333333333333", "size": 15, "platform": {"architecture": "unknown", "os": "unknown"}, "annotations": {"vnd.docker.reference.digest": "` + dS39 + `", "vnd.docker.reference.type": "attestation-manifest"}}
  ],
  "annotations": {"org.opencontainers.image.description": "a <b> & c"}
}`)

var srcIndex = v1.Hash{Algorithm: "sha256", Hex: "9999999999999999999999999999999999999999999999999999999999999999"}

// TestFilterIndexIsDeterministic: the filtered index is a function of the
// source index and the platform set, byte for byte: the same set in any
// order, on any run, gives the same bytes (so a re-run finds the same
// digest), the kept platform keeps its own attestation and no other.
func TestFilterIndexIsDeterministic(t *testing.T) {
	t.Parallel()
	amd := v1.Platform{OS: "linux", Architecture: "amd64"}
	arm := v1.Platform{OS: "linux", Architecture: "arm64"}
	got, err := copy.FilterIndex(threePlatforms, srcIndex, []v1.Platform{amd})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"annotations":{"io.github.crane-migrate.platforms":"linux/amd64","io.github.crane-migrate.source.digest":"` + srcIndex.String() + `","org.opencontainers.image.description":"a <b> & c"},` +
		`"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"` + dAMD + `","size":10,"platform":{"architecture":"amd64","os":"linux"}},` +
		`{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:1111111111111111111111111111111111111111111111111111111111111111","size":13,"platform":{"architecture":"unknown","os":"unknown"},"annotations":{"vnd.docker.reference.digest":"` + dAMD + `","vnd.docker.reference.type":"attestation-manifest"}}],` +
		`"mediaType":"application/vnd.oci.image.index.v1+json","schemaVersion":2}`
	if d := cmp.Diff(want, string(got)); d != "" {
		t.Errorf("filtered index (-want +got):\n%s", d)
	}
	a, _ := copy.FilterIndex(threePlatforms, srcIndex, []v1.Platform{arm, amd})
	b, _ := copy.FilterIndex(threePlatforms, srcIndex, []v1.Platform{amd, arm, amd})
	if !bytes.Equal(a, b) {
		t.Errorf("the same platforms in another order gave other bytes:\n%s\n%s", a, b)
	}
	if all, err := copy.FilterIndex(threePlatforms, srcIndex, []v1.Platform{amd, arm, {OS: "linux", Architecture: "s390x"}}); err != nil || all != nil {
		t.Errorf("keeping every platform: %s, %v; want nil (the source index unchanged)", all, err)
	}
	if _, err := copy.FilterIndex(threePlatforms, srcIndex, []v1.Platform{{OS: "windows", Architecture: "amd64"}}); !errors.Is(err, copy.ErrNoPlatform) {
		t.Errorf("no platform kept: err = %v, want ErrNoPlatform", err)
	}
}

// TestEngineFiltersIndex: --platform writes the filtered index, reports
// old → new digest, and a re-run planned from a listing skips it without
// a source manifest GET; --flatten tags the platform's own manifest.
func TestEngineFiltersIndex(t *testing.T) {
	t.Parallel()
	src, srcCount := newRegistry(t)
	dst, _ := newRegistry(t)
	d0 := pushIndex(t, src+"/a/app:multi", "linux/amd64", "linux/arm64", "linux/s390x")
	desc := mustGet(t, src+"/a/app:multi")
	m, err := v1.ParseIndexManifest(bytes.NewReader(desc.Manifest))
	if err != nil {
		t.Fatal(err)
	}
	keep := &copy.Platforms{Want: []v1.Platform{{OS: "linux", Architecture: "arm64"}}}
	tk := task(t, src+"/a/app:multi", dst+"/b/app:multi")
	tk.Keep = keep
	res := run(t, []copy.Task{tk})[0]
	if res.Status != report.StatusCopied || res.Filtered == nil || res.Filtered.SourceDigest != d0.String() ||
		res.Filtered.Digest == d0.String() || res.DestinationDigest != res.Filtered.Digest || !res.Verified {
		t.Fatalf("result %+v filtered %+v", res, res.Filtered)
	}
	if d := cmp.Diff([]string{"linux/amd64", "linux/s390x"}, res.Filtered.Dropped); d != "" {
		t.Errorf("dropped (-want +got):\n%s", d)
	}
	got := mustGet(t, dst+"/b/app:multi")
	dm, _ := v1.ParseIndexManifest(bytes.NewReader(got.Manifest))
	if got.Digest.String() != res.Filtered.Digest || len(dm.Manifests) != 1 || dm.Manifests[0].Digest != m.Manifests[1].Digest {
		t.Fatalf("destination %s lists %+v, want only arm64 %s", got.Digest, dm.Manifests, m.Manifests[1].Digest)
	}

	// A re-run planned from a listing: digest and platform images given.
	again := task(t, src+"/a/app:multi", dst+"/b/app:multi")
	again.Keep, again.SourceDigest, again.Children = keep, d0.String(), len(m.Manifests)
	for _, c := range m.Manifests {
		again.Images = append(again.Images, v1.Descriptor{Digest: c.Digest, Platform: c.Platform})
	}
	before := srcCount.get("GET manifest")
	res = run(t, []copy.Task{again})[0]
	if res.Status != report.StatusSkipped || res.Filtered == nil || res.Filtered.Digest != got.Digest.String() {
		t.Errorf("re-run: %+v filtered %+v, want skipped at the filtered digest", res, res.Filtered)
	}
	if n := srcCount.get("GET manifest") - before; n != 0 {
		t.Errorf("re-run: %d source manifest GETs, want 0", n)
	}

	flat := task(t, src+"/a/app:multi", dst+"/b/app:flat")
	flat.Keep = &copy.Platforms{Want: keep.Want, Flatten: true}
	res = run(t, []copy.Task{flat})[0]
	if res.Status != report.StatusCopied || res.DestinationDigest != m.Manifests[1].Digest.String() {
		t.Errorf("--flatten: %+v, want the arm64 manifest %s tagged", res, m.Manifests[1].Digest)
	}
	flat.SourceDigest, flat.Images, flat.Children = again.SourceDigest, again.Images, again.Children
	before = srcCount.get("GET manifest")
	if res = run(t, []copy.Task{flat})[0]; res.Status != report.StatusSkipped || srcCount.get("GET manifest") != before {
		t.Errorf("--flatten re-run: %+v with %d source GETs, want skipped with none", res, srcCount.get("GET manifest")-before)
	}
}

// TestEngineExcludesImageOfAnotherPlatform: an image whose platform is not
// kept is excluded, not copied, even when no listing told its platform.
func TestEngineExcludesImageOfAnotherPlatform(t *testing.T) {
	t.Parallel()
	src, _ := newRegistry(t)
	dst, _ := newRegistry(t)
	pushImage(t, src+"/a/app:img") // random.Image has no platform in its config
	tk := task(t, src+"/a/app:img", dst+"/b/app:img")
	tk.Keep = &copy.Platforms{Want: []v1.Platform{{OS: "linux", Architecture: "amd64"}}}
	res := run(t, []copy.Task{tk})[0]
	if res.Status != report.StatusExcluded || res.Selection == "" {
		t.Fatalf("result %+v, want excluded with its reason", res)
	}
	ref, _ := name.ParseReference(dst + "/b/app:img")
	if _, err := remote.Head(ref); err == nil {
		t.Error("the excluded image was copied")
	}
}

type rawIndex []byte

func (r rawIndex) RawManifest() ([]byte, error) { return r, nil }
func (r rawIndex) MediaType() (types.MediaType, error) {
	return types.OCIImageIndex, nil
}

// TestCheckFilteredCopy: the verify command accepts a filtered copy and
// catches one that gained a platform at the destination.
func TestCheckFilteredCopy(t *testing.T) {
	t.Parallel()
	src, _ := newRegistry(t)
	dst, _ := newRegistry(t)
	d0 := pushIndex(t, src+"/a/app:multi", "linux/amd64", "linux/arm64", "linux/s390x")
	keep := &copy.Platforms{Want: []v1.Platform{{OS: "linux", Architecture: "arm64"}}}
	tk := task(t, src+"/a/app:multi", dst+"/b/app:multi")
	tk.Keep = keep
	if res := run(t, []copy.Task{tk})[0]; res.Status != report.StatusCopied {
		t.Fatalf("copy: %+v", res)
	}
	if res := run(t, []copy.Task{tk}, copy.WithCheckOnly(true))[0]; res.Status != report.StatusVerified || res.Filtered == nil {
		t.Fatalf("verify of a good filtered copy: %+v", res)
	}
	// The destination gains amd64: the same source, one more platform.
	raw, err := copy.FilterIndex(mustGet(t, src+"/a/app:multi").Manifest, d0, []v1.Platform{{OS: "linux", Architecture: "arm64"}, {OS: "linux", Architecture: "amd64"}})
	if err != nil {
		t.Fatal(err)
	}
	m, _ := v1.ParseIndexManifest(bytes.NewReader(mustGet(t, src+"/a/app:multi").Manifest))
	if res := run(t, []copy.Task{task(t, src+"/a/app@"+m.Manifests[0].Digest.String(), dst+"/b/app:amd")})[0]; res.Status != report.StatusCopied {
		t.Fatalf("copying the amd64 child: %+v", res)
	}
	ref, _ := name.ParseReference(dst + "/b/app:multi")
	if err := remote.Put(ref, rawIndex(raw)); err != nil {
		t.Fatal(err)
	}
	res := run(t, []copy.Task{tk}, copy.WithCheckOnly(true))[0]
	if res.Status != report.StatusFailed || res.Kind != report.KindPlatformExtra || !strings.Contains(res.Error, "linux/amd64") {
		t.Errorf("verify of a filtered copy that gained linux/amd64: %+v", res)
	}
}
