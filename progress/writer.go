package progress

import (
	"errors"
	"io"

	"github.com/vbauerster/mpb/v8"
)

func (b *bars) writer() io.Writer { return aboveBars{b.p, b.w} }

// aboveBars prints lines above the bars while they run, then straight to
// the output once they are gone.
type aboveBars struct {
	p *mpb.Progress
	w io.Writer
}

func (a aboveBars) Write(p []byte) (int, error) {
	n, err := a.p.Write(p)
	var done mpb.ErrDone[*mpb.Progress]
	if errors.As(err, &done) {
		return a.w.Write(p)
	}
	return n, err
}
