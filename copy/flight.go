package copy

import (
	"context"
	"sync"
)

// flight runs a function once per key while it succeeds and shares its value
// with every caller: a source manifest shared by many tags is fetched once.
// A failure is forgotten, so a later caller tries again.
type flight[T any] struct {
	mu    sync.Mutex
	calls map[string]*call[T]
}

type call[T any] struct {
	done chan struct{}
	val  T
	err  error
}

func (f *flight[T]) do(ctx context.Context, key string, fn func() (T, error)) (T, error) {
	f.mu.Lock()
	if f.calls == nil {
		f.calls = map[string]*call[T]{}
	}
	c, ok := f.calls[key]
	if !ok {
		c = &call[T]{done: make(chan struct{})}
		f.calls[key] = c
		f.mu.Unlock()
		c.val, c.err = fn()
		if c.err != nil {
			f.mu.Lock()
			delete(f.calls, key)
			f.mu.Unlock()
		}
		close(c.done)
		return c.val, c.err
	}
	f.mu.Unlock()
	select {
	case <-c.done:
		return c.val, c.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}
