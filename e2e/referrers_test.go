package e2e

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/crane-migrate/crane-migrate/e2e/harness"
	"github.com/crane-migrate/crane-migrate/report"
)

// The artifact types the referrers tests attach.
const (
	sbomType = "application/spdx+json"
	sigType  = "application/vnd.cncf.notary.signature"
)

// refSide is one registry of a referrers test: with the referrers API
// (go-containerregistry's registry) or without it (the distribution
// registry, which keeps them under the sha256-<hex> fallback tag).
type refSide struct {
	host string
	api  bool
}

func (s refSide) url() string { return "http://" + s.host }

func apiSide(t *testing.T) refSide {
	return refSide{host: harness.MustStartGGCRRegistry(t, true).Host(), api: true}
}

func fallbackSide(t *testing.T) refSide {
	return refSide{host: harness.MustStartRegistry(t).Host()}
}

// attachedImage is an image with an SBOM and a signature attached by
// subject, and a signature of the SBOM (depth 2).
type attachedImage struct {
	image, sbom, sig, sbomSig v1.Hash
}

// all is every referrer's digest, sorted.
func (a attachedImage) all() []string {
	return sortedStrings(a.sbom, a.sig, a.sbomSig)
}

// seedAttached pushes an image to ref (repository:tag) with its three
// referrers.
func seedAttached(t *testing.T, ref string) attachedImage {
	t.Helper()
	var a attachedImage
	a.image = seedImage(t, ref)
	repo := ref[:strings.LastIndex(ref, ":")]
	a.sbom = attach(t, repo+"@"+a.image.String(), sbomType)
	a.sig = attach(t, repo+"@"+a.image.String(), sigType)
	a.sbomSig = attach(t, repo+"@"+a.sbom.String(), sigType)
	return a
}

