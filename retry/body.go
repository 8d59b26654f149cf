package retry

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
)

// smallBody is the size up to which a GET's answer is read whole inside
// RoundTrip, so a truncated manifest or config is simply fetched again.
const smallBody = 1 << 20

// checkBody makes a successful GET's body safe against truncation: small
// bodies are read now (a short read is a transient failure the caller retries);
// large ones resume with a Range request where they broke off.
func (t *Transport) checkBody(req *http.Request, resp *http.Response) (*http.Response, error) {
	if req.Method != http.MethodGet || resp.StatusCode != http.StatusOK || resp.ContentLength < 0 {
		return resp, nil
	}
	if resp.ContentLength <= smallBody {
		// Sized once from Content-Length: io.ReadAll would grow its
		// buffer a dozen times for a blob of a few hundred KiB.
		body := make([]byte, resp.ContentLength)
		_, err := io.ReadFull(resp.Body, body)
		resp.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", req.URL.Redacted(), err)
		}
		resp.Body = io.NopCloser(bytes.NewReader(body))
		return resp, nil
	}
	resp.Body = &resumer{t: t, req: req, body: resp.Body, total: resp.ContentLength}
	return resp, nil
}

// resumer streams a large body and, when the connection breaks before the
// end, asks for the rest with a Range request. Memory stays flat: nothing is
// buffered beyond what the reader asks for.
type resumer struct {
	t     *Transport
	req   *http.Request
	body  io.ReadCloser
	read  int64
	total int64
	tries int
}

func (r *resumer) Read(p []byte) (int, error) {
	for {
		n, err := r.body.Read(p)
		r.read += int64(n)
		if err == nil || (err == io.EOF && r.read == r.total) {
			return n, err
		}
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		if n > 0 {
			return n, nil // hand over what arrived; the next Read resumes
		}
		if !transient(err) || r.tries >= r.t.o.attempts-1 {
			return 0, err
		}
		r.tries++
		if rerr := r.resume(); rerr != nil {
			return 0, fmt.Errorf("%w (resuming at byte %d: %w)", err, r.read, rerr)
		}
	}
}

func (r *resumer) resume() error {
	r.body.Close()
	if err := r.t.o.sleep(r.req.Context(), r.t.backoff(r.tries)); err != nil {
		return err
	}
	req := r.req.Clone(r.req.Context())
	req.Header.Set("Range", fmt.Sprintf("bytes=%d-", r.read))
	resp, err := r.t.inner.RoundTrip(req)
	if err != nil {
		return err
	}
	want := fmt.Sprintf("bytes %d-%d/%d", r.read, r.total-1, r.total)
	if resp.StatusCode != http.StatusPartialContent || resp.Header.Get("Content-Range") != want {
		resp.Body.Close()
		return fmt.Errorf("server did not resume: %s %q", resp.Status, resp.Header.Get("Content-Range"))
	}
	r.t.o.log.WithField("url", r.req.URL.Redacted()).WithField("offset", r.read).Warn("resuming a broken download")
	r.body = resp.Body
	return nil
}

func (r *resumer) Close() error { return r.body.Close() }
