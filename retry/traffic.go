package retry

import (
	"io"
	"net/http"
	"strings"
	"sync/atomic"
)

// Traffic counts what a run moved, for its summary: blob bytes uploaded and
// blobs mounted across repositories instead (a 201 to a mount request).
type Traffic struct {
	uploaded atomic.Int64
	mounts   atomic.Int64
}

// Uploaded is the request-body bytes sent to blob uploads.
func (t *Traffic) Uploaded() int64 { return t.uploaded.Load() }

// Mounts is the number of blobs mounted rather than uploaded.
func (t *Traffic) Mounts() int64 { return t.mounts.Load() }

// WithTraffic counts uploads and mounts into t. Default: none.
func WithTraffic(t *Traffic) Option { return func(tr *Transport) { tr.traffic = t } }

func (t *Traffic) request(req *http.Request) {
	if t == nil || req.Body == nil || req.Body == http.NoBody || !strings.Contains(req.URL.Path, "/blobs/uploads/") {
		return
	}
	req.Body = &countingBody{ReadCloser: req.Body, n: &t.uploaded}
}

// response counts a mount the registry took, except one offered from the
// repository itself: its 201 only says the blob was already there.
func (t *Traffic) response(req *http.Request, resp *http.Response) {
	if t == nil || resp == nil || resp.StatusCode != http.StatusCreated || req.Method != http.MethodPost {
		return
	}
	q := req.URL.Query()
	if q.Get("mount") != "" && req.URL.Path != "/v2/"+q.Get("from")+"/blobs/uploads/" {
		t.mounts.Add(1)
	}
}

type countingBody struct {
	io.ReadCloser
	n *atomic.Int64
}

func (c *countingBody) Read(p []byte) (int, error) {
	n, err := c.ReadCloser.Read(p)
	c.n.Add(int64(n))
	return n, err
}
