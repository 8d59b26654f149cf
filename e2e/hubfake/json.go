package hubfake

import (
	"encoding/json"
	"net/http"
	"time"
)

// timeFormat is the Hub's timestamp format.
const timeFormat = "2006-01-02T15:04:05.000000Z"

func stamp(t time.Time) string { return t.UTC().Format(timeFormat) }

// stampOrNull is stamp, or null for the zero time (never).
func stampOrNull(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := stamp(t)
	return &s
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeError answers with the Hub's usual error body: most endpoints say
// "detail", some "message"; clients look for either.
func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"detail": msg, "message": msg})
}
