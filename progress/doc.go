// Package progress shows what a long migration is doing while it runs, on
// stderr: on a terminal, live bars drawn with mpb (one overall bar of tags
// done, with outcome counts, throughput and ETA, and one line per repository
// in flight); elsewhere (CI, pipes) a structured logrus line at a steady,
// low rate; in quiet mode nothing.
//
// It is not the record of a run: it counts what it is told and forgets it at
// Close. Results, the summary and the exit code belong to package report and
// to the caller, which prints the summary on stdout after Close. It does not
// print errors either: the caller logs them, through Display.Writer while the
// bars are up so they do not tear the display.
package progress