func attach(t *testing.T, subject, artifactType string) v1.Hash {
	t.Helper()
	d, err := harness.AttachArtifact(ctx, subject, artifactType)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func sortedStrings(hs ...v1.Hash) []string {
	var out []string // nil for none, as cmp.Diff compares it with a nil want
	for _, h := range hs {
		out = append(out, h.String())
	}
	slices.Sort(out)
	return out
}

// attachedTo reads what s has attached to subject in repo, in the form s
// keeps it: the referrers API, or the fallback tag's index (nil when the
// tag is absent).
func attachedTo(t *testing.T, s refSide, repo string, subject v1.Hash) []v1.Descriptor {
	t.Helper()
	d, err := name.NewDigest(s.host + "/" + repo + "@" + subject.String())
	if err != nil {
		t.Fatal(err)
	}
	if s.api {
		idx, err := remote.Referrers(d, remote.WithContext(ctx))
		if err != nil {
			t.Fatalf("listing referrers of %s: %v", d, err)
		}
		im, err := idx.IndexManifest()
		if err != nil {
			t.Fatal(err)
		}
		return im.Manifests
	}
	im := fallbackIndex(t, d.Context().Tag("sha256-"+subject.Hex))
	if im == nil {
		return nil
	}
	return im.Manifests
}

// fallbackIndex GETs a fallback tag's index; nil when the tag is absent.
func fallbackIndex(t *testing.T, tag name.Tag) *v1.IndexManifest {
	t.Helper()
	desc, err := remote.Get(tag, remote.WithContext(ctx))
	var terr *transport.Error
	if errors.As(err, &terr) && terr.StatusCode == http.StatusNotFound {
		return nil
	}
	if err != nil {
		t.Fatalf("reading %s: %v", tag, err)
	}
	if desc.MediaType != types.OCIImageIndex {
		t.Fatalf("%s is a %s, not an OCI index", tag, desc.MediaType)
	}
	var im v1.IndexManifest
	if err := json.Unmarshal(desc.Manifest, &im); err != nil {
		t.Fatal(err)
	}
	return &im
}

// closure is every referrer reachable from root in repo on s (each one a
// subject in turn), as sorted digests.
func closure(t *testing.T, s refSide, repo string, root v1.Hash) []string {
	t.Helper()
	seen := map[v1.Hash]bool{root: true}
	var out []v1.Hash
	for level := []v1.Hash{root}; len(level) > 0; {
		var next []v1.Hash
		for _, subject := range level {
			for _, d := range attachedTo(t, s, repo, subject) {
				if !seen[d.Digest] {
					seen[d.Digest] = true
					out = append(out, d.Digest)
					next = append(next, d.Digest)
				}
			}
		}
		level = next
	}
	return sortedStrings(out...)
}

// wantReferrers compares a result's referrer counts with want, ignoring
// types and errors.
func wantReferrers(t *testing.T, what string, got *report.Referrers, want report.Referrers) {
	t.Helper()
	if got == nil {
		got = &report.Referrers{}
	}
	g := *got
	g.Types, g.Errors = nil, nil
	if d := cmp.Diff(want, g); d != "" {
		t.Errorf("%s referrers (-want +got):\n%s", what, d)
	}
}

// TestReferrersForms moves an image's SBOM, signature and the SBOM's
// signature between every pair of forms a registry keeps them in.
func TestReferrersForms(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		src, dst func(*testing.T) refSide
	}{
		{"api to fallback", apiSide, fallbackSide},
		{"fallback to api", fallbackSide, apiSide},
		{"api to api", apiSide, apiSide},
		{"fallback to fallback", fallbackSide, fallbackSide},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			src, dst := tt.src(t), tt.dst(t)
			a := seedAttached(t, src.host+"/oldorg/app:v1")
			if d := cmp.Diff(a.all(), closure(t, src, "oldorg/app", a.image)); d != "" {
				t.Fatalf("seeded source referrers (-want +got):\n%s", d)
			}
			r := cli(t, nil, "org", src.host+"/oldorg", dst.host+"/neworg").expect(t, 0)
			res := r.result(t, "neworg/app:v1")
			if res.Status != report.StatusCopied || !res.Verified {
				t.Errorf("result %+v, want copied and verified", res)
			}
			three := report.Referrers{Found: 3, Copied: 3}
			wantReferrers(t, "app:v1", res.Referrers, three)
			wantReferrers(t, "summary", &r.report.Summary.Referrers, three)
			if res.Referrers != nil && !slices.Equal(res.Referrers.Types, []string{sbomType, sigType}) {
				t.Errorf("types %v, want %v", res.Referrers.Types, []string{sbomType, sigType})
			}
			if d := cmp.Diff(a.all(), closure(t, dst, "neworg/app", a.image)); d != "" {
				t.Errorf("destination referrers (-source +destination):\n%s", d)
			}
			if r.report.Summary.Total != 1 {
				t.Errorf("summary %+v: want 1 tag (no fallback tag sent as a task)", r.report.Summary)
			}
		})
	}
}

// TestReferrersOfIndexChildren: what is attached to one platform's image
// of an index follows the index.
func TestReferrersOfIndexChildren(t *testing.T) {
	t.Parallel()
	src, dst := apiSide(t), fallbackSide(t)
	idx := seedIndex(t, src.host+"/oldorg/web:multi", types.OCIImageIndex)
	child := childOf(t, src.host+"/oldorg/web@"+idx.String(), amd64)
	sbom := attach(t, src.host+"/oldorg/web@"+child.String(), sbomType)

	r := cli(t, nil, "repo", src.host+"/oldorg/web", dst.host+"/neworg/web").expect(t, 0)
	wantReferrers(t, "web:multi", r.result(t, "web:multi").Referrers, report.Referrers{Found: 1, Copied: 1})
	if d := cmp.Diff(sortedStrings(sbom), closure(t, dst, "neworg/web", child)); d != "" {
		t.Errorf("referrers of the amd64 image at the destination (-want +got):\n%s", d)
	}
}

