package side

import "testing"

func TestTLSPolicyPlainHTTP(t *testing.T) {
	t.Parallel()
	p := NewTLSPolicy([]string{"registry.internal:5000"})
	for host, want := range map[string]bool{
		"127.0.0.1:5000":         true,
		"localhost:5000":         true,
		"[::1]:5000":             true,
		"registry.internal:5000": true,  // named with --insecure-registry
		"registry.internal":      false, // another port is another host
		"10.0.0.5:5000":          false, // ggcr would allow a private address; we do not
		"192.168.1.2":            false,
		"index.docker.io":        false,
	} {
		if got := p.PlainAllowed(host); got != want {
			t.Errorf("plainAllowed(%q) = %v, want %v", host, got, want)
		}
	}
}
