package pulls

import (
	"context"
	"time"
)

// DefaultWait is how long Wait sleeps when the registry told nothing.
const DefaultWait = time.Minute

// Delay is how long to wait before host should allow another pull: what its
// 429 said (Retry-After), else the time one pull takes to come back in its
// window (6h/100 on Docker Hub's anonymous plan), else DefaultWait.
func (q *Quota) Delay(host string) time.Duration {
	if w, ok := q.Wait(host); ok {
		return w
	}
	if l, ok := q.For(host); ok && l.Limit > 0 && l.Window > 0 {
		return l.Window / time.Duration(l.Limit)
	}
	return DefaultWait
}

// Sleep waits d or until ctx ends.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