// childOf is the digest of index's image for platform p.
func childOf(t *testing.T, index string, p v1.Platform) v1.Hash {
	t.Helper()
	ref, err := name.ParseReference(index)
	if err != nil {
		t.Fatal(err)
	}
	ii, err := remote.Index(ref, remote.WithContext(ctx))
	if err != nil {
		t.Fatal(err)
	}
	im, err := ii.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range im.Manifests {
		if m.Platform != nil && m.Platform.Equals(p) {
			return m.Digest
		}
	}
	t.Fatalf("%s has no %s image", index, p)
	return v1.Hash{}
}

// TestReferrersFollowTheFilter: a tag filter that leaves an image behind
// leaves its referrers behind too.
func TestReferrersFollowTheFilter(t *testing.T) {
	t.Parallel()
	src, dst := fallbackSide(t), fallbackSide(t)
	kept := seedAttached(t, src.host+"/oldorg/app:v1")
	left := seedAttached(t, src.host+"/oldorg/app:v2")

	r := cli(t, nil, "repo", src.host+"/oldorg/app", dst.host+"/neworg/app", "--include", "^v1$").expect(t, 0)
	if d := cmp.Diff(map[string]report.Status{"app:v1": report.StatusCopied}, r.statuses()); d != "" {
		t.Errorf("statuses (-want +got):\n%s", d)
	}
	if d := cmp.Diff(kept.all(), closure(t, dst, "neworg/app", kept.image)); d != "" {
		t.Errorf("v1's referrers at the destination (-want +got):\n%s", d)
	}
	if got := closure(t, dst, "neworg/app", left.image); len(got) != 0 {
		t.Errorf("v2 was filtered out but its referrers %v are at the destination", got)
	}
	if got := closure(t, dst, "neworg/app", left.sbom); len(got) != 0 {
		t.Errorf("v2 was filtered out but its SBOM's referrers %v are at the destination", got)
	}
}

// TestReferrerAddedLater: a re-run copies exactly the referrer attached at
// the source since the first run.
func TestReferrerAddedLater(t *testing.T) {
	t.Parallel()
	src, dst := apiSide(t), fallbackSide(t)
	a := seedAttached(t, src.host+"/oldorg/app:v1")
	first := cli(t, nil, "repo", src.host+"/oldorg/app", dst.host+"/neworg/app").expect(t, 0)
	wantReferrers(t, "first run", first.result(t, "app:v1").Referrers, report.Referrers{Found: 3, Copied: 3})

	late := attach(t, src.host+"/oldorg/app@"+a.image.String(), "application/vnd.in-toto+json")
	again := cli(t, nil, "repo", src.host+"/oldorg/app", dst.host+"/neworg/app").expect(t, 0)
	res := again.result(t, "app:v1")
	if res.Status != report.StatusSkipped {
		t.Errorf("image status %s, want skipped", res.Status)
	}
	wantReferrers(t, "re-run", res.Referrers, report.Referrers{Found: 4, Copied: 1, Skipped: 3})
	want := sortedStrings(a.sbom, a.sig, a.sbomSig, late)
	if d := cmp.Diff(want, closure(t, dst, "neworg/app", a.image)); d != "" {
		t.Errorf("destination referrers (-want +got):\n%s", d)
	}
}

