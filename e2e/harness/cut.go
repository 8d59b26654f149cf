package harness

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// Cutter breaks blob downloads part-way, the same way for every blob: the
// first GET of a blob is cut once Offsets[0] bytes of the blob went out, the
// next GET (a client resuming with Range: bytes=S-) once the blob's byte
// Offsets[1] went out, and so on; GETs after the last offset are forwarded
// whole. A blob shorter than an offset is not cut by it, though that GET
// still counts. It records each blob GET's Range header, so a test can tell a
// resumed download (Range at exactly the byte where the last one broke) from
// one started over. Pass its Fault to WithFault.
type Cutter struct {
	// Offsets are absolute positions in the blob, ascending.
	Offsets []int64

	mu     sync.Mutex
	ranges map[string][]string // blob path → Range header of each GET, "" for none
}

// Fault cuts r when it is a blob GET due to be cut.
func (c *Cutter) Fault(r *http.Request) *Fault {
	if kind, _ := Classify(r); kind != BlobGet {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ranges == nil {
		c.ranges = map[string][]string{}
	}
	rng := r.Header.Get("Range")
	i := len(c.ranges[r.URL.Path])
	c.ranges[r.URL.Path] = append(c.ranges[r.URL.Path], rng)
	if i >= len(c.Offsets) {
		return nil
	}
	start := rangeStart(rng)
	return &Fault{CutAfter: max(c.Offsets[i]-start, 0)}
}

// Ranges returns, per blob path (/v2/<name>/blobs/<digest>), the Range
// header of each GET in order of arrival ("" when the GET had none).
func (c *Cutter) Ranges() map[string][]string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string][]string, len(c.ranges))
	for k, v := range c.ranges {
		out[k] = append([]string(nil), v...)
	}
	return out
}

// rangeStart reads S from "bytes=S-" (0 for anything else).
func rangeStart(h string) int64 {
	s, ok := strings.CutPrefix(h, "bytes=")
	if !ok {
		return 0
	}
	s, _, _ = strings.Cut(s, "-")
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0
	}
	return n
}
