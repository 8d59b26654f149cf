//go:build !unix

package harness

import (
	"os/exec"
	"syscall"
)

func sysProcAttr() *syscall.SysProcAttr { return nil }

// killGroup kills the registry alone: there are no process groups here.
func killGroup(cmd *exec.Cmd) {
	_ = cmd.Process.Kill()
}
