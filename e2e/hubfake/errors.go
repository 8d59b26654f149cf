package hubfake

import "errors"

var (
	// errNotFound is a repository or tag the registry does not have.
	errNotFound = errors.New("object not found")
	// errBadToken is a bearer token the server never issued.
	errBadToken = errors.New("invalid token")
	// errBadScheme is an Authorization header that is not "Bearer <token>".
	errBadScheme = errors.New("authorization scheme is not Bearer")
	// errExpiredToken is a token past its TTL.
	errExpiredToken = errors.New("token expired")
)
