# crane-migrate's build. `make release` is reproducible: the same source gives
# byte-identical archives, hence the sha256 values plugin.yaml commits.
#
# Releasing: commit the source, run `make release`, commit plugin.yaml on its
# own. COMMIT ignores plugin.yaml, so that second commit does not change the
# binaries, and `make check-release` at it rebuilds the very same archives.

MODULE    := github.com/crane-migrate/crane-migrate
# The single list of platforms: release builds these, packaging/release
# refuses a plugin.yaml that lists others, and packaging's tests read it here.
PLATFORMS := linux/amd64 linux/arm64 darwin/amd64 darwin/arm64

# plugin.yaml's spec.version, so the binaries say the version krew installs.
VERSION ?= $(shell sed -n 's/^  version: *//p' plugin.yaml)
# The last commit that changed anything but plugin.yaml, -dirty if the tree has
# changes git would commit.
COMMIT  ?= $(shell git log -1 --abbrev=12 --format=%h -- . ':!plugin.yaml' 2>/dev/null || echo none)$(shell git status --porcelain -- . ':!plugin.yaml' 2>/dev/null | grep -q . && echo -dirty)

LDFLAGS    := -X $(MODULE)/commands.version=$(VERSION) -X $(MODULE)/commands.commit=$(COMMIT)
BUILDFLAGS := -trimpath -buildvcs=false -ldflags "$(LDFLAGS)"
# Release builds use go.mod's Go version (fetched if the local go differs) and
# no ambient GOFLAGS: the compiler's output and Go's gzip are in the sha256.
GO_VERSION  := $(shell sed -n 's/^go //p' go.mod)
RELEASE_ENV := CGO_ENABLED=0 GOTOOLCHAIN=go$(GO_VERSION) GOFLAGS= GOAMD64=v1 GOARM64=v8.0 GOEXPERIMENT=
RELEASE_BINS := $(foreach p,$(PLATFORMS),dist/$(subst /,_,$(p))/crane-migrate)

.PHONY: build release check-release image test clean FORCE

build:
	CGO_ENABLED=0 go build $(BUILDFLAGS) -o bin/crane-migrate .
	cp bin/crane-migrate bin/kubectl-crane_migrate
	CGO_ENABLED=0 go build $(BUILDFLAGS) -o bin/crane ./cmd/crane

# dist/crane-migrate_OS_ARCH.tar.gz for each platform, and their sha256 in plugin.yaml.
release: $(RELEASE_BINS)
	$(RELEASE_ENV) go run ./packaging/release -dist dist -manifest plugin.yaml -license LICENSE $(PLATFORMS)

$(RELEASE_BINS): FORCE
	mkdir -p $(@D)
	$(RELEASE_ENV) GOOS=$(word 1,$(subst _, ,$(notdir $(@D)))) GOARCH=$(word 2,$(subst _, ,$(notdir $(@D)))) \
		go build $(BUILDFLAGS) -o $@ .

# Fails if `make release` would change the committed plugin.yaml.
check-release: release
	git diff --exit-code plugin.yaml

# An OCI image of crane-migrate (static binaries for linux/amd64 and
# linux/arm64 on an empty base with the build machine's CA certificates),
# built with go-containerregistry, no Docker daemon, and pushed to IMAGE with
# your Docker credentials: `make image IMAGE=registry.example.com/tools/crane-migrate:v0.1.0`.
# The default is the release image `crane-migrate job` runs.
IMAGE           ?= ghcr.io/crane-migrate/crane-migrate:$(VERSION)
IMAGE_PLATFORMS := linux/amd64 linux/arm64
IMAGE_CA        ?= /etc/ssl/certs/ca-certificates.crt

image: $(foreach p,$(IMAGE_PLATFORMS),dist/$(subst /,_,$(p))/crane-migrate)
	go run ./packaging/image -dist dist -ca $(IMAGE_CA) -image $(IMAGE) $(IMAGE_PLATFORMS)

test:
	go test ./...

clean:
	rm -rf bin dist
