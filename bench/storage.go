package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/crane-migrate/crane-migrate/e2e/harness"
)

// memoryRoot is where -storage memory keeps the registries' files.
const memoryRoot = "/dev/shm"

// registryOptions places the registries' storage. In memory is the default:
// two registries, the proxies and both tools share this machine's cores, and
// on disk distribution's filesystem driver spends most of its CPU creating
// small files (a profile of the first migration: 61% in PutContent's
// syscalls). The first migration then takes as long with no added delay as
// with 20 ms — it measures this machine's disk, not the round trips and
// bytes a remote registry charges for. -storage disk shows that case.
func registryOptions(storage string) ([]harness.Option, error) {
	switch storage {
	case "disk":
		return nil, nil
	case "memory":
		if fi, err := os.Stat(memoryRoot); err != nil || !fi.IsDir() {
			return nil, fmt.Errorf("-storage memory needs %s (a tmpfs); use -storage disk", memoryRoot)
		}
		return []harness.Option{harness.WithStorageIn(memoryRoot)}, nil
	}
	return nil, fmt.Errorf("-storage %q: want memory or disk", storage)
}

// startRegistry starts a registry with its files where -storage says.
func startRegistry(ctx context.Context, storage string) (*harness.Registry, error) {
	opts, err := registryOptions(storage)
	if err != nil {
		return nil, err
	}
	return harness.StartRegistry(ctx, opts...)
}

// startProxied starts a registry behind a proxy that adds delay to every
// request and counts them; stop closes both.
func startProxied(ctx context.Context, storage string, delay time.Duration) (*harness.Registry, *harness.Proxy, func(), error) {
	reg, err := startRegistry(ctx, storage)
	if err != nil {
		return nil, nil, nil, err
	}
	p, err := harness.NewProxy(reg.URL(), harness.WithDelay(delay))
	if err != nil {
		reg.Close()
		return nil, nil, nil, err
	}
	return reg, p, func() { p.Close(); reg.Close() }, nil
}

// processCPU is the CPU time pid has used so far (user and system), read
// from /proc; false where there is no /proc. /proc counts in clock ticks,
// which Linux fixes at 100 per second for user space.
func processCPU(pid int) (time.Duration, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')') // the command name may hold spaces
	if i < 0 || i+2 > len(s) {
		return 0, false
	}
	f := strings.Fields(s[i+2:]) // from field 3, state
	if len(f) < 13 {
		return 0, false
	}
	user, err1 := strconv.ParseInt(f[11], 10, 64)
	sys, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return time.Duration(user+sys) * 10 * time.Millisecond, true
}

// registriesCPU is the CPU time the registries have used so far.
func registriesCPU(regs ...*harness.Registry) (time.Duration, bool) {
	var total time.Duration
	for _, r := range regs {
		d, ok := processCPU(r.PID())
		if !ok {
			return 0, false
		}
		total += d
	}
	return total, true
}
