package copy

import (
	"context"

	"github.com/google/go-containerregistry/pkg/v1/types"
)

// isIndex tells from what planning already learnt; only a listing that
// names several platforms but no children costs a HEAD (not a pull).
func (e *Engine) isIndex(ctx context.Context, t Task, mt types.MediaType) bool {
	switch {
	case mt != "":
		return mt.IsIndex()
	case t.Children > 0:
		return true
	case len(t.Platforms) <= 1:
		return false
	}
	d, err := e.src.Head(ctx, t.Source)
	return err == nil && d.MediaType.IsIndex()
}
