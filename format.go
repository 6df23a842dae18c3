package ndview

import (
	"fmt"
	"runtime"
	"strconv"
	"strings"
)

// Printing follows NumPy's print layout: nested brackets, rows on their own lines, elements
// right-aligned to a common width, and, past printThreshold elements, only printEdge items
// at each end of every axis with "..." between (numpy.set_printoptions' defaults). Element
// text is Go's shortest round-trip form, not NumPy's digit rules.
const (
	printThreshold = 1000
	printEdge      = 3
)

// String returns the elements in nested brackets, like NumPy's print. Past printThreshold
// elements it summarizes as NumPy does, printing printEdge items at each end of every long
// axis with "..." between, so printing a large mapped array reads only what it prints. An
// empty view prints "[]", as NumPy's str does. Printing uses memory in proportion to the
// rank and the text, never to the length of an axis. A released view prints as
// "<released view>" rather than panicking, so that it can be logged.
func (v *View[T]) String() string {
	if v.released {
		return "<released view>"
	}
	defer runtime.KeepAlive(v)
	n := len(v.lay.shape)
	if n == 0 {
		return formatElem(*v.elem(v.lay.offset))
	}
	if v.size == 0 {
		return "[]"
	}
	p := printer[T]{v: v, summarize: v.size > printThreshold}
	// Two passes over the printed elements: the first finds the common width, the second
	// writes. Nothing is kept between them but the width.
	p.measure(0, v.lay.offset)
	p.b.Grow(p.count * (p.width + 1))
	p.write(0, v.lay.offset)
	return p.b.String()
}

// printer walks the printed elements of a view.
type printer[T Elem] struct {
	v         *View[T]
	summarize bool
	width     int // widest element text
	count     int // elements printed
	b         strings.Builder
}

// printed returns the number of entries printed for an axis of length d: its indices, or,
// when summarizing a long axis, printEdge of them at each end and one "..." between.
func (p *printer[T]) printed(d int) int {
	if p.summarize && d > 2*printEdge {
		return 2*printEdge + 1
	}
	return d
}

// index returns the index of an axis of length d that entry i prints, or -1 for "...".
func (p *printer[T]) index(i, d int) int {
	if !p.summarize || d <= 2*printEdge || i < printEdge {
		return i
	}
	if i == printEdge {
		return -1
	}
	return d - (2*printEdge + 1 - i)
}

// measure finds the width of the printed elements of the sub-array at byte offset off
// whose first axis is axis.
func (p *printer[T]) measure(axis, off int) {
	l := &p.v.lay
	d := l.shape[axis]
	for i := range p.printed(d) {
		k := p.index(i, d)
		if k < 0 {
			continue
		}
		o := off + k*l.strides[axis]
		if axis == len(l.shape)-1 {
			p.width = max(p.width, len(formatElem(*p.v.elem(o))))
			p.count++
		} else {
			p.measure(axis+1, o)
		}
	}
}

// write prints the sub-array at byte offset off whose first axis is axis.
func (p *printer[T]) write(axis, off int) {
	l := &p.v.lay
	n := len(l.shape)
	d := l.shape[axis]
	p.b.WriteByte('[')
	for i := range p.printed(d) {
		if i > 0 {
			if axis == n-1 {
				p.b.WriteByte(' ')
			} else {
				for range n - 1 - axis {
					p.b.WriteByte('\n')
				}
				for range axis + 1 {
					p.b.WriteByte(' ')
				}
			}
		}
		k := p.index(i, d)
		if k < 0 {
			p.b.WriteString("...")
			continue
		}
		o := off + k*l.strides[axis]
		if axis == n-1 {
			s := formatElem(*p.v.elem(o))
			for range p.width - len(s) {
				p.b.WriteByte(' ')
			}
			p.b.WriteString(s)
		} else {
			p.write(axis+1, o)
		}
	}
	p.b.WriteByte(']')
}

func formatElem[T Elem](x T) string {
	switch y := any(x).(type) {
	case float32:
		return strconv.FormatFloat(float64(y), 'g', -1, 32)
	case float64:
		return strconv.FormatFloat(y, 'g', -1, 64)
	case complex64:
		return strconv.FormatComplex(complex128(y), 'g', -1, 64)
	case complex128:
		return strconv.FormatComplex(y, 'g', -1, 128)
	}
	return fmt.Sprint(x) // integers, and named types through fmt's %v
}
