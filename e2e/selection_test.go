package e2e

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-containerregistry/pkg/crane"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/static"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/crane-migrate/crane-migrate/copy"
	"github.com/crane-migrate/crane-migrate/e2e/harness"
	"github.com/crane-migrate/crane-migrate/e2e/hubfake"
	"github.com/crane-migrate/crane-migrate/report"
)

// Issue 15: tags chosen by age, use and count from the Docker Hub listing,
// and platforms filtered into a new, deterministic index. The flags
// (--pushed-since, --pulled-since, --min-age, --keep-latest, --platform,
// --flatten, --explain) are wired in package commands.

var srcAccount = []string{"CRANE_MIGRATE_SRC_USERNAME=alice", "CRANE_MIGRATE_SRC_PASSWORD=alice-pat"}

// selected is what a run kept (planned, copied or skipped) and, for each
// tag dropped, the filter that dropped it (the first word of its reason).
func (r run) selected() (kept []string, dropped map[string]string) {
	dropped = map[string]string{}
	for _, res := range r.report.Results {
		tag := res.Destination[strings.LastIndex(res.Destination, ":")+1:]
		if res.Status == report.StatusExcluded {
			why := strings.TrimPrefix(res.Selection, "dropped: ")
			dropped[tag], _, _ = strings.Cut(why, " ")
			continue
		}
		if res.Selection != "kept" {
			dropped[tag] = "no selection reason: " + res.Selection
		}
		kept = append(kept, tag)
	}
	slices.Sort(kept)
	return kept, dropped
}

