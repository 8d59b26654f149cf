package harness

import "syscall"

// sysProcAttr puts the registry in a process group of its own (so Close can
// kill the whole group) and has the kernel kill it when the thread that
// started it dies, so a test binary killed by -timeout or SIGKILL leaves no
// registry behind. Go does not retire OS threads unless a goroutine exits
// while locked to one, so that thread lives as long as the process.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
