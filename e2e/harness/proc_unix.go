//go:build unix

package harness

import (
	"os/exec"
	"syscall"
)

// killGroup kills the registry and anything it started: it leads its own
// process group (Setpgid), so the group's id is its pid.
func killGroup(cmd *exec.Cmd) {
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
}
