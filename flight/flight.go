// Package flight runs a function once per key and shares its value with
// every caller, for as long as the process lives: a source manifest shared
// by many tags is fetched once, a registry is pinged once. Unlike
// golang.org/x/sync/singleflight it keeps a success, not only the call in
// flight; like it, it forgets a failure, so a later caller tries again.
package flight

import (
	"context"
	"errors"
	"sync"
)

// Group is a set of keyed calls. Its zero value is ready to use.
type Group[T any] struct {
	mu    sync.Mutex
	calls map[string]*call[T]
}

type call[T any] struct {
	done chan struct{}
	val  T
	err  error
}

// Do returns fn's value for key, calling fn only when no call for key has
// succeeded or is under way. A caller that waits on another's call stops
// waiting when ctx is done; if that other caller gave up instead (its
// context ended, not the call's work), the waiter runs fn itself.
func (g *Group[T]) Do(ctx context.Context, key string, fn func() (T, error)) (T, error) {
	for {
		g.mu.Lock()
		if g.calls == nil {
			g.calls = map[string]*call[T]{}
		}
		c, ok := g.calls[key]
		if !ok {
			c = &call[T]{done: make(chan struct{})}
			g.calls[key] = c
			g.mu.Unlock()
			g.run(key, c, fn)
			return c.val, c.err
		}
		g.mu.Unlock()
		select {
		case <-c.done:
		default:
			select {
			case <-c.done:
			case <-ctx.Done():
				var zero T
				return zero, ctx.Err()
			}
		}
		if isContextErr(c.err) && ctx.Err() == nil {
			continue
		}
		return c.val, c.err
	}
}

// run calls fn for c. A failure, or a panic, is forgotten and releases the
// waiters: a panicking fn must not leave its key blocked for ever.
func (g *Group[T]) run(key string, c *call[T], fn func() (T, error)) {
	ok := false
	defer func() {
		if !ok && c.err == nil {
			c.err = errPanicked
		}
		if c.err != nil {
			g.mu.Lock()
			delete(g.calls, key)
			g.mu.Unlock()
		}
		close(c.done)
	}()
	c.val, c.err = fn()
	ok = true
}

var errPanicked = errors.New("flight: the call panicked")

func isContextErr(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
