package commands

import (
	"strings"

	"github.com/urfave/cli/v2"
)

// interspersed puts a command line in the order urfave/cli v2 parses:
// global flags, the command, its flags, then its positional arguments.
// urfave stops parsing flags at the first positional and knows a command's
// flags only after its name, but users write `crane-migrate org oldorg
// neworg --dry-run` and `crane-migrate -v --dry-run org …`, as they would
// with crane or kubectl. A flag before the command that the command takes
// moves after its name; one it does not take stays global. A short flag
// with its value attached (`-j2`) becomes `-j=2`. Everything after "--"
// stays as it is.
func interspersed(app *cli.App, args []string) []string {
	if len(args) < 2 {
		return args
	}
	all := flagKinds(app.Flags)
	for _, c := range app.Commands {
		for n, tv := range flagKinds(c.Flags) {
			all[n] = all[n] || tv
		}
	}
	// Before the command: a flag taking a value takes the next word with it,
	// so `--jobs 2 org` finds org, not 2, as the command.
	var before []string
	i := 1
	for ; i < len(args) && strings.HasPrefix(args[i], "-") && args[i] != "--"; i++ {
		a := attached(args[i], all)
		before = append(before, a)
		if takes(a, all) && i+1 < len(args) {
			i++
			before = append(before, args[i])
		}
	}
	if i >= len(args) {
		return args
	}
	cmd := app.Command(args[i])
	if cmd == nil {
		return args
	}
	own := flagKinds(cmd.Flags)
	global, flags := splitBefore(before, own, all)
	more, positional := splitAfter(args[i+1:], own)
	out := append([]string{args[0]}, global...)
	out = append(out, args[i])
	out = append(out, flags...)
	out = append(out, more...)
	return append(out, positional...)
}

// splitBefore sorts the flags written before the command: the command's
// own go after its name, the rest stay global.
func splitBefore(before []string, own, all map[string]bool) (global, flags []string) {
	for j := 0; j < len(before); j++ {
		a := before[j]
		dst := &global
		if _, ok := own[flagName(a)]; ok {
			dst = &flags
		}
		*dst = append(*dst, a)
		if takes(a, all) && j+1 < len(before) {
			j++
			*dst = append(*dst, before[j])
		}
	}
	return global, flags
}

// splitAfter moves the command's flags in front of its positional
// arguments; everything after "--" stays positional.
func splitAfter(rest []string, own map[string]bool) (flags, positional []string) {
	for j := 0; j < len(rest); j++ {
		a := rest[j]
		if a == "--" {
			return flags, append(positional, rest[j:]...)
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			positional = append(positional, a)
			continue
		}
		a = attached(a, own)
		flags = append(flags, a)
		if takes(a, own) && j+1 < len(rest) {
			j++
			flags = append(flags, rest[j])
		}
	}
	return flags, positional
}

// flagKinds maps every name of flags to whether it takes a value.
func flagKinds(flags []cli.Flag) map[string]bool {
	m := map[string]bool{}
	for _, f := range flags {
		tv, ok := f.(cli.DocGenerationFlag)
		for _, n := range f.Names() {
			m[n] = ok && tv.TakesValue()
		}
	}
	return m
}

// flagName is a flag argument's name: "--jobs=3" → "jobs".
func flagName(a string) string {
	n, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
	return n
}

// takes says the flag argument a needs the next word as its value.
func takes(a string, kinds map[string]bool) bool {
	return !strings.Contains(a, "=") && kinds[flagName(a)]
}

// attached spells a short flag with its value attached (-j2, -ojson) as
// -j=2, which Go's flag package reads; any other argument is unchanged.
func attached(a string, kinds map[string]bool) string {
	if len(a) < 3 || a[0] != '-' || a[1] == '-' || strings.Contains(a, "=") {
		return a
	}
	if _, known := kinds[a[1:]]; known {
		return a
	}
	if kinds[a[1:2]] {
		return a[:2] + "=" + a[2:]
	}
	return a
}
