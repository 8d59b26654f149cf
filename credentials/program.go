package credentials

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"time"

	"github.com/docker/docker-credential-helpers/client"
)

const (
	// helperWaitDelay bounds how long a cancelled helper's children may keep
	// its output open before we stop waiting for them.
	helperWaitDelay = time.Second
	// maxHelperMessage caps how much of a helper's stderr goes into an error.
	maxHelperMessage = 512
	// withheld replaces helper output that looks like it holds credentials.
	withheld = "(output withheld: it looks like credentials)"
)

// helperProgram is client.NewShellProgramFunc with two changes: the helper's
// stderr becomes part of the error (client.Shell copies it to ours, where it
// would interleave with progress and be lost from the error), and ctx stops
// a helper that hangs, for instance on a passphrase prompt.
func helperProgram(ctx context.Context, path string) client.ProgramFunc {
	return func(args ...string) client.Program {
		s := &shell{cmd: exec.CommandContext(ctx, path, args...)}
		s.cmd.Stderr = &s.stderr
		s.cmd.WaitDelay = helperWaitDelay
		return s
	}
}

type shell struct {
	cmd    *exec.Cmd
	stderr bytes.Buffer
}

func (s *shell) Input(in io.Reader) { s.cmd.Stdin = in }

// Output runs the helper. On failure client.Get quotes both the error and
// the output, so anything that looks like credentials is withheld first.
func (s *shell) Output() ([]byte, error) {
	out, err := s.cmd.Output()
	if err == nil {
		return out, nil
	}
	if msg := strings.TrimSpace(s.stderr.String()); msg != "" {
		if looksLikeCredentials([]byte(msg)) {
			msg = withheld
		}
		if len(msg) > maxHelperMessage {
			msg = msg[:maxHelperMessage] + "…"
		}
		err = fmt.Errorf("%w: %s", err, msg)
	}
	if looksLikeCredentials(out) {
		out = []byte(withheld)
	}
	return out, err
}

// looksLikeCredentials is output carrying a "Secret" key, which
// encoding/json would match case-insensitively.
func looksLikeCredentials(b []byte) bool {
	return bytes.Contains(bytes.ToLower(b), []byte(`"secret"`))
}
