package copy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sync/atomic"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/sirupsen/logrus"
	"golang.org/x/sync/errgroup"

	"github.com/crane-migrate/crane-migrate/report"
	"github.com/crane-migrate/crane-migrate/retry"
)

// The push path is ours rather than go-containerregistry's Pusher.Push,
// because the pusher spends round trips a migration can do without: a HEAD
// before every manifest, a HEAD before every blob, and an upload in three
// requests (POST, PATCH, PUT). Here each blob costs one POST that offers a
// mount — from the source repository when both sides are one registry, from
// the repository this run already put it in, or from the destination
// repository itself, which answers "already here" — and, only when that
// mount is refused, one PUT streamed from the source. Manifests are PUT
// without a HEAD: planning already compared the digests.

// uploadAttempts is how many times a blob upload is started over after a
// transient failure of its streamed PUT, which no RoundTripper can replay.
const uploadAttempts = 3

// pushJobs bounds the blobs and child manifests one manifest writes at once.
const pushJobs = 8

// put writes desc (a manifest read from src) as ref, after everything it
// refers to: its blobs and, for an index, its child manifests by digest.
func (e *Engine) put(ctx context.Context, src name.Repository, ref name.Reference, desc *remote.Descriptor, fresh bool) error {
	blobs, children, err := references(desc.Manifest)
	if err != nil {
		return fmt.Errorf("reading %s: %w", src.Digest(desc.Digest.String()), err)
	}
	var g errgroup.Group // no shared cancellation: a blob another tag waits on must not die of this tag's failure
	g.SetLimit(pushJobs)
	for _, b := range blobs {
		g.Go(func() error { return e.blob(ctx, src, ref.Context(), b, fresh) })
	}
	for _, c := range children {
		g.Go(func() error { return e.child(ctx, src, ref.Context(), c, fresh) })
	}
	if err := g.Wait(); err != nil {
		return err
	}
	return e.dst.Put(ctx, ref, rawManifest{raw: desc.Manifest, mediaType: desc.MediaType})
}

// child writes an index's child by digest, once per destination repository
// in the whole run: a child shared by several indexes is read and written once.
func (e *Engine) child(ctx context.Context, src, dst name.Repository, c v1.Descriptor, fresh bool) error {
	if !c.MediaType.IsImage() && !c.MediaType.IsIndex() {
		return e.blob(ctx, src, dst, c, fresh) // an index may list a plain blob
	}
	_, err := e.written.Do(ctx, dst.String()+"@"+c.Digest.String(), func() (struct{}, error) {
		desc, err := e.fetch(ctx, src.Digest(c.Digest.String()))
		if err != nil {
			return struct{}{}, err
		}
		return struct{}{}, e.put(ctx, src, dst.Digest(c.Digest.String()), desc, fresh)
	})
	return err
}

// references lists what a manifest needs at the destination before it can
// be put: blobs (config, layers; not foreign layers, which live elsewhere by
// design) and child manifests. One parse covers images, indexes, OCI
// artifacts and schema 1.
func references(raw []byte) (blobs, children []v1.Descriptor, err error) {
	var m struct {
		Config    *v1.Descriptor  `json:"config"`
		Layers    []v1.Descriptor `json:"layers"`
		Manifests []v1.Descriptor `json:"manifests"`
		FSLayers  []struct {
			BlobSum v1.Hash `json:"blobSum"`
		} `json:"fsLayers"`
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, nil, fmt.Errorf("parsing manifest: %w", err)
	}
	if m.Config != nil && m.Config.Digest.Hex != "" {
		blobs = append(blobs, *m.Config)
	}
	seen := map[v1.Hash]bool{}
	for _, l := range m.Layers {
		if l.MediaType.IsDistributable() && !seen[l.Digest] {
			seen[l.Digest] = true
			blobs = append(blobs, l)
		}
	}
	for _, l := range m.FSLayers {
		if !seen[l.BlobSum] {
			seen[l.BlobSum] = true
			blobs = append(blobs, v1.Descriptor{Digest: l.BlobSum, Size: -1})
		}
	}
	return blobs, m.Manifests, nil
}

