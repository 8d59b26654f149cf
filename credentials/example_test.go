package credentials_test

import (
	"fmt"
	"os"

	"github.com/crane-migrate/crane-migrate/credentials"
)

// One side of a migration: the user's Docker credentials, unless the side's
// environment names an account of its own.
func ExampleKeychain_Describe() {
	dir, err := os.MkdirTemp("", "docker-config")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)

	chain, err := credentials.New(credentials.WithConfigDir(dir))
	if err != nil {
		panic(err)
	}
	fmt.Println(chain.Describe("registry.example.com"))

	src, err := credentials.New(credentials.WithConfigDir(dir),
		credentials.WithOverride("carol", "not-printed", "CRANE_MIGRATE_SRC_USERNAME"))
	if err != nil {
		panic(err)
	}
	fmt.Println(src.Describe("registry.example.com"))
	// Output:
	// anonymous
	// user "carol" from CRANE_MIGRATE_SRC_USERNAME
}
