package packaging_test

import (
	"fmt"

	"github.com/crane-migrate/crane-migrate/packaging"
)

func ExampleArchiveName() {
	fmt.Println(packaging.ArchiveName("darwin", "arm64"))
	// Output: crane-migrate_darwin_arm64.tar.gz
}
