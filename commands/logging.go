package commands

import (
	"io"
	"log"
	"time"

	"github.com/google/go-containerregistry/pkg/logs"
	"github.com/sirupsen/logrus"
)

// newLogger builds the one logger of a Run: progress and logs go to stderr
// so that stdout carries only results. ggcr's package-level loggers are
// pointed at it once, until the returned restore is called.
func newLogger(stderr io.Writer) (*logrus.Logger, func()) {
	l := logrus.New()
	l.Out = stderr
	l.Formatter = &logrus.TextFormatter{DisableTimestamp: true}
	return l, routeGGCRLogs(l)
}

// configure sets the logger to a command's flags.
func (e *runEnv) configure(cfg migrateConfig) {
	setLogging(e.log, cfg.logFormat, cfg.verbose, cfg.quiet)
}

// setLogging sets l's format and level, through logrus's setters: the
// goroutines that carry ggcr's logs into l read both while it runs.
func setLogging(l *logrus.Logger, format string, verbose, quiet bool) {
	if format == "json" {
		l.SetFormatter(&logrus.JSONFormatter{TimestampFormat: time.RFC3339Nano}) // sub-second: a long run is read by its timings
	} else {
		l.SetFormatter(&logrus.TextFormatter{DisableTimestamp: true})
	}
	switch {
	case verbose:
		l.SetLevel(logrus.DebugLevel)
	case quiet:
		l.SetLevel(logrus.ErrorLevel)
	default:
		l.SetLevel(logrus.InfoLevel)
	}
}

// routeGGCRLogs sends go-containerregistry's package-level loggers (globals
// of ggcr's) into ours and returns how to put them back. ggcr's Debug logger
// dumps HTTP exchanges; it stays off so no header ever reaches a log.
func routeGGCRLogs(l *logrus.Logger) func() {
	warn, progress := logs.Warn, logs.Progress
	w, p := l.WriterLevel(logrus.WarnLevel), l.WriterLevel(logrus.DebugLevel)
	logs.Warn, logs.Progress = log.New(w, "", 0), log.New(p, "", 0)
	return func() {
		logs.Warn, logs.Progress = warn, progress
		w.Close()
		p.Close()
	}
}
