package enumerate

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strings"
)

// ReadReposFile reads a repos.txt: one repository per line, relative to the
// source namespace ("myapp", or "oldorg/myapp" with the namespace spelt out).
// Blank lines, # comments and CRLF line ends are fine; an empty list is an
// error, since migrating nothing is never what the user meant.
func ReadReposFile(path string, ns Namespace) ([]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadReposFile, err)
	}
	var repos []string
	seen := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		line = strings.Trim(strings.TrimSpace(line), "/")
		if line == "" {
			continue
		}
		rel := strings.TrimPrefix(line, ns.Path+"/")
		rel = strings.TrimPrefix(rel, ns.String()+"/")
		if _, err := ns.Repository(rel); err != nil {
			return nil, fmt.Errorf("%w: %s:%d: %q is not a repository name: %w", ErrBadReposFile, path, n, line, err)
		}
		if !seen[rel] {
			seen[rel] = true
			repos = append(repos, rel)
		}
	}
	if len(repos) == 0 {
		return nil, fmt.Errorf("%w: %s lists no repositories", ErrBadReposFile, path)
	}
	return repos, nil
}
