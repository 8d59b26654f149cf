package copy

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"

	"github.com/crane-migrate/crane-migrate/report"
	"github.com/crane-migrate/crane-migrate/side"
	"github.com/crane-migrate/crane-migrate/verify"
)

// RefError is a tag's failure in the user's words: the reference as the
// user typed it, then what happened to it on which side ("oldorg/app:v9: no
// such tag at the source"), never a library's raw text (ggcr's "HEAD
// responses have no body", a diagnostic's map[name:…]). It wraps the
// library's error, so KindOf, errors.Is and errors.As see through it.
type RefError struct {
	Side  string // report.SideSource or report.SideDestination
	Ref   string
	Cause string // the same for every tag that failed the same way
	Err   error
}

func (e *RefError) Error() string { return e.Ref + ": " + e.Cause }
func (e *RefError) Unwrap() error { return e.Err }

// SideOf is the side err happened on, "" when it was not worded by explain.
func SideOf(err error) string {
	var re *RefError
	if errors.As(err, &re) {
		return re.Side
	}
	return ""
}

// explain words err, met while doing op on ref at side where (s names the
// credentials a refusal was met with). An error worded already is kept.
func explain(s *side.Side, where string, ref name.Reference, op string, err error) error {
	var re *RefError
	if err == nil || errors.As(err, &re) {
		return err
	}
	return &RefError{Side: where, Ref: ref.String(), Cause: cause(s, where, op, err), Err: err}
}

// explainByHost words err by the host its request went to: a push reads
// the source too (blobs, child manifests), and verify reads both sides.
func (e *Engine) explainByHost(err error, t Task, op string) error {
	var te *transport.Error
	switch {
	case errors.Is(err, verify.ErrNotFound): // verify asks the destination only
		return explain(e.dstSide, report.SideDestination, t.Destination, op, err)
	case errors.As(err, &te) && te.Request != nil && te.Request.URL.Host == t.Source.Context().RegistryStr():
		return explain(e.srcSide, report.SideSource, t.Source, op, err)
	case errors.As(err, &te):
		return explain(e.dstSide, report.SideDestination, t.Destination, op, err)
	}
	if op == "" {
		return err // a mismatch or a missing platform says what it is already
	}
	return fmt.Errorf("%s: %w", op, err)
}

// cause is what happened, without the reference: tags that failed the
// same way share it, and the summary prints it once with their count.
func cause(s *side.Side, where, op string, err error) string {
	var te *transport.Error
	if !errors.As(err, &te) {
		if errors.Is(err, verify.ErrNotFound) {
			return "not found at the " + where
		}
		return op + ": " + err.Error()
	}
	creds := ""
	if s != nil {
		creds = "; credentials used: " + s.Describe()
	}
	switch statusKind(te) {
	case report.KindNotFound:
		return notFound(te, where)
	case report.KindUnauthorized:
		return "the " + where + " registry refused the credentials (401 Unauthorized" + creds + ")"
	case report.KindDenied:
		return "the " + where + " registry denied access (403 Forbidden" + messages(te, "") + creds + ")"
	}
	if len(te.Errors) > 0 {
		return fmt.Sprintf("the %s registry answered %d %s%s", where, te.StatusCode, http.StatusText(te.StatusCode), messages(te, ": "))
	}
	// No error codes: the body's text is all there is to go on (a plain
	// HTTP request to an HTTPS port, a proxy's page), so it stays.
	return op + ": " + strings.Replace(err.Error(), " (HEAD responses have no body, use GET for details)", "", 1)
}

// notFound reads the registry's error code when it sent one (a GET has a
// body, a HEAD none: then the tag and the repository cannot be told apart).
func notFound(te *transport.Error, where string) string {
	for _, d := range te.Errors {
		switch d.Code {
		case transport.NameUnknownErrorCode:
			return "no such repository at the " + where
		case transport.ManifestUnknownErrorCode:
			return "no such tag or digest at the " + where
		case transport.BlobUnknownErrorCode:
			return "no such blob at the " + where
		}
	}
	return "not found at the " + where + " (no such tag, or no such repository)"
}

// messages are the registry's own words, without the diagnostics' details
// (Go maps printed raw, such as [map[Action:pull …]]).
func messages(te *transport.Error, sep string) string {
	var m []string
	for _, d := range te.Errors {
		if d.Message != "" && !strings.Contains(strings.Join(m, "; "), d.Message) {
			m = append(m, d.Message)
		}
	}
	if len(m) == 0 {
		return ""
	}
	if sep == "" {
		sep = ": "
	}
	return sep + strings.Join(m, "; ")
}

// copiedMsg is the log line of a copied tag: "overwritten" when the
// destination had another digest, as the dry run's plan said.
func copiedMsg(res report.Result) string {
	if res.Overwritten != "" {
		return "overwritten"
	}
	return "copied"
}