// TestSelectionFilters: every date and count filter alone, then all of
// them with --include and --exclude, in a dry run with --explain: each tag
// kept or dropped by the filter the documented order names first.
func TestSelectionFilters(t *testing.T) {
	t.Parallel()
	src := newHubSide(t, "alice", "alice-pat")
	dst := harness.MustStartRegistry(t)
	now := time.Now().UTC()
	ago := func(d time.Duration) time.Time { return now.Add(-d) }
	const day = 24 * time.Hour
	dates := map[string]hubfake.TagDates{
		"v1":     {Pushed: ago(400 * day), Pulled: ago(200 * day)},
		"v2":     {Pushed: ago(100 * day)}, // never pulled
		"v3":     {Pushed: ago(20 * day), Pulled: ago(day)},
		"v4":     {Pushed: ago(5 * day), Pulled: ago(2 * day)},
		"v5":     {Pushed: ago(2 * time.Hour)},
		"latest": {Pushed: ago(2 * time.Hour), Pulled: ago(time.Hour)},
	}
	base := src.reg.Host() + "/oldorg/app"
	seedTags(t, base+":v1")
	for tag, d := range dates {
		if tag != "v1" {
			if err := harness.Tag(ctx, base+":v1", base+":"+tag); err != nil {
				t.Fatal(err)
			}
		}
		if err := src.hub.SetTagDates(ctx, "oldorg", "app", tag, d); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name    string
		args    []string
		kept    []string
		dropped map[string]string
	}{
		{name: "pushed-since duration", args: []string{"--pushed-since", "30d"}, kept: []string{"latest", "v3", "v4", "v5"},
			dropped: map[string]string{"v1": "--pushed-since", "v2": "--pushed-since"}},
		{name: "pushed-since date", args: []string{"--pushed-since", ago(150 * day).Format(time.RFC3339)}, kept: []string{"latest", "v2", "v3", "v4", "v5"},
			dropped: map[string]string{"v1": "--pushed-since"}},
		{name: "pulled-since", args: []string{"--pulled-since", "7d"}, kept: []string{"latest", "v3", "v4"},
			dropped: map[string]string{"v1": "--pulled-since", "v2": "--pulled-since", "v5": "--pulled-since"}},
		{name: "min-age", args: []string{"--min-age", "1d"}, kept: []string{"v1", "v2", "v3", "v4"},
			dropped: map[string]string{"v5": "--min-age", "latest": "--min-age"}},
		{name: "keep-latest", args: []string{"--keep-latest", "2"}, kept: []string{"latest", "v5"}, // a tie: by name
			dropped: map[string]string{"v1": "--keep-latest", "v2": "--keep-latest", "v3": "--keep-latest", "v4": "--keep-latest"}},
		{name: "all combined", args: []string{"--include", "^v", "--exclude", "v4", "--pushed-since", "150d", "--min-age", "1d", "--keep-latest", "1"},
			kept:    []string{"v3"},
			dropped: map[string]string{"latest": "--include", "v4": "--exclude", "v5": "--min-age", "v1": "--pushed-since", "v2": "--keep-latest"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			args := append([]string{"repo", base, dst.Host() + "/neworg/app", "--src-hub-api", src.url, "--dry-run", "--explain"}, tt.args...)
			r := cli(t, srcAccount, args...).expect(t, 0)
			kept, dropped := r.selected()
			if d := cmp.Diff(tt.kept, kept); d != "" {
				t.Errorf("kept (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tt.dropped, dropped); d != "" {
				t.Errorf("dropped by (-want +got):\n%s\n%s", d, r.stdout)
			}
			if !strings.Contains(r.stdout, "DROPPED") || !strings.Contains(r.stdout, "KEPT") {
				t.Errorf("the text output does not list each tag's selection:\n%s", r.stdout)
			}
		})
	}
}

// TestSelectionKeepLatestAcrossPages: --keep-latest reads the whole
// listing (105 tags, two pages of 100) before choosing.
func TestSelectionKeepLatestAcrossPages(t *testing.T) {
	t.Parallel()
	src := newHubSide(t, "alice", "alice-pat")
	dst := harness.MustStartRegistry(t)
	base := src.reg.Host() + "/oldorg/app"
	seedTags(t, base+":t000")
	const n = 105
	start := time.Now().Add(-1000 * time.Hour)
	for i := range n {
		tag := fmt.Sprintf("t%03d", i)
		if i > 0 {
			if err := harness.Tag(ctx, base+":t000", base+":"+tag); err != nil {
				t.Fatal(err)
			}
		}
		// the oldest names are the newest pushes: a name order would be wrong
		if err := src.hub.SetTagDates(ctx, "oldorg", "app", tag, hubfake.TagDates{Pushed: start.Add(time.Duration(n-i) * time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	r := cli(t, srcAccount, "repo", base, dst.Host()+"/neworg/app", "--src-hub-api", src.url, "--keep-latest", "3").expect(t, 0)
	got, err := crane.ListTags(dst.Host() + "/neworg/app")
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	if d := cmp.Diff([]string{"t000", "t001", "t002"}, got); d != "" {
		t.Errorf("destination tags (-want +got):\n%s", d)
	}
	if len(r.report.Repositories) != 1 || r.report.Repositories[0].Excluded != n-3 {
		t.Errorf("repositories %+v, want %d excluded", r.report.Repositories, n-3)
	}
}

// TestSelectionDatesNeedHubListing: a date filter on a registry without a
// Docker Hub API is bad input (exit 2, one line), never "nothing matched".
func TestSelectionDatesNeedHubListing(t *testing.T) {
	t.Parallel()
	src := harness.MustStartRegistry(t)
	dst := harness.MustNewProxy(t, harness.MustStartRegistry(t).URL())
	seedTags(t, src.Host()+"/oldorg/app:v1")
	for _, flag := range [][]string{{"--pushed-since", "30d"}, {"--keep-latest", "1"}} {
		r := cli(t, nil, append([]string{"repo", src.Host() + "/oldorg/app", dst.Host() + "/neworg/app"}, flag...)...).expect(t, 2)
		lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
		if last := lines[len(lines)-1]; !strings.Contains(last, flag[0]) || !strings.Contains(last, "Docker Hub API listing") {
			t.Errorf("%s: stderr %q, want one line naming the flag and the listing it needs", flag[0], r.stderr)
		}
	}
	for _, req := range dst.Requests() {
		if req.Method != "GET" && req.Method != "HEAD" {
			t.Errorf("%s %s reached the destination", req.Method, req.Path)
		}
	}
}

// seedThreePlatforms pushes an OCI index of linux/amd64, linux/arm64/v8
// and linux/s390x images, each with its BuildKit attestation manifest.
func seedThreePlatforms(t *testing.T, ref string) (v1.Hash, map[string]v1.Hash) {
	t.Helper()
	idx := mutate.IndexMediaType(empty.Index, types.OCIImageIndex)
	children := map[string]v1.Hash{}
	var atts []mutate.IndexAddendum
	for _, p := range []v1.Platform{amd64, arm64, {OS: "linux", Architecture: "s390x"}} {
		img, err := random.Image(256, 1)
		if err != nil {
			t.Fatal(err)
		}
		img = mutate.MediaType(img, types.OCIManifestSchema1)
		cf, _ := img.ConfigFile()
		cf = cf.DeepCopy()
		cf.OS, cf.Architecture, cf.Variant = p.OS, p.Architecture, p.Variant
		if img, err = mutate.ConfigFile(img, cf); err != nil {
			t.Fatal(err)
		}
		d, _ := img.Digest()
		children[p.Architecture] = d
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{Platform: &p}})
		stmt := static.NewLayer([]byte(`{"_type":"https://in-toto.io/Statement/v0.1","subject":[{"digest":{"sha256":"`+d.Hex+`"}}]}`), "application/vnd.in-toto+json")
		att, err := mutate.AppendLayers(mutate.MediaType(empty.Image, types.OCIManifestSchema1), stmt)
		if err != nil {
			t.Fatal(err)
		}
		atts = append(atts, mutate.IndexAddendum{Add: att, Descriptor: v1.Descriptor{
			Platform:    &v1.Platform{OS: "unknown", Architecture: "unknown"},
			Annotations: map[string]string{"vnd.docker.reference.digest": d.String(), "vnd.docker.reference.type": "attestation-manifest"}}})
	}
	idx = mutate.AppendManifests(idx, atts...)
	r, err := name.ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.WriteIndex(r, idx); err != nil {
		t.Fatal(err)
	}
	d, _ := idx.Digest()
	return d, children
}

func getIndex(t *testing.T, ref string) (v1.Hash, *v1.IndexManifest, []byte) {
	t.Helper()
	raw, err := crane.Manifest(ref)
	if err != nil {
		t.Fatal(err)
	}
	m, err := v1.ParseIndexManifest(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	d, _, _ := v1.SHA256(bytes.NewReader(raw))
	return d, m, raw
}

// TestSelectionPlatformFilteredIndex: --platform linux/arm64 writes a new
// index of arm64 and its attestation only, says old → new digest, warns
// that the index's signatures do not apply (and copies none onto it) while
// the kept platform's own artifacts follow; a re-run skips it with no
// source manifest GET; verify accepts it, and catches it once it gained a
// platform at the destination.
func TestSelectionPlatformFilteredIndex(t *testing.T) {
	t.Parallel()
	srcReg := harness.MustStartRegistry(t)
	proxy := harness.MustNewProxy(t, srcReg.URL()) // the CLI's source: counts its requests
	_, hubURL := startHub(t, srcReg, hubfake.WithAccount("alice", "alice-pat"))
	dst := harness.MustStartRegistry(t)
	d0, children := seedThreePlatforms(t, srcReg.Host()+"/oldorg/app:multi")
	if _, err := harness.AttachCosign(ctx, srcReg.Host()+"/oldorg/app:multi", ".sig"); err != nil {
		t.Fatal(err)
	}
	armRef := srcReg.Host() + "/oldorg/app@" + children["arm64"].String()
	sbom, err := harness.AttachArtifact(ctx, armRef, "application/spdx+json")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := harness.AttachArtifact(ctx, srcReg.Host()+"/oldorg/app@"+d0.String(), "application/vnd.dev.sigstore.bundle.v0.3+json"); err != nil {
		t.Fatal(err)
	}
	args := []string{"repo", proxy.Host() + "/oldorg/app", dst.Host() + "/neworg/app", "--src-hub-api", hubURL, "--platform", "linux/arm64"}

	// The plan says so before anything is written.
	plan := cli(t, srcAccount, append(args, "--dry-run")...).expect(t, 0)
	if f := plan.result(t, "/neworg/app:multi").Filtered; f == nil || f.SourceDigest != d0.String() || cmp.Diff([]string{"linux/amd64", "linux/s390x"}, f.Dropped) != "" {
		t.Errorf("plan: filtered %+v, want the source digest and linux/amd64, linux/s390x dropped", f)
	}

	r := cli(t, srcAccount, args...).expect(t, 0)
	res := r.result(t, "/neworg/app:multi")
	d1, m, _ := getIndex(t, dst.Host()+"/neworg/app:multi")
	if res.Filtered == nil || res.Filtered.SourceDigest != d0.String() || res.Filtered.Digest != d1.String() || d1 == d0 {
		t.Fatalf("result %+v filtered %+v; want %s → %s", res, res.Filtered, d0, d1)
	}
	var listed []string
	for _, c := range m.Manifests {
		switch {
		case c.Digest == children["arm64"]:
			listed = append(listed, "arm64")
		case c.Annotations["vnd.docker.reference.digest"] == children["arm64"].String():
			listed = append(listed, "arm64 attestation")
		default:
			listed = append(listed, c.Digest.String()+" "+c.Annotations["vnd.docker.reference.digest"])
		}
	}
	if d := cmp.Diff([]string{"arm64", "arm64 attestation"}, listed); d != "" {
		t.Errorf("the new index lists (-want +got):\n%s", d)
	}
	if m.Annotations[copy.AnnotationSourceDigest] != d0.String() {
		t.Errorf("annotations %v, want the source index named", m.Annotations)
	}
	if !strings.Contains(r.stdout, "do not apply") {
		t.Errorf("no warning that the index's signatures do not apply:\n%s", r.stdout)
	}
	tags, err := crane.ListTags(dst.Host() + "/neworg/app")
	if err != nil {
		t.Fatal(err)
	}
	for _, tag := range tags {
		if strings.HasPrefix(tag, "sha256-"+d0.Hex) || strings.HasPrefix(tag, "sha256-"+d1.Hex) {
			t.Errorf("destination tag %s: what was attached to the source index followed the new one", tag)
		}
	}
	if !slices.Contains(tags, "sha256-"+children["arm64"].Hex) {
		t.Errorf("destination tags %v: the arm64 image's own SBOM (%s) did not follow it", tags, sbom)
	}

	// A re-run: compared and skipped, no source manifest GET.
	proxy.Reset()
	again := cli(t, srcAccount, args...).expect(t, 0)
	if s := again.result(t, "/neworg/app:multi").Status; s != report.StatusSkipped {
		t.Errorf("re-run: %s, want skipped", s)
	}
	// (The kept platform's referrers are read as on any re-run: its
	// sha256-<hex> fallback tag, no image manifest.)
	gets := proxy.Filter(func(r harness.Request) bool {
		return r.Kind == harness.ManifestGet && !strings.Contains(r.Path, "/manifests/sha256-")
	})
	if len(gets) != 0 {
		t.Errorf("re-run: %d source manifest GETs, want 0: %v", len(gets), gets)
	}

	verify := []string{"verify", srcReg.Host() + "/oldorg/app:multi", dst.Host() + "/neworg/app:multi", "--platform", "linux/arm64"}
	cli(t, nil, verify...).expect(t, 0)

	// The destination's index gains amd64 (same source, one more platform).
	_, sm, srcRaw := getIndex(t, srcReg.Host()+"/oldorg/app:multi")
	for _, c := range sm.Manifests {
		if c.Digest == children["amd64"] || c.Annotations["vnd.docker.reference.digest"] == children["amd64"].String() {
			if err := crane.Copy(srcReg.Host()+"/oldorg/app@"+c.Digest.String(), dst.Host()+"/neworg/app@"+c.Digest.String()); err != nil {
				t.Fatal(err)
			}
		}
	}
	grown, err := copy.FilterIndex(srcRaw, d0, []v1.Platform{{OS: "linux", Architecture: "arm64"}, {OS: "linux", Architecture: "amd64"}})
	if err != nil {
		t.Fatal(err)
	}
	multi, err := name.ParseReference(dst.Host() + "/neworg/app:multi")
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Put(multi, rawIndexImage(grown)); err != nil {
		t.Fatal(err)
	}
	bad := cli(t, nil, verify...).expect(t, 1)
	if res := bad.result(t, "/neworg/app:multi"); res.Kind != report.KindPlatformExtra || !strings.Contains(res.Error, "linux/amd64") {
		t.Errorf("verify of an index that gained linux/amd64: %+v", res)
	}
}

// TestSelectionPlatformFlattenAndImages: with one platform and --flatten
// the tag gets that platform's own manifest; a single-platform image of
// another platform is excluded and reported; one of the platform is
// copied unchanged.
func TestSelectionPlatformFlattenAndImages(t *testing.T) {
	t.Parallel()
	src := newHubSide(t, "alice", "alice-pat")
	dst := harness.MustStartRegistry(t)
	base := src.reg.Host() + "/oldorg/app"
	_, children := seedThreePlatforms(t, base+":multi")
	amdImg := seedImage(t, base+":amd", harness.WithPlatform(amd64))
	seedImage(t, base+":arm", harness.WithPlatform(arm64))
	r := cli(t, srcAccount, "repo", base, dst.Host()+"/neworg/app", "--src-hub-api", src.url,
		"--platform", "linux/amd64", "--flatten").expect(t, 0)
	if got, _ := crane.Digest(dst.Host() + "/neworg/app:multi"); got != children["amd64"].String() {
		t.Errorf("--flatten: destination multi is %s, want the amd64 manifest %s", got, children["amd64"])
	}
	if got, _ := crane.Digest(dst.Host() + "/neworg/app:amd"); got != amdImg.String() {
		t.Errorf("the amd64 image: %s, want it unchanged (%s)", got, amdImg)
	}
	if _, err := crane.Digest(dst.Host() + "/neworg/app:arm"); err == nil {
		t.Error("the arm64 image was copied")
	}
	if res := r.result(t, "/neworg/app:arm"); res.Status != report.StatusExcluded || !strings.Contains(res.Selection, "--platform") {
		t.Errorf("the arm64 image: %+v, want excluded by --platform", res)
	}
}

// rawIndexImage is an index manifest pushed as it is.
type rawIndexImage []byte

func (r rawIndexImage) RawManifest() ([]byte, error)        { return r, nil }
func (r rawIndexImage) MediaType() (types.MediaType, error) { return types.OCIImageIndex, nil }

// TestSelectionPlatformRerunHubToHub: into Docker Hub, where a manifest
// GET is a pull, a re-run of a filtered copy is decided from the two
// Hub listings alone: no manifest GET on either side.
func TestSelectionPlatformRerunHubToHub(t *testing.T) {
	t.Parallel()
	src, dst := newHubSide(t, "alice", "alice-pat"), newHubSide(t, "bob", "bob-pat")
	srcProxy, dstProxy := harness.MustNewProxy(t, src.reg.URL()), harness.MustNewProxy(t, dst.reg.URL())
	seedThreePlatforms(t, src.reg.Host()+"/oldorg/app:multi")
	args := []string{"repo", srcProxy.Host() + "/oldorg/app", dstProxy.Host() + "/neworg/app",
		"--src-hub-api", src.url, "--dst-hub-api", dst.url, "--platform", "linux/arm64"}
	first := cli(t, hubAccounts, args...).expect(t, 0)
	if res := first.result(t, "/neworg/app:multi"); res.Status != report.StatusCopied || res.Filtered == nil {
		t.Fatalf("first run: %+v, want a filtered copy", res)
	}
	srcProxy.Reset()
	dstProxy.Reset()
	again := cli(t, hubAccounts, args...).expect(t, 0)
	res := again.result(t, "/neworg/app:multi")
	if res.Status != report.StatusSkipped || res.Filtered == nil || res.Filtered.Digest != first.result(t, "/neworg/app:multi").Filtered.Digest {
		t.Errorf("re-run: %+v filtered %+v, want skipped as the same filtered copy", res, res.Filtered)
	}
	for side, p := range map[string]*harness.Proxy{"source": srcProxy, "destination": dstProxy} {
		if gets := p.Filter(func(r harness.Request) bool { return r.Kind == harness.ManifestGet }); len(gets) != 0 {
			t.Errorf("re-run: %d %s manifest GETs (pulls on Docker Hub), want 0: %v", len(gets), side, gets)
		}
	}

	// The tag flattened to the arm64 image by another run lists the same
	// one image, but is no index: the filtered index is written again.
	cli(t, hubAccounts, append(args, "--flatten")...).expect(t, 0)
	dstProxy.Reset()
	back := cli(t, hubAccounts, args...).expect(t, 0)
	if res := back.result(t, "/neworg/app:multi"); res.Status != report.StatusCopied ||
		res.DestinationDigest != first.result(t, "/neworg/app:multi").Filtered.Digest {
		t.Errorf("after a --flatten run: %+v, want the filtered index copied again", res)
	}
	// The listing said the tag is an image: no read (a pull) to find out.
	if gets := dstProxy.Filter(func(r harness.Request) bool { return r.Kind == harness.ManifestGet }); len(gets) != 0 {
		t.Errorf("after a --flatten run: %d destination manifest GETs, want 0: %v", len(gets), gets)
	}
}

// TestSelectionPlatformSignaturesFromRegistry: from a registry source (no
// listing digests), --platform decides each cosign tag as it does from a
// Hub listing: an index it rewrites leaves its signature behind, reported
// excluded with the reason; an index it keeps whole keeps its signature;
// a kept platform's own signature follows it.
func TestSelectionPlatformSignaturesFromRegistry(t *testing.T) {
	t.Parallel()
	src, dst := harness.MustStartRegistry(t), harness.MustStartRegistry(t)
	base := src.Host() + "/oldorg/app"
	rewritten, children := seedThreePlatforms(t, base+":multi")
	whole, err := harness.SeedIndex(ctx, base+":pair", []v1.Platform{amd64, arm64}, types.OCIImageIndex)
	if err != nil {
		t.Fatal(err)
	}
	for _, subject := range []string{base + ":multi", base + ":pair", base + "@" + children["arm64"].String()} {
		if _, err := harness.AttachCosign(ctx, subject, ".sig"); err != nil {
			t.Fatal(err)
		}
	}
	p := harness.MustNewProxy(t, src.URL())
	r := cli(t, nil, "repo", p.Host()+"/oldorg/app", dst.Host()+"/neworg/app", "--platform", "linux/amd64,linux/arm64").expect(t, 0)
	// Each index is read once, though both the signatures' matching and
	// the copy need it.
	for tag, d := range map[string]v1.Hash{"multi": rewritten, "pair": whole} {
		if n := len(p.Filter(func(q harness.Request) bool {
			return q.Kind == harness.ManifestGet && (strings.HasSuffix(q.Path, "/manifests/"+d.String()) || strings.HasSuffix(q.Path, "/manifests/"+tag))
		})); n != 1 {
			t.Errorf("index %s (%s) read %d times, want once", tag, d, n)
		}
	}
	tags, err := crane.ListTags(dst.Host() + "/neworg/app")
	if err != nil {
		t.Fatal(err)
	}
	for sig, want := range map[string]bool{
		"sha256-" + rewritten.Hex + ".sig":         false,
		"sha256-" + whole.Hex + ".sig":             true,
		"sha256-" + children["arm64"].Hex + ".sig": true,
	} {
		if got := slices.Contains(tags, sig); got != want {
			t.Errorf("destination has %s: %v, want %v (tags %v)", sig, got, want, tags)
		}
	}
	res := r.result(t, "/neworg/app:sha256-"+rewritten.Hex+".sig")
	if res.Status != report.StatusExcluded || !strings.Contains(res.Selection, "--platform") || !strings.Contains(res.Selection, "does not apply") {
		t.Errorf("the rewritten index's signature: %+v, want excluded by --platform, saying why", res)
	}

	// --explain gives a signature left behind with its image its own line.
	plan := cli(t, nil, "repo", base, dst.Host()+"/neworg/other", "--exclude", "pair", "--dry-run", "--explain").expect(t, 0)
	if res := plan.result(t, "/neworg/other:sha256-"+whole.Hex+".sig"); res.Status != report.StatusExcluded ||
		!strings.HasPrefix(res.Selection, "dropped: signature (signs "+whole.String()) {
		t.Errorf("--explain, the excluded image's signature: %+v, want dropped, naming the image it signs", res)
	}
}
