package retry

import (
	"context"
	"time"
)

// WithSleep replaces the wait, so tests record waits instead of sleeping.
func WithSleep(f func(context.Context, time.Duration) error) Option {
	return func(o *options) error {
		o.sleep = f
		return nil
	}
}
