package harness

import (
	"strings"
	"time"
)

// Request is what the proxy saw of one request.
type Request struct {
	Kind       Kind
	Method     string
	Path       string // URL path, without the query
	Query      string // raw query
	Repository string // repository name parsed from Path, "" when none
	User       string // HTTP Basic user name, if any (never the password)
	Status     int    // status sent to the client; 0 while none was
	BytesIn    int64  // request body bytes read from the client
	BytesOut   int64  // response body bytes written to the client
	Fault      bool   // a Fault answered or cut it
	Start      time.Time
	Duration   time.Duration // 0 until the proxy has finished with it
}

// The proxy records a request when it arrives and updates its Status and
// BytesOut before the client can see them, so counts read after a client call
// returns include that call.

func (p *Proxy) add(r *Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.reqs = append(p.reqs, r)
}

func (p *Proxy) update(f func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f()
}

// Requests returns a copy of the requests seen since the start or the last
// Reset, in order of arrival.
func (p *Proxy) Requests() []Request {
	return p.Filter(func(Request) bool { return true })
}

// Filter returns the requests for which keep is true.
func (p *Proxy) Filter(keep func(Request) bool) []Request {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []Request
	for _, r := range p.reqs {
		if keep(*r) {
			out = append(out, *r)
		}
	}
	return out
}

// Reset forgets every request seen so far.
func (p *Proxy) Reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.reqs = nil
}

// Counts counts the requests of each kind.
func (p *Proxy) Counts() map[Kind]int {
	counts := map[Kind]int{}
	for _, r := range p.Requests() {
		counts[r.Kind]++
	}
	return counts
}

// Count counts the requests of kind about repository prefix or anything under
// it: "oldorg" matches oldorg/app and oldorg/team/app, not oldorgs/app. An
// empty prefix matches every request of that kind.
func (p *Proxy) Count(kind Kind, prefix string) int {
	return len(p.Filter(func(r Request) bool { return r.Kind == kind && under(r.Repository, prefix) }))
}

// BytesIn is the request body bytes read from clients.
func (p *Proxy) BytesIn() int64 {
	var n int64
	for _, r := range p.Requests() {
		n += r.BytesIn
	}
	return n
}

// BytesOut is the response body bytes written to clients.
func (p *Proxy) BytesOut() int64 {
	var n int64
	for _, r := range p.Requests() {
		n += r.BytesOut
	}
	return n
}

func under(repo, prefix string) bool {
	prefix = strings.TrimSuffix(prefix, "/")
	return prefix == "" || repo == prefix || strings.HasPrefix(repo, prefix+"/")
}
