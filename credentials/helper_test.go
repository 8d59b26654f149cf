package credentials_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/crane-migrate/crane-migrate/credentials"
)

// secret is what the misbehaving helpers below hold; no error may show it.
const secret = "s3cr3t-never-shown"

func TestHelperFailureIsAnError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		config  string
		script  string // body of docker-credential-bad; "" installs none
		want    []string
		wantErr error // also errors.Is, beyond *HelperError
	}{
		{name: "non-zero exit, message on stdout", config: `{"credsStore":"bad"}`,
			script: "echo 'keychain locked'\nexit 1\n", want: []string{"keychain locked"}},
		{name: "non-zero exit, message on stderr", config: `{"credsStore":"bad"}`,
			script: "echo 'token expired, run gcloud auth login' >&2\nexit 3\n", want: []string{"exit status 3", "token expired, run gcloud auth login"}},
		{name: "credHelpers helper fails", config: `{"credsStore":"good","credHelpers":{"reg.example.com":"bad"}}`,
			script: "echo 'no network' >&2\nexit 1\n", want: []string{"no network"}},
		{name: "garbage answer", config: `{"credsStore":"bad"}`,
			script: "echo 'hello there'\n", want: []string{"unreadable answer"}},
		{name: "broken JSON holding a secret", config: `{"credsStore":"bad"}`,
			script: `echo '{"ServerURL":"reg.example.com","Username":"u","Secret":"` + secret + `",}'` + "\n", want: []string{"unreadable answer"}},
		{name: "empty answer", config: `{"credsStore":"bad"}`,
			script: "exit 0\n", want: []string{"unreadable answer"}},
		{name: "credentials printed, then a failure", config: `{"credsStore":"bad"}`,
			script: `echo '{"Username":"u","Secret":"` + secret + `"}'; echo '{"secret":"` + secret + `"}' >&2; exit 1` + "\n", want: []string{"withheld"}},
		{name: "credsStore program missing", config: `{"credsStore":"bad"}`,
			want: []string{"program not found"}, wantErr: credentials.ErrHelperMissing},
		{name: "credHelpers program missing", config: `{"credHelpers":{"reg.example.com":"bad"}}`,
			want: []string{"program not found"}, wantErr: credentials.ErrHelperMissing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			writeConfig(t, dir, tt.config)
			helperScript(t, dir, "good", map[string]string{"reg.example.com": "u " + secret})
			if tt.script != "" {
				writeScript(t, dir, "docker-credential-bad", tt.script)
			}
			k, err := credentials.New(credentials.WithConfigDir(dir), credentials.WithHelperDir(dir))
			if err != nil {
				t.Fatal(err)
			}
			_, err = resolve(t, k, "reg.example.com")
			var he *credentials.HelperError
			if !errors.As(err, &he) {
				t.Fatalf("Resolve err = %v, want a *HelperError (never anonymous)", err)
			}
			if he.Helper != "docker-credential-bad" || he.Host != "reg.example.com" {
				t.Errorf("HelperError{Helper: %q, Host: %q}, want docker-credential-bad for reg.example.com", he.Helper, he.Host)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("err = %v, want errors.Is %v", err, tt.wantErr)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, `credential helper "docker-credential-bad" for reg.example.com: `) {
				t.Errorf("error %q should start by naming the helper and host", msg)
			}
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q should contain %q", msg, w)
				}
			}
			if strings.Contains(msg, secret) {
				t.Errorf("error %q shows the secret", msg)
			}
			if d := k.Describe("reg.example.com"); strings.Contains(d, secret) || !strings.Contains(d, "docker-credential-bad") {
				t.Errorf("Describe = %q, want the helper named and no secret", d)
			}
		})
	}
}

func TestHelperHonoursContext(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeConfig(t, dir, `{"credsStore":"slow"}`)
	// Not exec: the child sleep keeps stdout open after sh is killed.
	writeScript(t, dir, "docker-credential-slow", "sleep 30\n")
	k, err := credentials.New(credentials.WithConfigDir(dir), credentials.WithHelperDir(dir))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, _, err = k.LookupContext(ctx, "reg.example.com")
	var he *credentials.HelperError
	if !errors.As(err, &he) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want a *HelperError wrapping context.DeadlineExceeded", err)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("a cancelled helper held the lookup for %v", took)
	}
}
