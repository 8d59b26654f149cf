package packaging

import (
	"bytes"
	"os"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"
)

// manifest is the krew Plugin manifest, every field krew's v1alpha2 has that
// plugin.yaml uses; decoding with KnownFields catches a misspelt key.
type manifest struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Metadata   struct {
		Name string `yaml:"name"`
	} `yaml:"metadata"`
	Spec struct {
		Version          string           `yaml:"version"`
		Homepage         string           `yaml:"homepage"`
		ShortDescription string           `yaml:"shortDescription"`
		Description      string           `yaml:"description"`
		Caveats          string           `yaml:"caveats"`
		Platforms        []pluginPlatform `yaml:"platforms"`
	} `yaml:"spec"`
}

type pluginPlatform struct {
	Selector struct {
		MatchLabels map[string]string `yaml:"matchLabels"`
	} `yaml:"selector"`
	URI    string       `yaml:"uri"`
	SHA256 string       `yaml:"sha256"`
	Bin    string       `yaml:"bin"`
	Files  []pluginFile `yaml:"files"`
}

type pluginFile struct {
	From string `yaml:"from"`
	To   string `yaml:"to"`
}

var (
	semver = regexp.MustCompile(`^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$`)
	sha256 = regexp.MustCompile(`^[0-9a-f]{64}$`)
	// The Makefile's platform list: one line, PLATFORMS := os/arch ….
	makePlatforms = regexp.MustCompile(`(?m)^PLATFORMS\s*:?=(.*)$`)
)

func readManifest(t *testing.T) (manifest, []byte) {
	t.Helper()
	data, err := os.ReadFile("../plugin.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var m manifest
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("plugin.yaml: %v", err)
	}
	return m, data
}

func TestPluginManifest(t *testing.T) {
	t.Parallel()
	m, _ := readManifest(t)
	tests := []struct {
		field, got string
		ok         bool
	}{
		{"apiVersion", m.APIVersion, m.APIVersion == "krew.googlecontainertools.github.com/v1alpha2"},
		{"kind", m.Kind, m.Kind == "Plugin"},
		{"metadata.name", m.Metadata.Name, m.Metadata.Name == "crane-migrate"},
		{"spec.version", m.Spec.Version, semver.MatchString(m.Spec.Version)},
		{"spec.homepage", m.Spec.Homepage, m.Spec.Homepage == "https://github.com/crane-migrate/crane-migrate"},
		{"spec.shortDescription", m.Spec.ShortDescription, m.Spec.ShortDescription != ""},
		{"spec.description", m.Spec.Description, m.Spec.Description != ""},
	}
	for _, tc := range tests {
		t.Run(tc.field, func(t *testing.T) {
			t.Parallel()
			if !tc.ok {
				t.Errorf("%s is %q", tc.field, tc.got)
			}
		})
	}
}

func TestPluginPlatforms(t *testing.T) {
	t.Parallel()
	m, _ := readManifest(t)
	archived := map[string]bool{}
	for _, f := range ReleaseFiles(nil, nil) {
		archived[f.Name] = true
	}
	for _, p := range m.Spec.Platforms {
		goos, goarch := p.Selector.MatchLabels["os"], p.Selector.MatchLabels["arch"]
		t.Run(goos+"/"+goarch, func(t *testing.T) {
			t.Parallel()
			if goos == "" || goarch == "" {
				t.Errorf("matchLabels %v: want os and arch", p.Selector.MatchLabels)
			}
			wantURI := "https://github.com/crane-migrate/crane-migrate/releases/download/" + m.Spec.Version + "/" + ArchiveName(goos, goarch)
			if p.URI != wantURI {
				t.Errorf("uri %s, want %s", p.URI, wantURI)
			}
			if !sha256.MatchString(p.SHA256) {
				t.Errorf("sha256 %q: want 64 lower-case hex digits", p.SHA256)
			}
			if p.Bin != PluginName {
				t.Errorf("bin %q, want %q", p.Bin, PluginName)
			}
			for _, f := range p.Files {
				if !archived[f.From] || f.To != "." {
					t.Errorf("files: from %q to %q: want a file the archive has, to .", f.From, f.To)
				}
			}
			if !slices.ContainsFunc(p.Files, func(f pluginFile) bool { return f.From == p.Bin }) {
				t.Errorf("files do not install bin %s", p.Bin)
			}
		})
	}
}

// TestPluginPlatformsAreTheMakefiles checks plugin.yaml lists one platform per
// archive `make release` builds, as the release would refuse otherwise.
func TestPluginPlatformsAreTheMakefiles(t *testing.T) {
	t.Parallel()
	m, _ := readManifest(t)
	makefile, err := os.ReadFile("../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	match := makePlatforms.FindSubmatch(makefile)
	if match == nil {
		t.Fatal("Makefile: no PLATFORMS := line")
	}
	want := strings.Fields(string(match[1]))
	var got []string
	for _, p := range m.Spec.Platforms {
		got = append(got, p.Selector.MatchLabels["os"]+"/"+p.Selector.MatchLabels["arch"])
	}
	slices.Sort(want)
	slices.Sort(got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("platforms (-Makefile +plugin.yaml):\n%s", diff)
	}
}

// TestPluginManifestEditable checks SetSHA256 can edit plugin.yaml as it is,
// and that writing the sums it holds changes nothing.
func TestPluginManifestEditable(t *testing.T) {
	t.Parallel()
	m, data := readManifest(t)
	sums := map[string]string{}
	for _, p := range m.Spec.Platforms {
		sums[path.Base(p.URI)] = p.SHA256
	}
	got, err := SetSHA256(data, sums)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(data), string(got)); diff != "" {
		t.Errorf("plugin.yaml changed (-want +got):\n%s", diff)
	}
}
