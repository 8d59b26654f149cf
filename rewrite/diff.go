package rewrite

import (
	"fmt"
	"strings"
)

// context is the number of unchanged lines shown around a change.
const context = 3

// Diff renders a unified diff of a rewrite. Rewriting never adds or removes
// lines, so old and new line up one to one and hunks need no alignment.
func Diff(path, old, new string) string {
	a, b := strings.SplitAfter(old, "\n"), strings.SplitAfter(new, "\n")
	if old == new || len(a) != len(b) {
		return ""
	}
	var out strings.Builder
	fmt.Fprintf(&out, "--- a/%s\n+++ b/%s\n", path, path)
	for i := 0; i < len(a); {
		if a[i] == b[i] {
			i++
			continue
		}
		start := max(i-context, 0)
		end := i
		for end < len(a) {
			if a[end] != b[end] {
				end++
				continue
			}
			// Extend through unchanged lines only if another change follows soon.
			next := end
			for next < len(a) && next < end+2*context && a[next] == b[next] {
				next++
			}
			if next < len(a) && next < end+2*context {
				end = next
				continue
			}
			break
		}
		stop := min(end+context, len(a))
		for stop > 0 && a[stop-1] == "" { // the empty piece after a final newline
			stop--
		}
		fmt.Fprintf(&out, "@@ -%d,%d +%d,%d @@\n", start+1, stop-start, start+1, stop-start)
		for j := start; j < stop; j++ {
			if a[j] == b[j] {
				out.WriteString(" " + withNewline(a[j]))
				continue
			}
			out.WriteString("-" + withNewline(a[j]))
			out.WriteString("+" + withNewline(b[j]))
		}
		i = stop
	}
	return out.String()
}

func withNewline(s string) string {
	if strings.HasSuffix(s, "\n") {
		return s
	}
	return s + "\n\\ No newline at end of file\n"
}
