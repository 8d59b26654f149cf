// Package hubfake is a fake Docker Hub API (hub.docker.com/v2) for tests and
// the demo. It answers with the Hub's own JSON shapes: logins and tokens,
// paged repository and tag listings with full-URL next/previous links,
// private repositories, the anonymous paging cap, rate-limit headers and 429s,
// the writes a migration makes (creating a repository, setting its
// descriptions and immutable-tag rules), and who may make them: passwords,
// personal access tokens of each permission level and organization access
// tokens with their scopes are told apart as the Hub does, with its 401 and
// 403 answers. FACTS.md lists each rule and its source.
//
// Content is not stored here: repositories and tags are read at request time
// from a real registry (a distribution registry, or any OCI registry serving
// _catalog): the repositories of namespace ns are its catalog entries under
// "ns/". Only what a registry cannot tell (privacy, descriptions, categories,
// accounts, repositories created before their first push, when a tag was
// first seen) lives in memory.
//
// It is not a registry: image pulls and pushes go to the registry itself.
package hubfake
