package progress

import "errors"

// ErrInvalidOption is the error of an option that cannot work: a
// non-positive interval, a nil logger or clock. New panics with it, since
// such an option is a programming error rather than a run-time condition.
var ErrInvalidOption = errors.New("invalid progress option")
