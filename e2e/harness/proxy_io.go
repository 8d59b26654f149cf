package harness

import (
	"io"
	"net/http"
)

// recordingWriter updates the record before each byte reaches the client.
type recordingWriter struct {
	http.ResponseWriter
	p           *Proxy
	rec         *Request
	wroteHeader bool
	flush       bool // flush every write, so a cut response delivers what it promised
}

func (w *recordingWriter) WriteHeader(code int) {
	if !w.wroteHeader && code >= 200 {
		w.wroteHeader = true
		w.p.update(func() { w.rec.Status = code })
	}
	w.ResponseWriter.WriteHeader(code)
	if w.flush {
		_ = http.NewResponseController(w.ResponseWriter).Flush()
	}
}

func (w *recordingWriter) Write(b []byte) (int, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	w.p.update(func() { w.rec.BytesOut += int64(len(b)) })
	n, err := w.ResponseWriter.Write(b)
	if err == nil && w.flush {
		err = http.NewResponseController(w.ResponseWriter).Flush()
	}
	return n, err
}

// Unwrap lets http.ResponseController (ReverseProxy's flushes) reach the
// underlying writer.
func (w *recordingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// countingBody counts request body bytes as the proxy reads them.
type countingBody struct {
	io.ReadCloser
	p   *Proxy
	rec *Request
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if n > 0 {
		b.p.update(func() { b.rec.BytesIn += int64(n) })
	}
	return n, err
}

// cutBody ends a response body after left bytes with an error.
type cutBody struct {
	io.ReadCloser
	left int64
}

func (b *cutBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		return 0, errCut
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.ReadCloser.Read(p)
	b.left -= int64(n)
	return n, err
}
