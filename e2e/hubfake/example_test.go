package hubfake_test

import (
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/google/go-containerregistry/pkg/registry"

	"github.com/crane-migrate/crane-migrate/e2e/harness"
	"github.com/crane-migrate/crane-migrate/e2e/hubfake"
)

// The fake Hub in front of go-containerregistry's in-memory registry, as the
// demo runs it: no process to start.
func Example() {
	reg := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	defer reg.Close()
	host := strings.TrimPrefix(reg.URL, "http://")
	for _, tag := range []string{"1.0", "latest"} {
		if _, err := harness.SeedImage(ctx, host+"/org/app:"+tag); err != nil {
			log.Fatal(err)
		}
	}
	hub := httptest.NewServer(hubfake.New(reg.URL))
	defer hub.Close()

	resp, err := http.Get(hub.URL + "/v2/namespaces/org/repositories/app/tags?page_size=1")
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	var page struct {
		Count   int
		Next    string
		Results []struct {
			Name   string
			Images []struct{ OS, Architecture string }
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&page); err != nil {
		log.Fatal(err)
	}
	tag := page.Results[0]
	fmt.Println(page.Count, tag.Name, tag.Images[0].OS+"/"+tag.Images[0].Architecture)
	fmt.Println(strings.TrimPrefix(page.Next, hub.URL))
	// Output:
	// 2 1.0 linux/amd64
	// /v2/namespaces/org/repositories/app/tags?page=2&page_size=1
}
