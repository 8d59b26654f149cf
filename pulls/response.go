package pulls

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxPeek is how much of a 429's body is read to find its error code.
const maxPeek = 4 << 10

// IsLimitResponse tells a registry's pull-rate limit (TOOMANYREQUESTS, a window of
// hours) from an API's per-minute limit. It peeks at the body and leaves it
// readable.
func IsLimitResponse(resp *http.Response) bool {
	if resp == nil || resp.StatusCode != http.StatusTooManyRequests {
		return false
	}
	if strings.Contains(resp.Header.Get("Ratelimit-Limit"), ";w=") {
		return true
	}
	if resp.Body == nil {
		return false
	}
	head, _ := io.ReadAll(io.LimitReader(resp.Body, maxPeek))
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(head), resp.Body), resp.Body}
	return bytes.Contains(head, []byte("TOOMANYREQUESTS"))
}

// RetryAfter reads Retry-After (seconds or an HTTP date) or the Hub's older
// X-Retry-After (a unix time).
func RetryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	if v := h.Get("Retry-After"); v != "" {
		if s, err := strconv.Atoi(v); err == nil {
			return time.Duration(max(s, 0)) * time.Second, true
		}
		if at, err := http.ParseTime(v); err == nil {
			return max(at.Sub(now), 0), true
		}
	}
	if v := h.Get("X-Retry-After"); v != "" {
		if u, err := strconv.ParseInt(v, 10, 64); err == nil {
			return max(time.Unix(u, 0).Sub(now), 0), true
		}
	}
	return 0, false
}
