package ndview

import (
	"fmt"
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

// String returns the elements in nested brackets, like NumPy's print. A released view
// prints as "<released view>" rather than panicking, so that it can be logged.
func (v *View[T]) String() string {
	if v.released {
		return "<released view>"
	}
	summarize := v.size > printThreshold
	// Format every printed element first, to find the common width.
	var cells []string
	width := 0
	v.visitPrinted(summarize, func(x T) {
		s := formatElem(x)
		width = max(width, len(s))
		cells = append(cells, s)
	})
	var b strings.Builder
	n := len(v.lay.shape)
	if n == 0 {
		return cells[0]
	}
	next := 0
	var rec func(axis int)
	rec = func(axis int) {
		b.WriteByte('[')
		d := v.lay.shape[axis]
		idx := printedIndices(d, summarize)
		for i, k := range idx {
			if i > 0 {
				if axis == n-1 {
					b.WriteByte(' ')
				} else {
					b.WriteString(strings.Repeat("\n", n-1-axis))
					b.WriteString(strings.Repeat(" ", axis+1))
				}
			}
			if k < 0 {
				b.WriteString("...")
				continue
			}
			if axis == n-1 {
				fmt.Fprintf(&b, "%*s", width, cells[next])
				next++
			} else {
				rec(axis + 1)
			}
		}
		b.WriteByte(']')
	}
	rec(0)
	return b.String()
}

// printedIndices lists the indices of an axis that are printed, -1 standing for "...".
func printedIndices(d int, summarize bool) []int {
	if summarize && d > 2*printEdge {
		idx := make([]int, 0, 2*printEdge+1)
		for i := range printEdge {
			idx = append(idx, i)
		}
		idx = append(idx, -1)
		for i := d - printEdge; i < d; i++ {
			idx = append(idx, i)
		}
		return idx
	}
	idx := make([]int, d)
	for i := range idx {
		idx[i] = i
	}
	return idx
}

// visitPrinted calls f for every printed element, in C order.
func (v *View[T]) visitPrinted(summarize bool, f func(T)) {
	n := len(v.lay.shape)
	idx := make([]int, n)
	var rec func(axis int)
	rec = func(axis int) {
		if axis == n {
			f(*v.elem(v.offsetOf(idx)))
			return
		}
		for _, k := range printedIndices(v.lay.shape[axis], summarize) {
			if k >= 0 {
				idx[axis] = k
				rec(axis + 1)
			}
		}
	}
	rec(0)
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