// blob makes dst hold blob d of src, once per destination repository in the
// whole run, and starts the upload over after a transient failure.
func (e *Engine) blob(ctx context.Context, src, dst name.Repository, d v1.Descriptor, fresh bool) error {
	_, err := e.written.Do(ctx, dst.String()+"@"+d.Digest.String(), func() (struct{}, error) {
		if src.RegistryStr() != dst.RegistryStr() {
			wait, mine := e.homes.claim(dst, d.Digest)
			if mine {
				defer e.homes.release(dst, d.Digest)
			}
			if wait != nil {
				select {
				case <-wait:
				case <-ctx.Done():
					return struct{}{}, ctx.Err()
				}
			}
		}
		var err error
		for try := 1; ; try++ {
			if err = e.tryBlob(ctx, src, dst, d, fresh); err == nil {
				e.homes.add(dst, d.Digest)
				return struct{}{}, nil
			}
			if try == uploadAttempts || !retry.Upload(err) {
				return struct{}{}, err
			}
			e.o.log.WithError(err).WithFields(logrus.Fields{"repository": dst.String(), "blob": d.Digest.String()}).Warn("blob upload failed; starting it over")
			select {
			case <-ctx.Done():
				return struct{}{}, ctx.Err()
			case <-time.After(time.Duration(try) * retry.DefaultBase):
			}
		}
	})
	return err
}

// tryBlob offers a mount, then uploads if the registry did not take it. In
// a fresh destination repository (one that did not exist when planned) only
// what this run wrote can be there: a blob with no home elsewhere is not
// offered at all, and its source read starts alongside the POST.
func (e *Engine) tryBlob(ctx context.Context, src, dst name.Repository, d v1.Descriptor, fresh bool) error {
	from, offer := dst, true
	switch home, ok := e.homes.home(dst, d.Digest); {
	case src.RegistryStr() == dst.RegistryStr():
		from = src
	case ok:
		from = home
	case fresh:
		offer = false
	}
	var body <-chan opened
	if !offer {
		body = e.open(ctx, src, d)
	}
	u := url.URL{Scheme: dst.Scheme(), Host: dst.RegistryStr(), Path: "/v2/" + dst.RepositoryStr() + "/blobs/uploads/"}
	if offer {
		u.RawQuery = url.Values{"mount": {d.Digest.String()}, "from": {from.RepositoryStr()}}.Encode()
	}
	loc, err := e.start(ctx, u)
	if err != nil || loc == nil {
		if body != nil {
			(<-body).close()
		}
		if err == nil && from.String() != dst.String() {
			e.mounts.Add(1) // from itself, a 201 only says it was already there
		}
		return err // or mounted: nothing to upload
	}
	if from.String() != dst.String() && from.RegistryStr() == dst.RegistryStr() {
		e.homes.refused(dst) // offered from a home, answered with an upload
	}
	if body == nil {
		body = e.open(ctx, src, d)
	}
	b := <-body
	if b.err == nil {
		err = sourceBytes(src, d, e.upload(ctx, loc, d, b.rc))
	}
	b.close()
	if b.err != nil || err != nil {
		e.abandon(loc)
		return errors.Join(b.err, err)
	}
	return nil
}

// start POSTs to u; the upload location, or nil when the registry answered
// 201: the offered mount was taken.
func (e *Engine) start(ctx context.Context, u url.URL) (*url.URL, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), nil)
	if err != nil {
		return nil, err
	}
	resp, err := e.blobs.Do(req)
	if err != nil {
		return nil, err
	}
	err = transport.CheckError(resp, http.StatusCreated, http.StatusAccepted)
	drainClose(resp)
	if err != nil || resp.StatusCode == http.StatusCreated {
		return nil, err
	}
	loc, err := resp.Location()
	if err != nil {
		return nil, fmt.Errorf("blob upload to %s: %w", u.Host+u.Path, err)
	}
	return loc, nil
}

// opened is a source blob's body, or why it could not be read.
type opened struct {
	rc  io.ReadCloser
	err error
}

func (o opened) close() {
	if o.rc != nil {
		o.rc.Close()
	}
}

