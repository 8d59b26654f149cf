package harness

import "errors"

// ErrNoRegistryBinary is returned by StartRegistry when the docker-registry
// binary cannot be found.
var ErrNoRegistryBinary = errors.New("docker-registry binary not found (apt-get install docker-registry)")

// ErrRegistryExited is returned by StartRegistry when the registry process
// exits before it answers.
var ErrRegistryExited = errors.New("docker-registry exited before it was ready")

// errAddrInUse means the registry could not bind its port: StartRegistry
// tries another.
var errAddrInUse = errors.New("address already in use")

// errCut is the read error that makes ReverseProxy abort the connection
// mid-body, for a Fault's CutAfter.
var errCut = errors.New("response cut by fault")
