package hubfake

import "time"

// ResetRateLimit starts a new rate-limit window with the next request, as if
// the current one had run out: a benchmark measuring a re-run "later" gives
// it a full window, not what the first run left over.
func (s *Server) ResetRateLimit() {
	s.limiter.mu.Lock()
	defer s.limiter.mu.Unlock()
	s.limiter.start, s.limiter.used = time.Time{}, 0
}
