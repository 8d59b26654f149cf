// Package enumerate finds what a migration moves: the repositories of a
// namespace and the tags of a repository, through the Docker Hub API when a
// side has one (which also gives each tag's digest, so no registry request is
// needed to plan) and through the registry API (_catalog, tags/list)
// otherwise. Listings are sequences, consumed as they arrive, so copying can
// start before enumeration ends. It does not copy or compare anything.
package enumerate
