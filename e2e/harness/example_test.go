package harness_test

import (
	"fmt"
	"net/http/httptest"

	"github.com/crane-migrate/crane-migrate/e2e/harness"
)

// Classify is what the proxy counts by; a fault hook can use it too.
func ExampleClassify() {
	for _, r := range []struct{ method, target string }{
		{"HEAD", "/v2/org/app/manifests/v1"},
		{"POST", "/v2/neworg/app/blobs/uploads/?mount=sha256:abc&from=org/app"},
		{"PATCH", "/v2/neworg/app/blobs/uploads/0b6e?_state=x"},
	} {
		kind, repo := harness.Classify(httptest.NewRequest(r.method, r.target, nil))
		fmt.Println(kind, repo)
	}
	// Output:
	// manifest-head org/app
	// blob-mount neworg/app
	// blob-upload-chunk neworg/app
}
