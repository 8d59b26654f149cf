package hubfake_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/crane-migrate/crane-migrate/e2e/hubfake"
)

func TestRateLimit(t *testing.T) {
	t.Parallel()
	c := newClock()
	reg := newEnv(t).reg
	limited := newEnvOn(t, reg, hubfake.WithClock(c.Now), hubfake.WithRateLimit(3))
	unlimited := newEnvOn(t, reg, hubfake.WithClock(c.Now))
	reset := strconv.FormatInt(c.Now().Add(time.Minute).Unix(), 10)
	tests := []struct {
		name      string
		e         *env
		status    int
		limit     int
		remaining int
	}{
		{"first", limited, 200, 3, 2},
		{"second", limited, 200, 3, 1},
		{"third", limited, 200, 3, 0},
		{"over", limited, 429, 3, 0},
		{"still over", limited, 429, 3, 0},
		{"unlimited", unlimited, 200, hubfake.UnlimitedRateLimit, hubfake.UnlimitedRateLimit - 1},
	}
	for _, tt := range tests { // in order: each request spends the window
		a := tt.e.get(t, "/v2/namespaces/org/repositories", "")
		h := a.header
		if a.status != tt.status || h.Get("X-RateLimit-Limit") != strconv.Itoa(tt.limit) ||
			h.Get("X-RateLimit-Remaining") != strconv.Itoa(tt.remaining) || h.Get("X-RateLimit-Reset") != reset {
			t.Errorf("%s: %d %v, want %d, limit %d, remaining %d, reset %s", tt.name, a.status, h, tt.status, tt.limit, tt.remaining, reset)
		}
		if tt.status == http.StatusTooManyRequests {
			if h.Get("Retry-After") != "60" || h.Get("X-Retry-After") != reset || string(a.body) != `{"detail":"Rate limit exceeded","error":false}`+"\n" {
				t.Errorf("%s: 429 with %v %s", tt.name, h, a.body)
			}
		}
	}
	c.advance(45 * time.Second)
	if a := limited.get(t, "/v2/nothing", ""); a.status != http.StatusTooManyRequests || a.header.Get("Retry-After") != "15" {
		t.Errorf("15s before the reset: %d, Retry-After %q", a.status, a.header.Get("Retry-After"))
	}
	c.advance(15 * time.Second)
	if a := limited.get(t, "/v2/namespaces/org/repositories", ""); a.status != http.StatusOK || a.header.Get("X-RateLimit-Remaining") != "2" {
		t.Errorf("next window: %d, remaining %q", a.status, a.header.Get("X-RateLimit-Remaining"))
	}
	if got := limited.fake.Counts(); got[hubfake.RouteRepositories] != 6 || got[hubfake.RouteNotFound] != 1 {
		t.Errorf("counts %v: refused requests count too", got)
	}
}