// TestConcurrentReferrersOfOneSubject: several tags of one repository name
// the same image, so their tasks reach the same subject at once (-j 8); its
// referrers are moved and reported once, and every one of them is in the
// destination's fallback tag.
func TestConcurrentReferrersOfOneSubject(t *testing.T) {
	t.Parallel()
	src, dstReg := apiSide(t), harness.MustStartRegistry(t)
	// Uneven latency on manifest requests puts tasks out of step.
	dstProxy := harness.MustNewProxy(t, dstReg.URL(), harness.WithFault(jitter(8*time.Millisecond)))
	dst := refSide{host: dstProxy.Host()}
	img := seedImage(t, src.host+"/oldorg/app:t00")
	var tags []string
	for i := 0; i < 10; i++ {
		tags = append(tags, fmt.Sprintf("t%02d", i))
		if i > 0 {
			if err := harness.Tag(ctx, src.host+"/oldorg/app:t00", src.host+"/oldorg/app:"+tags[i]); err != nil {
				t.Fatal(err)
			}
		}
	}
	var want []v1.Hash
	for i := 0; i < 12; i++ {
		want = append(want, attach(t, src.host+"/oldorg/app@"+img.String(), []string{sbomType, sigType}[i%2]))
	}

	r := cli(t, nil, "repo", src.host+"/oldorg/app", dst.host+"/neworg/app", "--jobs", "8").expect(t, 0)
	var sum report.Referrers
	for _, tag := range tags {
		if rc := r.result(t, "app:"+tag).Referrers; rc != nil {
			sum.Found, sum.Copied, sum.Skipped, sum.Failed = sum.Found+rc.Found, sum.Copied+rc.Copied, sum.Skipped+rc.Skipped, sum.Failed+rc.Failed
		}
	}
	once := report.Referrers{Found: len(want), Copied: len(want)}
	wantReferrers(t, "all tags together", &sum, once)
	wantReferrers(t, "summary", &r.report.Summary.Referrers, once)
	if d := cmp.Diff(sortedStrings(want...), closure(t, dst, "neworg/app", img)); d != "" {
		t.Errorf("fallback index at the destination (-want +got):\n%s", d)
	}
}

// TestTaggedReferrersRaceTheirSubject: referrers that have tags of their
// own travel twice at once: as tag tasks (go-containerregistry's write
// path updates the subject's fallback tag when it PUTs them) and as the
// image's referrers (our merge of the same tag). Every one must be in the
// destination's fallback tag afterwards, and the run must succeed. The
// interleaving that loses an entry is a matter of timing, so the copy is
// made several times, each into a fresh repository.
func TestTaggedReferrersRaceTheirSubject(t *testing.T) {
	t.Parallel()
	src, dstReg := apiSide(t), harness.MustStartRegistry(t)
	// Uneven latency, and fallback tag writes landing late, put writers
	// out of step and widen each read-modify-write's window.
	dstProxy := harness.MustNewProxy(t, dstReg.URL(), harness.WithFault(func(r *http.Request) *harness.Fault {
		if r.Method == http.MethodPut && strings.Contains(r.URL.Path, "/manifests/sha256-") {
			time.Sleep(20 * time.Millisecond)
		}
		return jitter(8 * time.Millisecond)(r)
	}))
	dst := refSide{host: dstProxy.Host()}
	img := seedImage(t, src.host+"/oldorg/app:v1")
	var want []v1.Hash
	for i := 0; i < 16; i++ {
		d := attach(t, src.host+"/oldorg/app@"+img.String(), []string{sbomType, sigType}[i%2])
		want = append(want, d)
		if err := harness.Tag(ctx, src.host+"/oldorg/app@"+d.String(), fmt.Sprintf("%s/oldorg/app:att%02d", src.host, i)); err != nil {
			t.Fatal(err)
		}
	}

	for i := 0; i < 6; i++ {
		repo := fmt.Sprintf("neworg/app%d", i)
		r := cli(t, nil, "repo", src.host+"/oldorg/app", dst.host+"/"+repo, "--jobs", "16")
		if d := cmp.Diff(sortedStrings(want...), closure(t, dst, repo, img)); d != "" {
			t.Errorf("%s: fallback index (-want +got):\n%s", repo, d)
		}
		if r.code != 0 {
			t.Errorf("%s: exit code %d, want 0\n%s", repo, r.code, r.stdout)
		}
	}
}

