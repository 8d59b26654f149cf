package flight

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/google/go-cmp/cmp"
)

var errBoom = errors.New("boom")

// TestDoKeepsSuccess: a key's first success is every later caller's value,
// without calling fn again; other keys have calls of their own.
func TestDoKeepsSuccess(t *testing.T) {
	t.Parallel()
	type step struct {
		key     string
		val     int // what fn would return, if called
		want    int
		wantRun bool
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"one key", []step{
			{"a", 1, 1, true},
			{"a", 2, 1, false},
			{"a", 3, 1, false},
		}},
		{"two keys", []step{
			{"a", 1, 1, true},
			{"b", 2, 2, true},
			{"a", 3, 1, false},
			{"b", 4, 2, false},
		}},
		{"empty key is a key", []step{
			{"", 7, 7, true},
			{"", 8, 7, false},
			{"x", 9, 9, true},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var g Group[int] // the zero value is ready to use
			for i, s := range tt.steps {
				ran := false
				got, err := g.Do(context.Background(), s.key, func() (int, error) {
					ran = true
					return s.val, nil
				})
				if err != nil {
					t.Fatalf("step %d: Do(%q) error: %v", i, s.key, err)
				}
				if got != s.want || ran != s.wantRun {
					t.Errorf("step %d: Do(%q) = %d (fn ran: %t), want %d (fn ran: %t)", i, s.key, got, ran, s.want, s.wantRun)
				}
			}
		})
	}
}

// TestDoForgetsFailure: a failure is returned to its caller, and the next
// caller of the same key calls fn again; only a success is kept.
func TestDoForgetsFailure(t *testing.T) {
	t.Parallel()
	var g Group[string]
	var calls int
	results := []struct {
		val string
		err error
	}{
		{"", errBoom},
		{"", fmt.Errorf("wrapped: %w", errBoom)},
		{"ok", nil},
		{"not called", nil},
	}
	fn := func() (string, error) {
		r := results[calls]
		calls++
		return r.val, r.err
	}
	ctx := context.Background()

	for i := range 2 {
		got, err := g.Do(ctx, "k", fn)
		if !errors.Is(err, errBoom) {
			t.Fatalf("call %d: Do error = %v, want %v", i, err, errBoom)
		}
		if got != "" {
			t.Errorf("call %d: Do value with an error = %q, want the zero value", i, got)
		}
	}
	for i := range 2 {
		got, err := g.Do(ctx, "k", fn)
		if err != nil || got != "ok" {
			t.Errorf("call %d after the failures: Do = %q, %v, want %q, nil", i, got, err, "ok")
		}
	}
	if calls != 3 {
		t.Errorf("fn called %d times, want 3 (two failures retried, then one success kept)", calls)
	}
}

// TestDoConcurrentCallersShareOneCall: callers that arrive while a key's call
// is under way wait for it and share its outcome, success or failure, and fn
// runs once. The bubble's synctest.Wait proves the waiters are blocked in Do
// before the call is let finish.
func TestDoConcurrentCallersShareOneCall(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		val     int
		err     error
		wantVal int
		// afterRuns: whether a caller after the shared call runs fn again.
		afterRuns bool
	}{
		{name: "success is shared and kept", val: 42, wantVal: 42},
		{name: "failure is shared, then forgotten", err: errBoom, afterRuns: true},
	}
	const waiters = 50
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				var g Group[int]
				var runs atomic.Int32
				release := make(chan struct{})
				fn := func() (int, error) {
					runs.Add(1)
					<-release
					return tt.val, tt.err
				}
				type result struct {
					val int
					err error
				}
				results := make(chan result, waiters+1)
				call := func() {
					v, err := g.Do(context.Background(), "k", fn)
					results <- result{v, err}
				}
				go call()
				synctest.Wait() // the first caller is inside fn
				for range waiters {
					go call()
				}
				synctest.Wait() // every other caller is blocked in Do
				if n := len(results); n != 0 {
					t.Fatalf("%d callers returned before the call in flight finished", n)
				}
				close(release)
				for i := range waiters + 1 {
					r := <-results
					if r.val != tt.wantVal || !errors.Is(r.err, tt.err) {
						t.Errorf("caller %d: Do = %d, %v, want %d, %v", i, r.val, r.err, tt.wantVal, tt.err)
					}
				}
				if n := runs.Load(); n != 1 {
					t.Errorf("fn ran %d times for %d concurrent callers, want 1", n, waiters+1)
				}

				// A caller after the shared call: kept success, or a retry.
				ran := false
				_, _ = g.Do(context.Background(), "k", func() (int, error) {
					ran = true
					return 0, nil
				})
				if ran != tt.afterRuns {
					t.Errorf("a caller after the shared call ran fn: %t, want %t", ran, tt.afterRuns)
				}
			})
		})
	}
}

