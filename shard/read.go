package shard

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/crane-migrate/crane-migrate/report"
)

// Input is one shard's report and where it came from, for errors.
type Input struct {
	Name   string // file name, or "stdin", with ":LINE" for a report read from a log
	Report report.Report
	Shard  *report.ShardInfo
}

// document is a report as a shard writes it. Its own Shard field is the
// one json fills, whether or not report.Report carries one too (the
// shallower field wins), so reading does not depend on that.
type document struct {
	report.Report
	Shard *report.ShardInfo `json:"shard,omitempty"`
}

// Read reads the shard reports in r: either one JSON report (a --report
// file), or a log with one report per line (--report-stdout prints it as
// the pod's last line; `kubectl logs … --tail=1` of several pods gives
// several). Lines that are not a report, a JSON log line included, are
// skipped. name labels the inputs.
func Read(name string, r io.Reader) ([]Input, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	if d, ok := parse(data); ok {
		return []Input{{Name: name, Report: d.Report, Shard: d.Shard}}, nil
	}
	var out []Input
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<30) // one report per line: lines as long as reports
	for line := 1; sc.Scan(); line++ {
		if d, ok := parse(sc.Bytes()); ok {
			out = append(out, Input{Name: fmt.Sprintf("%s:%d", name, line), Report: d.Report, Shard: d.Shard})
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w in %s: neither a JSON report nor a log with one on a line of its own", ErrNoReport, name)
	}
	return out, nil
}

// parse decodes data as a report: a JSON object with "summary" and
// "results" (a JSON log line has neither).
func parse(data []byte) (document, bool) {
	data = bytes.TrimSpace(data)
	if len(data) == 0 || data[0] != '{' {
		return document{}, false
	}
	var keys map[string]json.RawMessage
	if json.Unmarshal(data, &keys) != nil || keys["summary"] == nil || keys["results"] == nil {
		return document{}, false
	}
	var d document
	if json.Unmarshal(data, &d) != nil {
		return document{}, false
	}
	return d, true
}
