package hub

import (
	"fmt"
	"regexp"
	"unicode/utf8"
)

// Docker Hub's limits on a repository's texts, in characters (runes), not
// bytes: a README of 25,000 "é" is 50,000 bytes and still fits.
const (
	// MaxDescription is the most characters of a short description.
	MaxDescription = 100
	// MaxFullDescription is the most characters of a README (full_description).
	MaxFullDescription = 25000
)

// Chars counts s as Docker Hub counts a description: in characters. Compare
// it with MaxDescription and MaxFullDescription; len(s) counts bytes.
func Chars(s string) int { return utf8.RuneCountInString(s) }

// Repository names, as Docker documents them for the create route.
const (
	minNameLength = 2
	maxNameLength = 255
	namePattern   = `^[a-z0-9]+(?:[._-][a-z0-9]+)*$`
	nameRule      = "2 to 255 characters matching " + namePattern
)

var validName = regexp.MustCompile(namePattern)

// ValidateRepositoryName checks name (one repository name, no namespace)
// against Docker Hub's rule, so that a migration can refuse a repository
// before pushing anything rather than after a failed create. The error
// wraps ErrInvalidName, which quotes the rule.
func ValidateRepositoryName(name string) error {
	if len(name) < minNameLength || len(name) > maxNameLength || !validName.MatchString(name) {
		return fmt.Errorf("repository name %q: %w", name, ErrInvalidName)
	}
	return nil
}