// jitter holds each manifest request for a random time up to max, then
// forwards it.
func jitter(max time.Duration) func(*http.Request) *harness.Fault {
	return func(r *http.Request) *harness.Fault {
		if k, _ := harness.Classify(r); k == harness.ManifestGet || k == harness.ManifestPut || k == harness.ManifestHead {
			time.Sleep(rand.N(max))
		}
		return nil
	}
}

// refuseSubjects answers 405 to a manifest PUT whose body has a subject, as
// a registry that takes no referrers would.
func refuseSubjects(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut && strings.Contains(r.URL.Path, "/manifests/") {
			body, err := io.ReadAll(r.Body)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			var m struct {
				Subject *v1.Descriptor `json:"subject"`
			}
			if json.Unmarshal(body, &m) == nil && m.Subject != nil {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusMethodNotAllowed)
				_, _ = io.WriteString(w, `{"errors":[{"code":"UNSUPPORTED","message":"manifests with a subject are refused here"}]}`)
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		next.ServeHTTP(w, r)
	})
}

// TestReferrerRefusedByDestination: a destination that refuses manifests
// with a subject fails the tag whose image has referrers, with the
// registry's answer, and copies the others.
func TestReferrerRefusedByDestination(t *testing.T) {
	t.Parallel()
	src := fallbackSide(t)
	dst := harness.MustStartGGCRRegistry(t, false, harness.WithMiddleware(refuseSubjects))
	seedAttached(t, src.host+"/oldorg/app:v1")
	seedImage(t, src.host+"/oldorg/app:v2")
	seedImage(t, src.host+"/oldorg/api:v1")

	r := cli(t, nil, "org", src.host+"/oldorg", dst.Host()+"/neworg").expect(t, 1)
	want := map[string]report.Status{"app:v1": report.StatusFailed, "app:v2": report.StatusCopied, "api:v1": report.StatusCopied}
	if d := cmp.Diff(want, r.statuses()); d != "" {
		t.Errorf("statuses (-want +got):\n%s", d)
	}
	res := r.result(t, "app:v1")
	if !strings.Contains(res.Error, "manifests with a subject are refused here") || !strings.Contains(res.Error, "405") {
		t.Errorf("error %q, want the registry's answer (405 and its message)", res.Error)
	}
	if res.Kind == "" || res.Verified {
		t.Errorf("result %+v: want a kind and not verified", res)
	}
	if rc := res.Referrers; rc == nil || rc.Failed == 0 || rc.Copied != 0 || len(rc.Errors) == 0 {
		t.Errorf("referrers %+v, want failures with their errors and none copied", rc)
	}
	t.Logf("refused referrer: kind %q, error %q", res.Kind, res.Error)
}

// TestVerifyFindsDeletedReferrer: verify compares what is attached on both
// sides and names the referrer gone from the destination.
func TestVerifyFindsDeletedReferrer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		dst    func(*testing.T) refSide
		remove func(t *testing.T, dst refSide, a attachedImage)
	}{
		{"fallback tag rewritten", fallbackSide, func(t *testing.T, dst refSide, a attachedImage) {
			tag, err := name.NewTag(dst.host + "/neworg/app:sha256-" + a.image.Hex)
			if err != nil {
				t.Fatal(err)
			}
			im := fallbackIndex(t, tag)
			if im == nil {
				t.Fatalf("%s is absent after the copy", tag)
			}
			im.Manifests = slices.DeleteFunc(im.Manifests, func(d v1.Descriptor) bool { return d.Digest == a.sig })
			raw, err := json.Marshal(im)
			if err != nil {
				t.Fatal(err)
			}
			if err := remote.Put(tag, ociIndex(raw), remote.WithContext(ctx)); err != nil {
				t.Fatal(err)
			}
		}},
		{"api manifest deleted", apiSide, func(t *testing.T, dst refSide, a attachedImage) {
			d, err := name.NewDigest(dst.host + "/neworg/app@" + a.sig.String())
			if err != nil {
				t.Fatal(err)
			}
			if err := remote.Delete(d, remote.WithContext(ctx)); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			src, dst := apiSide(t), tt.dst(t)
			a := seedAttached(t, src.host+"/oldorg/app:v1")
			cli(t, nil, "repo", src.host+"/oldorg/app", dst.host+"/neworg/app").expect(t, 0)
			cli(t, nil, "verify", src.host+"/oldorg/app", dst.host+"/neworg/app").expect(t, 0)

			tt.remove(t, dst, a)
			if got := closure(t, dst, "neworg/app", a.image); slices.Contains(got, a.sig.String()) {
				t.Fatalf("signature %s still attached at the destination after removing it", a.sig)
			}
			r := cli(t, nil, "verify", src.host+"/oldorg/app", dst.host+"/neworg/app").expect(t, 1)
			res := r.result(t, "app:v1")
			if res.Status != report.StatusFailed || res.Kind != report.KindReferrerMissing || !strings.Contains(res.Error, a.sig.String()) {
				t.Errorf("result %+v, want failed, %s, naming %s", res, report.KindReferrerMissing, a.sig)
			}
			for _, other := range []v1.Hash{a.sbom, a.sbomSig} {
				if strings.Contains(res.Error, other.String()) {
					t.Errorf("error %q names %s, which is still there", res.Error, other)
				}
			}
		})
	}
}

