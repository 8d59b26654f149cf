package retry

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// UploadPredicate is for go-containerregistry's blob-upload retry, the one
// retry ggcr does that a RoundTripper cannot: a blob's streaming PATCH has a
// body that cannot be replayed, so after it fails the whole upload (initiate,
// stream, commit) must start again. Every other request was already retried
// by Transport, so the predicate refuses those: the two layers never multiply.
func UploadPredicate(err error) bool {
	var te *transport.Error
	if errors.As(err, &te) && te.Request != nil {
		return te.Request.Method == http.MethodPatch &&
			(te.StatusCode >= 500 || te.StatusCode == http.StatusRequestTimeout)
	}
	var ue *url.Error
	return errors.As(err, &ue) && ue.Op == "Patch" && transient(ue.Err)
}
