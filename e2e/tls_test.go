package e2e

import (
	"strings"
	"testing"

	"github.com/crane-migrate/crane-migrate/e2e/harness"
)

// TestTLSVerifiedUnlessNamedInsecure: a registry with a self-signed
// certificate is refused; naming it with --insecure-registry allows it.
func TestTLSVerifiedUnlessNamedInsecure(t *testing.T) {
	t.Parallel()
	src, dst := harness.MustStartRegistry(t, harness.WithTLS()), harness.MustStartRegistry(t)
	seedImage(t, src.Host()+"/oldorg/app:v1", harness.WithTransport(src.Transport()))
	args := []string{"copy", src.Host() + "/oldorg/app:v1", dst.Host() + "/neworg/app:v1"}
	r := cli(t, nil, args...)
	if r.code == 0 {
		t.Fatalf("a self-signed certificate was accepted without --insecure-registry:\n%s", r.stdout)
	}
	if out := r.stdout + r.stderr; !strings.Contains(out, "certificate") && !strings.Contains(out, "x509") && !strings.Contains(out, "HTTPS") {
		t.Errorf("the failure does not say it is about TLS:\n%s\n%s", r.stdout, r.stderr)
	}
	ok := cli(t, nil, append(args, "--insecure-registry", src.Host())...).expect(t, 0)
	if !ok.report.Results[0].Verified {
		t.Errorf("result %+v", ok.report.Results[0])
	}
}