// ociIndex is a raw OCI index ready to PUT.
type ociIndex []byte

func (r ociIndex) RawManifest() ([]byte, error)        { return r, nil }
func (r ociIndex) MediaType() (types.MediaType, error) { return types.OCIImageIndex, nil }

// TestReferrersOffAndByType: --referrers=false leaves everything attached
// behind (the fallback tag and cosign tags too); --referrer-type keeps
// only that type, at every depth.
func TestReferrersOffAndByType(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		args     []string
		want     func(attachedImage) []string
		wantTags func(attachedImage) []string
		counts   report.Referrers
	}{
		{
			name:     "off",
			args:     []string{"--referrers=false"},
			want:     func(attachedImage) []string { return nil },
			wantTags: func(attachedImage) []string { return []string{"v1"} },
		},
		{
			name: "sbom only",
			args: []string{"--referrer-type", sbomType},
			want: func(a attachedImage) []string { return sortedStrings(a.sbom) },
			wantTags: func(a attachedImage) []string {
				return []string{"sha256-" + a.image.Hex, "v1"}
			},
			counts: report.Referrers{Found: 1, Copied: 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			src, dst := fallbackSide(t), fallbackSide(t)
			a := seedAttached(t, src.host+"/oldorg/app:v1")
			if _, err := harness.AttachCosign(ctx, src.host+"/oldorg/app:v1", ".sig"); err != nil {
				t.Fatal(err)
			}
			args := append([]string{"repo", src.host + "/oldorg/app", dst.host + "/neworg/app"}, tt.args...)
			r := cli(t, nil, args...).expect(t, 0)
			if got := r.result(t, "app:v1").Status; got != report.StatusCopied {
				t.Errorf("app:v1 %s, want copied", got)
			}
			wantReferrers(t, "summary", &r.report.Summary.Referrers, tt.counts)
			if d := cmp.Diff(tt.want(a), closure(t, dst, "neworg/app", a.image)); d != "" {
				t.Errorf("destination referrers (-want +got):\n%s", d)
			}
			repo, err := name.NewRepository(dst.host + "/neworg/app")
			if err != nil {
				t.Fatal(err)
			}
			tags, err := remote.List(repo, remote.WithContext(ctx))
			if err != nil {
				t.Fatal(err)
			}
			slices.Sort(tags)
			if d := cmp.Diff(tt.wantTags(a), tags); d != "" {
				t.Errorf("destination tags (-want +got):\n%s", d)
			}
		})
	}
}

