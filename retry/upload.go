package retry

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// Upload says whether a blob upload that failed with err is worth starting
// over: its streamed PUT met a server error, a timeout or a broken
// connection. Requests without a body were already retried by Transport.
func Upload(err error) bool {
	var te *transport.Error
	if errors.As(err, &te) && te.Request != nil {
		return te.Request.Method == http.MethodPut &&
			(te.StatusCode >= 500 || te.StatusCode == http.StatusRequestTimeout)
	}
	var ue *url.Error
	return errors.As(err, &ue) && ue.Op == "Put" && transient(ue.Err)
}
