package hubfake

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// TagDates are the dates the Hub shows for a tag.
type TagDates struct {
	// Pushed is tag_last_pushed, last_updated and the images' last_pushed.
	Pushed time.Time
	// Pulled is tag_last_pulled and the images' last_pulled; zero is
	// never pulled, shown as null.
	Pulled time.Time
}

// SetTagDates sets the dates of ns/repo:tag at the digest the registry has
// for it now, for tests that order or filter tags by date without waiting.
// Without it a tag was pushed when the fake first saw it (WithClock's time)
// and never pulled. The dates hold until the tag moves to another digest,
// which counts as a new push. The tag must exist in the registry, and a
// pull cannot come before the push.
func (s *Server) SetTagDates(ctx context.Context, ns, repo, tag string, d TagDates) error {
	if d.Pushed.IsZero() {
		return errors.New("SetTagDates: zero Pushed")
	}
	if !d.Pulled.IsZero() && d.Pulled.Before(d.Pushed) {
		return fmt.Errorf("SetTagDates: pulled %v before pushed %v", d.Pulled, d.Pushed)
	}
	desc, err := s.reg.head(ctx, ns+"/"+repo, tag)
	if err != nil {
		return fmt.Errorf("SetTagDates: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pushed[ns+"/"+repo+":"+tag] = pushed{digest: desc.Digest.String(), at: d.Pushed, pulled: d.Pulled}
	return nil
}
