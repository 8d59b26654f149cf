// Package commands is the command line of crane-migrate: one urfave/cli
// command per file, each filling a config struct from flags, validating it and
// running it. Run is the only entry point; main.go and the crane extension both
// call it, so the binary, the kubectl plugin and `crane migrate` behave alike.
package commands
