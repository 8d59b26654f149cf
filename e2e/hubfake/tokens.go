package hubfake

import (
	"path"
	"slices"
	"strings"
)

// Kind is what kind of secret an account logs in with. Each kind reaches
// different routes: FACTS.md lists which and where that comes from.
type Kind int

// The kinds of secret.
const (
	// KindPassword is the account's password: everything its member
	// namespaces allow, admin included.
	KindPassword Kind = iota
	// KindPAT is a personal access token with one PATPermission.
	KindPAT
	// KindOAT is an organization access token: the account's user is the
	// organization, and what it may do is its scopes.
	KindOAT
)

func (k Kind) String() string {
	switch k {
	case KindPAT:
		return "personal access token"
	case KindOAT:
		return "organization access token"
	}
	return "password"
}

// PATPermission is the one permission level of a personal access token, as
// Docker's access token reference names them.
type PATPermission int

// The PAT permission levels, weakest first.
const (
	PATPublicReadOnly  PATPermission = iota // "Repo Public Read-only": public repositories only
	PATReadOnly                             // "Repo Read-only": private ones too
	PATReadWrite                            // "Repo Read & Write": push (and create by pushing)
	PATReadWriteDelete                      // "Repo Read, Write, Delete": manage repositories
)

// OAT scopes, as the Hub spells them in a token's resources.
const (
	ScopeImagePull        = "scope-image-pull"
	ScopeImagePush        = "scope-image-push"
	ScopeRepositoryList   = "scope-repository-list"
	ScopeRepositoryCreate = "scope-repository-create"
	ScopeRepositoryEdit   = "scope-repository-edit"
)

// Hub answers to a caller without the right token, as in FACTS.md.
const (
	// insufficientScope is the 403 of a token lacking a scope or permission (observed).
	insufficientScope = "access denied: insufficient scope"
	// oatNotAllowed is the 403 of the legacy /v2/repositories/ routes to an OAT (hub-api.md).
	oatNotAllowed = "token issued from organization access token is not allowed"
	// notPermitted is Django REST framework's 403 for a namespace the caller is no member of.
	notPermitted = "You do not have permission to perform this action."
)

// resource is one entry of an OAT's resources: repositories matching path
// (a glob such as "org/*"), with scopes on them.
type resource struct {
	path   string
	scopes []string
}

// PAT makes the secret a personal access token with permission p.
// Default (no PAT nor OAT): the account's password.
func PAT(p PATPermission) AccountOption {
	return func(a *account) { a.kind, a.pat = KindPAT, p }
}

// OAT makes the secret an organization access token of the organization
// named by WithAccount's user, with scopes on the organization and on all of
// its repositories. Add per-repository scopes with OATRepository.
func OAT(scopes ...string) AccountOption {
	return func(a *account) {
		a.kind = KindOAT
		a.scopes = append(a.scopes, scopes...)
	}
}

// OATRepository gives an organization access token scopes (image pull,
// push) on the repositories matching glob ("org/app", "org/*"), as a
// TYPE_REPO resource does.
func OATRepository(glob string, scopes ...string) AccountOption {
	return func(a *account) {
		a.kind = KindOAT
		a.resources = append(a.resources, resource{path: glob, scopes: scopes})
	}
}

// Namespaces limits a password or PAT account to the namespaces (its own,
// organizations it is an owner of) named. Default: every namespace, which
// is lenient but keeps tests that do not care about membership short. An
// OAT is always limited to its own organization.
func Namespaces(ns ...string) AccountOption {
	return func(a *account) { a.namespaces = append(a.namespaces, ns...) }
}

// member tells whether the account acts in namespace ns at all.
func (a *account) member(ns string) bool {
	if a.kind == KindOAT {
		return strings.EqualFold(a.user, ns)
	}
	return a.namespaces == nil || slices.ContainsFunc(a.namespaces, func(n string) bool { return strings.EqualFold(n, ns) })
}

// orgScope tells whether an OAT of ns holds an organization-level scope.
func (a *account) orgScope(ns, scope string) bool {
	return a.kind == KindOAT && a.member(ns) && slices.Contains(a.scopes, scope)
}

// repoScope tells whether an OAT of ns holds scope on ns/repo: given for all
// repositories, or by a resource matching it.
func (a *account) repoScope(ns, repo, scope string) bool {
	if a.orgScope(ns, scope) {
		return true
	}
	for _, r := range a.resources {
		if ok, _ := path.Match(r.path, ns+"/"+repo); ok && a.member(ns) && slices.Contains(r.scopes, scope) {
			return true
		}
	}
	return false
}

// patAtLeast tells whether a password or PAT account of ns has permission
// p or more; a password has every permission.
func (a *account) patAtLeast(ns string, p PATPermission) bool {
	switch {
	case a.kind == KindOAT || !a.member(ns):
		return false
	case a.kind == KindPassword:
		return true
	}
	return a.pat >= p
}

// readsPrivate: a session sees ns/repo although it is private.
func (sess *session) readsPrivate(ns, repo string) bool {
	if sess == nil {
		return false
	}
	a := sess.account
	return a.patAtLeast(ns, PATReadOnly) || a.repoScope(ns, repo, ScopeImagePull) || a.repoScope(ns, repo, ScopeImagePush)
}

// listsPrivate: a session's listings of ns include private repositories.
// An OAT without scope-repository-list silently sees public ones only.
func (sess *session) listsPrivate(ns string) bool {
	if sess == nil {
		return false
	}
	a := sess.account
	return a.patAtLeast(ns, PATReadOnly) || a.orgScope(ns, ScopeRepositoryList)
}

// writes: push to ns/repo.
func (sess *session) writes(ns, repo string) bool {
	return sess != nil && (sess.account.patAtLeast(ns, PATReadWrite) || sess.account.repoScope(ns, repo, ScopeImagePush))
}

// administers: change a repository's settings (immutable tags). An OAT
// needs scope-repository-edit: an assumption, see FACTS.md.
func (sess *session) administers(ns string) bool {
	return sess != nil && (sess.account.patAtLeast(ns, PATReadWriteDelete) || sess.account.orgScope(ns, ScopeRepositoryEdit))
}

// refusal is why a session may not do something: the status and message to
// answer with, or 0 when it may.
type refusal struct {
	status int
	msg    string
}

// mayCreate: create repositories in ns.
func (sess *session) mayCreate(ns string) refusal {
	a := sess.account
	switch {
	case !a.member(ns):
		return refusal{403, notPermitted}
	case a.patAtLeast(ns, PATReadWrite), a.orgScope(ns, ScopeRepositoryCreate):
		return refusal{}
	}
	return refusal{403, insufficientScope}
}

// mayEditTexts: change the description and README of a repository of ns,
// through the legacy /v2/repositories/ route or the namespaces one.
func (sess *session) mayEditTexts(ns string, legacy bool) refusal {
	a := sess.account
	switch {
	case a.kind == KindOAT && legacy:
		return refusal{403, oatNotAllowed}
	case !a.member(ns):
		return refusal{403, notPermitted}
	case a.patAtLeast(ns, PATReadWriteDelete), a.orgScope(ns, ScopeRepositoryEdit):
		return refusal{}
	}
	return refusal{403, insufficientScope}
}

// mayAdminister: change ns's repository settings.
func (sess *session) mayAdminister(ns string) refusal {
	switch {
	case !sess.account.member(ns):
		return refusal{403, notPermitted}
	case sess.administers(ns):
		return refusal{}
	}
	return refusal{403, insufficientScope}
}