// TestDoWaiterCancelled: a waiter whose ctx is done stops waiting with
// ctx.Err(); the call it waited on goes on, its caller gets its value, and
// the value is kept for later callers.
func TestDoWaiterCancelled(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		cancel  func(context.Context) (context.Context, context.CancelFunc)
		wantErr error
	}{
		{"cancelled", context.WithCancel, context.Canceled},
		{"deadline", func(ctx context.Context) (context.Context, context.CancelFunc) {
			return context.WithTimeout(ctx, 0)
		}, context.DeadlineExceeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				var g Group[string]
				var runs atomic.Int32
				release := make(chan struct{})
				fn := func() (string, error) {
					runs.Add(1)
					<-release
					return "v", nil
				}
				type result struct {
					val string
					err error
				}
				leader := make(chan result, 1)
				go func() {
					v, err := g.Do(context.Background(), "k", fn)
					leader <- result{v, err}
				}()
				synctest.Wait() // the leader is inside fn

				ctx, cancel := tt.cancel(context.Background())
				defer cancel()
				waiter := make(chan result, 1)
				go func() {
					v, err := g.Do(ctx, "k", fn)
					waiter <- result{v, err}
				}()
				synctest.Wait()
				cancel()
				w := <-waiter
				if !errors.Is(w.err, tt.wantErr) || w.val != "" {
					t.Errorf("cancelled waiter: Do = %q, %v, want \"\", %v", w.val, w.err, tt.wantErr)
				}
				synctest.Wait()
				select {
				case r := <-leader:
					t.Fatalf("the call in flight ended with its waiter: %q, %v", r.val, r.err)
				default:
				}

				close(release)
				if r := <-leader; r.val != "v" || r.err != nil {
					t.Errorf("leader: Do = %q, %v, want %q, nil", r.val, r.err, "v")
				}
				got, err := g.Do(context.Background(), "k", fn)
				if diff := cmp.Diff("v", got); diff != "" || err != nil {
					t.Errorf("after the call: Do error %v, value (-want +got):\n%s", err, diff)
				}
				if n := runs.Load(); n != 1 {
					t.Errorf("fn ran %d times, want 1", n)
				}
			})
		})
	}
}

// TestDoLeaderGaveUp: when the caller running fn fails because its own
// context ended, a waiter whose context is fine runs fn itself rather than
// inherit that cancellation.
func TestDoLeaderGaveUp(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var g Group[string]
		var runs atomic.Int32
		leaderCtx, cancelLeader := context.WithCancel(context.Background())
		first := func() (string, error) {
			runs.Add(1)
			<-leaderCtx.Done() // a ping on the leader's request context
			return "", fmt.Errorf("pinging: %w", leaderCtx.Err())
		}
		leader := make(chan error, 1)
		go func() {
			_, err := g.Do(leaderCtx, "k", first)
			leader <- err
		}()
		synctest.Wait()
		waiter := make(chan string, 1)
		go func() {
			v, err := g.Do(context.Background(), "k", func() (string, error) {
				runs.Add(1)
				return "v", nil
			})
			if err != nil {
				v = "error: " + err.Error()
			}
			waiter <- v
		}()
		synctest.Wait()
		cancelLeader()
		if err := <-leader; !errors.Is(err, context.Canceled) {
			t.Errorf("leader: %v, want context.Canceled", err)
		}
		if v := <-waiter; v != "v" {
			t.Errorf("waiter: Do = %q, want %q (it runs fn itself)", v, "v")
		}
		if n := runs.Load(); n != 2 {
			t.Errorf("fn ran %d times, want 2", n)
		}
	})
}

// TestDoPanicReleasesKey: a panicking fn panics its caller, releases the
// waiters with an error, and leaves the key free for the next call.
func TestDoPanicReleasesKey(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var g Group[string]
		release := make(chan struct{})
		panicked := make(chan any, 1)
		go func() {
			defer func() { panicked <- recover() }()
			_, _ = g.Do(context.Background(), "k", func() (string, error) {
				<-release
				panic("bad")
			})
		}()
		synctest.Wait()
		waiter := make(chan error, 1)
		go func() {
			_, err := g.Do(context.Background(), "k", func() (string, error) { return "v", nil })
			waiter <- err
		}()
		synctest.Wait()
		close(release)
		if p := <-panicked; p != "bad" {
			t.Errorf("the caller recovered %v, want the panic", p)
		}
		if err := <-waiter; !errors.Is(err, errPanicked) {
			t.Errorf("waiter: %v, want errPanicked", err)
		}
		got, err := g.Do(context.Background(), "k", func() (string, error) { return "v", nil })
		if got != "v" || err != nil {
			t.Errorf("after the panic: Do = %q, %v, want the key free", got, err)
		}
	})
}
