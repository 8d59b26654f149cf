// Package rewrite moves image references from one namespace to another in
// the files that name them: Dockerfiles (FROM, COPY --from), Kubernetes
// manifests and Compose files (image:). Tags and digests are kept; only exact
// matches of the old namespace change (not oldorg2/…, not the same namespace
// on another registry). It edits text line by line, so comments, order and
// formatting stay as they were.
package rewrite
