package packaging

import "errors"

var (
	// ErrManifest is a plugin.yaml that SetSHA256 cannot edit.
	ErrManifest = errors.New("unusable krew manifest")
	// ErrPlatforms is a manifest that lists other platforms than the archives built.
	ErrPlatforms = errors.New("manifest and archives list different platforms")
)
