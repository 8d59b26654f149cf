//go:build unix && !linux

package harness

import "syscall"

// sysProcAttr puts the registry in a process group of its own, so Close can
// kill the whole group. Only Linux can also tie its life to ours.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
