package commands

import (
	"io"
	"log"
	"sync"

	"github.com/google/go-containerregistry/pkg/logs"
	"github.com/sirupsen/logrus"
)

// newLogger builds the one logger of a run: progress and logs go to stderr
// so that stdout carries only results.
func newLogger(stderr io.Writer, format string, verbose bool) *logrus.Logger {
	l := logrus.New()
	l.Out = stderr
	if format == "json" {
		l.Formatter = &logrus.JSONFormatter{}
	} else {
		l.Formatter = &logrus.TextFormatter{DisableTimestamp: true}
	}
	if verbose {
		l.Level = logrus.DebugLevel
	}
	routeGGCRLogs(l)
	return l
}

var ggcrLogsOnce sync.Once

// routeGGCRLogs sends go-containerregistry's package-level loggers into ours,
// once per process (they are globals of ggcr's). ggcr's Debug logger dumps
// HTTP exchanges; it stays off so no header ever reaches a log.
func routeGGCRLogs(l *logrus.Logger) {
	ggcrLogsOnce.Do(func() {
		logs.Warn = log.New(l.WriterLevel(logrus.WarnLevel), "", 0)
		logs.Progress = log.New(l.WriterLevel(logrus.DebugLevel), "", 0)
	})
}
