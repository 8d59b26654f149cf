package retry

import (
	"context"
	"sync"
	"time"
)

// WithSleep replaces the wait, so tests record waits instead of sleeping;
// the transport's clock moves on by what was slept.
func WithSleep(f func(context.Context, time.Duration) error) Option {
	return func(o *options) error {
		var mu sync.Mutex
		var slept time.Duration
		o.sleep = func(ctx context.Context, d time.Duration) error {
			mu.Lock()
			slept += d
			mu.Unlock()
			return f(ctx, d)
		}
		o.now = func() time.Time {
			mu.Lock()
			defer mu.Unlock()
			return time.Now().Add(slept)
		}
		return nil
	}
}
