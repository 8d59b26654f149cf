package hub

// Page is one page of a Hub listing.
type Page[T any] struct {
	Count    int     `json:"count"`
	Next     *string `json:"next"`
	Previous *string `json:"previous"`
	Results  []T     `json:"results"`
}

// Category is one taxonomy entry of a repository.
type Category struct {
	Name string `json:"name"`
	Slug string `json:"slug"`
}

// Repository is a repository as listed or fetched. FullDescription is only
// filled by the single-repository GET.
type Repository struct {
	Name            string `json:"name"`
	Namespace       string `json:"namespace"`
	RepositoryType  string `json:"repository_type,omitempty"`
	Description     string `json:"description"`
	FullDescription string `json:"full_description,omitempty"`
	IsPrivate       bool   `json:"is_private"`
	StarCount       int    `json:"star_count"`
	PullCount       int64  `json:"pull_count"`
	LastUpdated     string `json:"last_updated,omitempty"`
	// LastModified is when the repository itself (not its tags) last
	// changed: its texts or settings. Listings carry it.
	LastModified string     `json:"last_modified,omitempty"`
	Categories   []Category `json:"categories,omitempty"`
	// ImmutableTags is only filled by the single-repository GET.
	ImmutableTags *ImmutableTags `json:"immutable_tags_settings,omitempty"`
}

// ImmutableTags are a repository's immutable-tag settings: rules are RE2.
type ImmutableTags struct {
	Enabled bool     `json:"enabled"`
	Rules   []string `json:"rules"`
}

// Image is one platform entry of a tag. Attestations appear as unknown/unknown.
type Image struct {
	Architecture string  `json:"architecture"`
	OS           string  `json:"os"`
	Variant      *string `json:"variant"`
	Digest       string  `json:"digest"`
	Size         int64   `json:"size"`
	Status       string  `json:"status,omitempty"`
	// LastPushed and LastPulled are RFC 3339; LastPulled is null when the
	// image was never pulled.
	LastPushed string  `json:"last_pushed,omitempty"`
	LastPulled *string `json:"last_pulled"`
}

// Platform renders the entry as os/arch[/variant].
func (i Image) Platform() string {
	p := i.OS + "/" + i.Architecture
	if i.Variant != nil && *i.Variant != "" {
		p += "/" + *i.Variant
	}
	return p
}

// Tag is one tag of a repository. Digest is the top-level manifest or index
// digest. The dates are RFC 3339 strings as the Hub sends them:
// TagLastPulled is nil when the tag was never pulled, and TagLastPushed may
// be empty on old tags (LastUpdated then stands in for it).
type Tag struct {
	Name          string  `json:"name"`
	Digest        string  `json:"digest"`
	MediaType     string  `json:"media_type"`
	FullSize      int64   `json:"full_size"`
	LastUpdated   string  `json:"last_updated"`
	TagStatus     string  `json:"tag_status,omitempty"`
	TagLastPushed string  `json:"tag_last_pushed,omitempty"`
	TagLastPulled *string `json:"tag_last_pulled"`
	Images        []Image `json:"images"`
}
