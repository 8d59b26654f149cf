package job

import "errors"

// Errors callers branch on with errors.Is.
var (
	// ErrInvalidOption is an option given a value the Job cannot use.
	ErrInvalidOption = errors.New("invalid job option")
	// ErrNoImage is a Job with no image to run.
	ErrNoImage = errors.New("no image")
)
