package packaging

import (
	"bytes"
	"fmt"
	"path"
	"sort"

	"go.yaml.in/yaml/v3"
)

// SetSHA256 returns the krew manifest with each platform's sha256 set to
// sums[name], name being the last element of the platform's uri. Each sha256
// value must be the last thing on its line; the rest of the file is kept byte
// for byte. A platform without a sum, or a sum without a platform, is an
// error: the manifest and the archives built must name the same platforms.
func SetSHA256(manifest []byte, sums map[string]string) ([]byte, error) {
	platforms, err := manifestPlatforms(manifest)
	if err != nil {
		return nil, err
	}
	lines := bytes.SplitAfter(manifest, []byte("\n"))
	seen := map[string]bool{}
	for _, p := range platforms {
		name := path.Base(p.uri)
		sum, ok := sums[name]
		if !ok {
			return nil, fmt.Errorf("%w: no archive %s was built for the platform with uri %s", ErrPlatforms, name, p.uri)
		}
		seen[name] = true
		lines[p.line] = setValue(lines[p.line], p.column, sum)
	}
	if extra := unseen(sums, seen); len(extra) > 0 {
		return nil, fmt.Errorf("%w: archives %v are not in it", ErrPlatforms, extra)
	}
	return bytes.Join(lines, nil), nil
}

// platform is where one platform's sha256 value starts (0-based line and
// column), with the platform's uri.
type platform struct {
	uri          string
	line, column int
}

func manifestPlatforms(manifest []byte) ([]platform, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(manifest, &doc); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrManifest, err)
	}
	if len(doc.Content) == 0 {
		return nil, fmt.Errorf("%w: it is empty", ErrManifest)
	}
	seq := mapValue(mapValue(doc.Content[0], "spec"), "platforms")
	if seq == nil || seq.Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("%w: no spec.platforms list", ErrManifest)
	}
	var ps []platform
	for _, n := range seq.Content {
		uri, sum := mapValue(n, "uri"), mapValue(n, "sha256")
		if uri == nil || sum == nil || sum.Kind != yaml.ScalarNode || sum.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
			return nil, fmt.Errorf("%w: line %d: a platform needs a uri and a one-line sha256", ErrManifest, n.Line)
		}
		ps = append(ps, platform{uri: uri.Value, line: sum.Line - 1, column: sum.Column - 1})
	}
	return ps, nil
}

// mapValue is the value of key in mapping node n, or nil.
func mapValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// setValue replaces line from column on with value, keeping the line ending.
func setValue(line []byte, column int, value string) []byte {
	end := bytes.TrimRight(line, "\r\n")
	return append([]byte(string(line[:column])+value), line[len(end):]...)
}

func unseen(sums map[string]string, seen map[string]bool) []string {
	var names []string
	for name := range sums {
		if !seen[name] {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}