// TestReferrersDryRun: a dry run counts the missing referrers as planned
// and writes nothing.
func TestReferrersDryRun(t *testing.T) {
	t.Parallel()
	src, dstReg := apiSide(t), harness.MustStartRegistry(t)
	dstProxy := harness.MustNewProxy(t, dstReg.URL())
	a := seedAttached(t, src.host+"/oldorg/app:v1")

	r := cli(t, nil, "repo", src.host+"/oldorg/app", dstProxy.Host()+"/neworg/app", "--dry-run").expect(t, 0)
	if s := r.report.Summary; s.Planned != 1 {
		t.Errorf("summary %+v, want 1 planned", s)
	}
	wantReferrers(t, "app:v1", r.result(t, "app:v1").Referrers, report.Referrers{Found: 3, Planned: 3})
	wantReferrers(t, "summary", &r.report.Summary.Referrers, report.Referrers{Found: 3, Planned: 3})
	for _, req := range dstProxy.Requests() {
		if req.Method != http.MethodGet && req.Method != http.MethodHead {
			t.Errorf("dry run sent %s %s to the destination", req.Method, req.Path)
		}
	}
	if got := closure(t, refSide{host: dstReg.Host()}, "neworg/app", a.image); len(got) != 0 {
		t.Errorf("dry run left referrers %v at the destination", got)
	}
}

// TestReferrersRequestCost counts what following referrers costs a re-run
// of images that have none: the extra source requests per tag, with and
// without --referrers.
func TestReferrersRequestCost(t *testing.T) {
	t.Parallel()
	const n = 4
	tests := []struct {
		name string
		src  func(*testing.T) refSide
	}{{"api source", apiSide}, {"fallback source", fallbackSide}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			src, dstReg := tt.src(t), harness.MustStartRegistry(t)
			srcProxy := harness.MustNewProxy(t, src.url())
			dstProxy := harness.MustNewProxy(t, dstReg.URL())
			for i := 0; i < n; i++ {
				seedImage(t, fmt.Sprintf("%s/oldorg/app:t%d", src.host, i))
			}
			from, to := srcProxy.Host()+"/oldorg/app", dstProxy.Host()+"/neworg/app"
			cli(t, nil, "repo", from, to).expect(t, 0)

			cost := func(args ...string) (srcReqs, dstReqs []harness.Request) {
				srcProxy.Reset()
				dstProxy.Reset()
				r := cli(t, nil, append([]string{"repo", from, to}, args...)...).expect(t, 0)
				if s := r.report.Summary; s.Skipped != n {
					t.Fatalf("re-run summary %+v, want %d skipped", s, n)
				}
				return srcProxy.Requests(), dstProxy.Requests()
			}
			offSrc, offDst := cost("--referrers=false")
			onSrc, onDst := cost()
			t.Logf("re-run of %d tags without referrers: source %d requests with --referrers=false, %d with --referrers (%.2f more per tag); destination %d and %d",
				n, len(offSrc), len(onSrc), float64(len(onSrc)-len(offSrc))/n, len(offDst), len(onDst))
			t.Logf("source requests with --referrers: %v", describeRequests(onSrc))
			// One look per subject (a referrers listing or a fallback tag
			// HEAD) plus one API probe per registry.
			if extra := len(onSrc) - len(offSrc); extra > n+1 {
				t.Errorf("--referrers costs %d more source requests for %d tags, want at most %d", extra, n, n+1)
			}
			if extra := len(onDst) - len(offDst); extra > 1 {
				t.Errorf("--referrers costs %d more destination requests for images without referrers, want at most 1", extra)
			}
		})
	}
}

// describeRequests counts requests by method and path shape, for the log.
func describeRequests(reqs []harness.Request) map[string]int {
	out := map[string]int{}
	for _, r := range reqs {
		k := string(r.Kind)
		if r.Kind == harness.Other {
			k = r.Method + " other"
			if strings.Contains(r.Path, "/referrers/") {
				k = r.Method + " referrers"
			}
		}
		out[k]++
	}
	return out
}
