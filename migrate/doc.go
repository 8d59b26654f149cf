// Package migrate owns one run: it turns what the user named (a tag, a
// repository, a namespace) into tasks, feeds them to the copy engine, reads
// the engine's results from a channel of its own, and keeps each
// repository's record — prepared (listed, created on Docker Hub with the
// source's visibility, described) before its first task is sent, finished
// once its last result is in, then deprecated or given its immutable-tag
// rules — so that Docker Hub writes never run on a copy worker. It applies
// the pull-limit policy (stop or wait, package pulls) and returns the
// report with a typed error; it prints nothing and picks no exit code
// (package commands does).
package migrate