// open starts reading blob d from src, with a plain GET: its bytes are not
// hashed on the way. The destination hashes what it receives and refuses a
// blob whose digest is not the one named (DIGEST_INVALID), so nothing lands
// under a digest that is not its own either way, and hashing every byte here
// too was a third of crane-migrate's own CPU in issue 16's first migration.
// A refusal of that kind is reported against the source (sourceBytes).
// Blob reads are as many at once as the transfer stage writes blobs, within
// the side's connections per host (go-containerregistry's Layer read held
// one of --jobs×2 puller slots per body: a queue of its own).
func (e *Engine) open(ctx context.Context, src name.Repository, d v1.Descriptor) <-chan opened {
	out := make(chan opened, 1)
	go func() {
		rc, err := e.get(ctx, src, d)
		out <- opened{rc: rc, err: explain(e.srcSide, report.SideSource, src.Digest(d.Digest.String()), "reading the blob", err)}
	}()
	return out
}

// get is the GET of a blob. The client follows a redirect to storage
// elsewhere (the side's transport adds the registry's token for the
// registry's host only), and the side's retry layer resumes a large body
// that breaks off. An answer of another size than the manifest names is
// refused here: the upload would only fail on it, blaming nobody.
func (e *Engine) get(ctx context.Context, src name.Repository, d v1.Descriptor) (io.ReadCloser, error) {
	u := url.URL{Scheme: src.Scheme(), Host: src.RegistryStr(), Path: "/v2/" + src.RepositoryStr() + "/blobs/" + d.Digest.String()}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	resp, err := e.reads.Do(req)
	if err != nil {
		return nil, err
	}
	if err := transport.CheckError(resp, http.StatusOK); err != nil {
		drainClose(resp)
		if host := resp.Request.URL.Host; host != u.Host {
			// The registry's storage refused (an expired signed URL, a
			// CDN), not the registry: no credentials of ours were shown.
			return nil, fmt.Errorf("the storage the registry sent the download to (%s) answered %s", host, resp.Status)
		}
		return nil, err
	}
	if d.Size >= 0 && resp.ContentLength >= 0 && resp.ContentLength != d.Size {
		drainClose(resp)
		return nil, fmt.Errorf("%w: the answer is %d bytes, the manifest names %d", ErrCorruptBlob, resp.ContentLength, d.Size)
	}
	return resp.Body, nil
}

// sourceBytes words the destination's refusal of a blob's bytes as what it
// says about the source: it served bytes that are not the blob it names.
func sourceBytes(src name.Repository, d v1.Descriptor, err error) error {
	if !digestInvalid(err) {
		return err
	}
	return &RefError{Side: report.SideSource, Ref: src.Digest(d.Digest.String()).String(), Err: fmt.Errorf("%w: %w", ErrCorruptBlob, err),
		Cause: "the source served bytes that do not match this digest (the destination hashed them and refused the blob)"}
}

// digestInvalid says a registry refused an upload's bytes (DIGEST_INVALID).
func digestInvalid(err error) bool {
	var te *transport.Error
	return errors.As(err, &te) && slices.ContainsFunc(te.Errors, func(diag transport.Diagnostic) bool { return diag.Code == transport.DigestInvalidErrorCode })
}

// upload streams a source blob into the upload session at loc, in one PUT;
// the registry checks its size and digest before it keeps it.
func (e *Engine) upload(ctx context.Context, loc *url.URL, d v1.Descriptor, rc io.Reader) error {
	q := loc.Query()
	q.Set("digest", d.Digest.String())
	loc.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, loc.String(), io.NopCloser(&counting{r: rc, n: &e.uploaded}))
	if err != nil {
		return err
	}
	req.ContentLength = d.Size // -1 (unknown, schema 1) streams chunked
	req.Header.Set("Content-Type", "application/octet-stream")
	resp, err := e.blobs.Do(req)
	if err != nil {
		return err
	}
	defer drainClose(resp)
	return transport.CheckError(resp, http.StatusCreated)
}

// abandon cancels an upload session that failed, so the registry need not
// wait for its garbage collection. Best effort: the answer changes nothing.
func (e *Engine) abandon(loc *url.URL) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodDelete, loc.String(), nil)
	if err != nil {
		return
	}
	if resp, err := e.blobs.Do(req); err == nil {
		drainClose(resp)
	}
}

// rawManifest is a manifest to put as it is, byte for byte.
type rawManifest struct {
	raw       []byte
	mediaType types.MediaType
}

func (m rawManifest) RawManifest() ([]byte, error)        { return m.raw, nil }
func (m rawManifest) MediaType() (types.MediaType, error) { return m.mediaType, nil }

// counting counts the bytes read through it into n.
type counting struct {
	r io.Reader
	n *atomic.Int64
}

func (c *counting) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

func drainClose(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
}
