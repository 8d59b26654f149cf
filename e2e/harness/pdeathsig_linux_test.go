package harness

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// TestRegistryDiesWithItsParent runs this test binary again as a child that
// starts a registry and then hangs, kills the child with SIGKILL (no Close,
// no cleanup), and expects the kernel to take the registry down with it.
func TestRegistryDiesWithItsParent(t *testing.T) {
	if os.Getenv("HARNESS_ORPHAN_CHILD") == "1" {
		r, err := StartRegistry(context.Background())
		if err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		fmt.Println(r.PID(), r.dir)
		time.Sleep(time.Minute)
		os.Exit(0)
	}
	t.Parallel()
	child := exec.Command(os.Args[0], "-test.run=^TestRegistryDiesWithItsParent$")
	child.Env = append(os.Environ(), "HARNESS_ORPHAN_CHILD=1")
	out, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	var pid int
	var dir string
	line, err := bufio.NewReader(out).ReadString('\n')
	if _, serr := fmt.Sscan(line, &pid, &dir); err != nil || serr != nil {
		_ = child.Process.Kill()
		_ = child.Wait()
		t.Fatalf("child said %q (%v)", line, err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) }) // only Close removes it
	_ = child.Process.Kill()
	_ = child.Wait()
	deadline := time.Now().Add(5 * time.Second)
	for alive(pid) {
		if time.Now().After(deadline) {
			_ = syscall.Kill(-pid, syscall.SIGKILL)
			t.Fatalf("registry %d outlived its killed parent", pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// alive tells whether pid runs: a zombie waiting for init to reap it does not.
func alive(pid int) bool {
	if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
		return false
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	// The state follows the parenthesised command name: "pid (comm) S ...".
	i := bytes.LastIndexByte(stat, ')')
	return i < 0 || i+2 >= len(stat) || stat[i+2] != 'Z'
}
