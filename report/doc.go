// Package report holds the outcome of a migration: one Result per tag, a
// Summary of counts, the JSON report written by --report and the short human
// summary printed at the end. It knows nothing about registries; the copy
// engine fills it and the CLI prints it.
package report
