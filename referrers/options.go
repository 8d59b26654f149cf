package referrers

import (
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/sirupsen/logrus"
)

// DefaultMaxDepth bounds how far Find follows referrers of referrers: 4
// covers a signature (2) of an SBOM (1) with room for a countersignature,
// and stops a registry that answers with ever-new digests.
const DefaultMaxDepth = 4

// Option configures a Finder. A misused option fails NewFinder.
type Option func(*options) error

type options struct {
	artifactTypes map[string]bool // nil: all
	maxDepth      int
	log           logrus.FieldLogger
	transport     http.RoundTripper // nil: anonymous, per repository
	noCosign      bool
}

func makeOptions(opts ...Option) (*options, error) {
	o := &options{maxDepth: DefaultMaxDepth, log: discardLogger()}
	for _, opt := range opts {
		if err := opt(o); err != nil {
			return nil, err
		}
	}
	return o, nil
}

func discardLogger() logrus.FieldLogger {
	l := logrus.New()
	l.SetOutput(io.Discard)
	return l
}

// WithArtifactTypes keeps only referrers of these artifact types, at every
// depth: a dropped SBOM takes its signatures with it, since they would have
// nothing to attach to. Cosign tags count as CosignSignatureType,
// CosignAttestationType and CosignSBOMType. Default: every artifact type.
func WithArtifactTypes(types ...string) Option {
	return func(o *options) error {
		if len(types) == 0 {
			o.artifactTypes = nil
			return nil
		}
		o.artifactTypes = make(map[string]bool, len(types))
		for _, t := range types {
			if t == "" {
				return errors.New("WithArtifactTypes: empty artifact type")
			}
			o.artifactTypes[t] = true
		}
		return nil
	}
}

// WithMaxDepth sets how many levels of referrers of referrers Find follows;
// 1 is only what is attached to the image. Default: DefaultMaxDepth.
func WithMaxDepth(n int) Option {
	return func(o *options) error {
		if n < 1 {
			return fmt.Errorf("WithMaxDepth: %d is less than 1", n)
		}
		o.maxDepth = n
		return nil
	}
}

// WithLogger logs skipped oddities (a fallback tag that is not an index)
// and probe results. Default: a logger that discards.
func WithLogger(l logrus.FieldLogger) Option {
	return func(o *options) error {
		if l == nil {
			return errors.New("WithLogger: nil logger")
		}
		o.log = l
		return nil
	}
}

// WithTransport sends the requests the Puller cannot make (the referrers
// API, which go-containerregistry v0.22.1 only reaches through
// remote.Referrers with its tag fallback mixed in) through rt, which must
// authenticate like the Puller does: pass the side's auth.Transport stack.
// Default: go-containerregistry's anonymous transport over
// remote.DefaultTransport, made once per repository.
func WithTransport(rt http.RoundTripper) Option {
	return func(o *options) error {
		if rt == nil {
			return errors.New("WithTransport: nil transport")
		}
		o.transport = rt
		return nil
	}
}

// WithoutCosignTags leaves cosign's sha256-<hex>.sig/.att/.sbom tags out of
// Find, for a caller that moves them as tags of their own (crane-migrate's
// run does: they follow their image as tasks). Default: included.
func WithoutCosignTags() Option {
	return func(o *options) error {
		o.noCosign = true
		return nil
	}
}
