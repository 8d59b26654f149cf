package hubfake

// The Hub's JSON shapes, field for field as in /work/shared/hub-api.md.

type repository struct {
	Name              string     `json:"name"`
	Namespace         string     `json:"namespace"`
	RepositoryType    string     `json:"repository_type"`
	Status            int        `json:"status"`
	StatusDescription string     `json:"status_description"`
	Description       string     `json:"description"`
	IsPrivate         bool       `json:"is_private"`
	StarCount         int        `json:"star_count"`
	PullCount         int64      `json:"pull_count"`
	LastUpdated       *string    `json:"last_updated"`
	LastModified      string     `json:"last_modified"`
	DateRegistered    string     `json:"date_registered"`
	Affiliation       string     `json:"affiliation"`
	MediaTypes        []string   `json:"media_types"`
	ContentTypes      []string   `json:"content_types"`
	Categories        []Category `json:"categories"`
	StorageSize       int64      `json:"storage_size"`
}

// repositoryDetail is the single-repository GET.
type repositoryDetail struct {
	repository
	FullDescription       string          `json:"full_description"`
	Permissions           permissions     `json:"permissions"`
	ImmutableTagsSettings immutableTagSet `json:"immutable_tags_settings"`
}

type permissions struct {
	Read  bool `json:"read"`
	Write bool `json:"write"`
	Admin bool `json:"admin"`
}

type immutableTagSet struct {
	Enabled bool     `json:"enabled"`
	Rules   []string `json:"rules"`
}

type tag struct {
	Name                string  `json:"name"`
	Digest              string  `json:"digest"`
	MediaType           string  `json:"media_type"`
	ContentType         string  `json:"content_type"`
	FullSize            int64   `json:"full_size"`
	LastUpdated         string  `json:"last_updated"`
	LastUpdaterUsername string  `json:"last_updater_username"`
	TagStatus           string  `json:"tag_status"`
	TagLastPulled       *string `json:"tag_last_pulled"`
	TagLastPushed       string  `json:"tag_last_pushed"`
	Images              []image `json:"images"`
}

type image struct {
	Architecture string  `json:"architecture"`
	OS           string  `json:"os"`
	Variant      *string `json:"variant"`
	Digest       string  `json:"digest"`
	Size         int64   `json:"size"`
	Status       string  `json:"status"`
	LastPulled   *string `json:"last_pulled"`
	LastPushed   string  `json:"last_pushed"`
}
