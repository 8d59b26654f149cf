package commands

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/crane-migrate/crane-migrate/credentials"
	"github.com/crane-migrate/crane-migrate/side"
)

// preflight checks both sides before any work (side.Check): reachable,
// credentials readable and, where there are any, accepted. Its error is
// one line; hint adds what to do.
func preflight(ctx context.Context, cfg migrateConfig, src, dst *side.Side) error {
	return side.Check(ctx, side.Probe{Side: src, Repository: cfg.srcProbe}, side.Probe{Side: dst, Repository: cfg.dstProbe})
}

// needPassword refuses a username without its password (or the other way
// round) before any work: sent as it is, every request would fail with 401.
// which is "SRC", "DST", or "" for export's.
func needPassword(user, which string) error {
	prefix := envPrefix
	flag := "--username"
	if which != "" {
		prefix += which + "_"
		flag = "--" + strings.ToLower(which) + "-username"
	}
	pass := os.Getenv(prefix + "PASSWORD")
	switch {
	case user != "" && pass == "":
		return usagef("%s (or %sUSERNAME) is %q but %sPASSWORD is empty: export %sPASSWORD (a password is read from the environment, never from a flag)",
			flag, prefix, user, prefix, prefix)
	case user == "" && pass != "":
		return usagef("%sPASSWORD is set without a username: set %s or %sUSERNAME too, or unset %sPASSWORD to use the Docker credential chain",
			prefix, flag, prefix, prefix)
	}
	return nil
}

// checkDockerConfig refuses a --docker-config that names no directory: the
// chain would find no config.json there and go on anonymously.
func checkDockerConfig(dir string) error {
	if dir == "" {
		return nil
	}
	fi, err := os.Stat(dir)
	switch {
	case err != nil:
		return usagef("--docker-config %s: no such directory (it names the directory holding config.json, such as ~/.docker)", dir)
	case !fi.IsDir():
		return usagef("--docker-config %s: not a directory (name the directory holding config.json, not the file)", dir)
	}
	return nil
}

// hint is what to do about a usage error, to print after it ("" when its
// message says it already).
func hint(err error) string {
	var ce *side.CheckError
	var he *credentials.HelperError
	host := ""
	if errors.As(err, &ce) {
		host = ce.Registry
	}
	switch {
	case errors.Is(err, side.ErrUnreachable):
		return ": check the host name and port, and that the registry is running"
	case errors.Is(err, side.ErrRefused):
		which := "SRC"
		if ce != nil && ce.Label == "destination" {
			which = "DST"
		}
		return fmt.Sprintf(": run `docker login %s`, or set %s%s_USERNAME and %s%s_PASSWORD", host, envPrefix, which, envPrefix, which)
	case errors.Is(err, credentials.ErrHelperMissing) && errors.As(err, &he):
		return fmt.Sprintf(": install %s, or remove it (credsStore or credHelpers) from config.json", he.Helper)
	case errors.Is(err, credentials.ErrConfig):
		return ": fix that file, or point --docker-config at another directory"
	case errors.As(err, &he):
		return fmt.Sprintf(": check that %s works (`docker login %s` stores credentials through it)", he.Helper, he.Host)
	}
	return ""
}
