package credentials

import (
	"net/url"
	"slices"
	"strings"
)

// DockerHubKey is the key docker stores Docker Hub credentials under in
// config.json, and the server URL it asks a credential helper for.
const DockerHubKey = "https://index.docker.io/v1/"

// serverKey is the name host's credentials are stored under.
func serverKey(host string) string {
	switch host {
	case "docker.io", "index.docker.io", "registry-1.docker.io":
		return DockerHubKey
	}
	return host
}

// normalizeKey reduces a config key (host, https://host, http://host,
// https://host/v1/) to a server key, as docker's ConvertToHostname does.
func normalizeKey(k string) string {
	if k == DockerHubKey {
		return k
	}
	if strings.Contains(k, "://") {
		if u, err := url.Parse(k); err == nil && u.Host != "" {
			return serverKey(u.Host)
		}
		_, k, _ = strings.Cut(k, "://")
	}
	k, _, _ = strings.Cut(k, "/")
	return serverKey(k)
}

// matchingKeys lists the keys of m that stand for host: the exact server key
// first, as docker tries it first, then the others that normalise to it,
// sorted so the answer never depends on map order.
func matchingKeys[V any](m map[string]V, host string) []string {
	want := serverKey(host)
	var exact, rest []string
	for k := range m {
		switch {
		case k == want:
			exact = append(exact, k)
		case normalizeKey(k) == want:
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	return append(exact, rest...)
}
