package enumerate

// Option configures a Lister.
type Option func(*options) error

type options struct {
	hubTagsOnly bool
}

// WithHubTagsOnly lists tags through the Docker Hub API whatever its budget,
// for a run whose filters need the dates only that listing carries.
// Default: the registry's tags/list takes over when the budget is short.
func WithHubTagsOnly(on bool) Option {
	return func(o *options) error {
		o.hubTagsOnly = on
		return nil
	}
}
