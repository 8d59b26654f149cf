package job

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/crane-migrate/crane-migrate/credentials"
)

// Credential is one registry's credentials, as the user's credential chain
// resolved them.
type Credential struct {
	// Host is the registry as name.Registry.RegistryStr gives it
	// ("index.docker.io" for Docker Hub).
	Host string
	Auth authn.AuthConfig
}

// Account is a --src-username or --dst-username account.
type Account struct {
	Side               string // SRC or DST
	Username, Password string
}

// The Secret's keys: the dockerconfigjson one, mounted as config.json.
const (
	configKey  = corev1.DockerConfigJsonKey
	configFile = credentials.ConfigFileName
)

// accountKeys are the Secret's keys (and the pods' variables) of an account.
func accountKeys(side string) (user, pass string) {
	return "CRANE_MIGRATE_" + side + "_USERNAME", "CRANE_MIGRATE_" + side + "_PASSWORD"
}

// dockerKey is the config.json key docker stores host's credentials under.
func dockerKey(host string) string {
	if host == name.DefaultRegistry || host == "docker.io" || host == "registry-1.docker.io" {
		return credentials.DockerHubKey
	}
	return host
}

// configJSON is a Docker config.json holding creds and nothing else: no
// credsStore or credHelpers, which the pods could not run.
func configJSON(creds []Credential) ([]byte, error) {
	type entry struct {
		Auth          string `json:"auth,omitempty"`
		IdentityToken string `json:"identitytoken,omitempty"`
		RegistryToken string `json:"registrytoken,omitempty"`
	}
	auths := map[string]entry{}
	for _, c := range creds {
		e := entry{IdentityToken: c.Auth.IdentityToken, RegistryToken: c.Auth.RegistryToken}
		if c.Auth.Username != "" {
			e.Auth = base64.StdEncoding.EncodeToString([]byte(c.Auth.Username + ":" + c.Auth.Password))
		}
		if e == (entry{}) {
			continue // anonymous: nothing to hand over
		}
		key := dockerKey(c.Host)
		if prev, ok := auths[key]; ok && prev != e {
			// json's errors never hold a value; neither does this one.
			return nil, fmt.Errorf("%w: two different credentials for %s: a config.json holds one per registry "+
				"(give the second side's account with --src-username or --dst-username)", ErrInvalidOption, c.Host)
		}
		auths[key] = e
	}
	return json.Marshal(struct {
		Auths map[string]entry `json:"auths"`
	}{auths})
}

// secret is the Secret the pods mount: config.json, and the accounts'
// variables.
func (o options) secret(meta metav1.ObjectMeta) (*corev1.Secret, error) {
	cfg, err := configJSON(o.creds)
	if err != nil {
		return nil, err
	}
	data := map[string][]byte{configKey: cfg}
	for _, a := range o.accounts {
		u, p := accountKeys(a.Side)
		data[u], data[p] = []byte(a.Username), []byte(a.Password)
	}
	return &corev1.Secret{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Secret"},
		ObjectMeta: meta,
		Type:       corev1.SecretTypeDockerConfigJson,
		Data:       data,
	}, nil
}

// accountEnv are the pods' variables of the accounts, from the Secret. With
// an existing Secret both sides' are optional: it may hold either or none.
func (o options) accountEnv(secretName string) []corev1.EnvVar {
	sides := []string{}
	for _, a := range o.accounts {
		sides = append(sides, a.Side)
	}
	optional := o.secretName != ""
	if optional {
		sides = []string{"SRC", "DST"}
	}
	slices.Sort(sides)
	var env []corev1.EnvVar
	for _, side := range slices.Compact(sides) {
		u, p := accountKeys(side)
		for _, k := range []string{u, p} {
			env = append(env, corev1.EnvVar{Name: k, ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
				LocalObjectReference: corev1.LocalObjectReference{Name: secretName}, Key: k, Optional: ptr(optional)}}})
		}
	}
	return env
}

func ptr[T any](v T) *T { return &v }
