package progress

import (
	"io"

	"github.com/mattn/go-runewidth"
	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
)

// overallBarWidth is the overall bar's width when the terminal has room;
// mpb narrows it when not.
const overallBarWidth = 30

// addOverall adds the overall bar and the line of counts under it.
func (b *bars) addOverall() *mpb.Bar {
	// The first decorator takes the view for the whole frame, so that the
	// bar's two lines agree even if a sync lands mid-frame. A bar's
	// decorators and extender run one after the other, on one goroutine.
	var frame *view
	return b.p.New(0, mpb.BarStyle(), mpb.BarWidth(overallBarWidth),
		mpb.PrependDecorators(decor.Any(func(decor.Statistics) string {
			frame = b.current.Load()
			return frame.overallPrefix()
		})),
		mpb.AppendDecorators(decor.Any(func(decor.Statistics) string { return frame.overallSuffix() })),
		mpb.BarBtmExtender(mpb.BarFillerFunc(func(w io.Writer, s decor.Statistics) error {
			// mpb fits decorators to the terminal, not extender lines, and
			// a wrapped line would throw its cursor arithmetic off.
			line := runewidth.Truncate(frame.details(), s.AvailableWidth-1, "…")
			_, err := io.WriteString(w, line+"\n")
			return err
		})),
	)
}

// addRepo adds the line of a repository in flight.
func (b *bars) addRepo(r repoCounts) *mpb.Bar {
	spin := decor.Spinner(nil)
	// last keeps the counts for a frame drawn after the repository left
	// the view, as the one that removes its line is.
	last := r
	return b.p.New(0, mpb.NopStyle(),
		mpb.PrependDecorators(decor.Any(func(s decor.Statistics) string {
			frame, _ := spin.Decor(s)
			v := b.current.Load()
			if r, ok := v.repo(last.Name); ok {
				last = r
			}
			width := v.width
			if width == 0 { // gone from the view: its own width
				width = min(len([]rune(last.Name)), maxNameWidth)
			}
			return "  " + frame + " " + padName(last.Name, width)
		})),
		mpb.AppendDecorators(decor.Any(func(decor.Statistics) string { return last.repoLine() })),
	)
}
