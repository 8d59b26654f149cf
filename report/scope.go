package report

import "strconv"

// The scopes of a failure that is no tag's (Result.Scope).
const (
	ScopeRepository = "repository"
	ScopeNamespace  = "namespace"
)

// The sides a failure can happen on (Result.Side).
const (
	SideSource      = "source"
	SideDestination = "destination"
)

// Plural is n and noun, in the plural unless n is 1: "1 tag", "2 tags".
// The nouns are English and regular, or given with their plural form:
// Plural(2, "repository", "repositories").
func Plural(n int, noun string, plural ...string) string {
	switch {
	case n == 1:
		return "1 " + noun
	case len(plural) > 0:
		return strconv.Itoa(n) + " " + plural[0]
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
