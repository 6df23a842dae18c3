package ndview

// This file is Select, NumPy's basic slicing a[i, 1:5, ::2, None, ...] in one call, and its
// Range values.

// Range is one entry of NumPy's basic slicing: a range of one axis (start:stop:step, each
// part possibly omitted), an index that drops its axis, NewAxis or Ellipsis. Make one with R,
// From, To, I, Full, NewAxis or Ellipsis, and give a range a step with By:
//
//	NumPy          ndview
//	a[1:5]         a.Select(R(1, 5))
//	a[2:]          a.Select(From(2))
//	a[:-1]         a.Select(To(-1))
//	a[::-1]        a.Select(Full.By(-1))
//	a[5::-2]       a.Select(From(5).By(-2))
//	a[:, 3]        a.Select(Full, I(3))
//	a[-1, ..., 0]  a.Select(I(-1), Ellipsis, I(0))
//	a[None, :, 1]  a.Select(NewAxis, Full, I(1))
//
// The zero Range is Full.
type Range struct {
	start, stop int // start is also the index of an index
	step        int // 0: omitted (1); By refuses an explicit 0
	kind        rangeKind
	has         uint8 // hasStart | hasStop
}

type rangeKind uint8

const (
	rangeSlice rangeKind = iota // the zero value, so that Range{} is Full
	rangeIndex
	rangeNewAxis
	rangeEllipsis
)

const (
	hasStart = 1 << iota
	hasStop
)

// R returns the range start:stop of an axis. Negative bounds count from the end of the axis
// and bounds out of range clip, as in NumPy: R(-3, 100) is the last three elements of any
// axis of length 3 or more.
func R(start, stop int) Range { return Range{start: start, stop: stop, has: hasStart | hasStop} }

// From returns the range start: of an axis, which runs to the end (to the beginning with a
// negative step).
func From(start int) Range { return Range{start: start, has: hasStart} }

// To returns the range :stop of an axis, which starts at the beginning (at the end with a
// negative step).
func To(stop int) Range { return Range{stop: stop, has: hasStop} }

// I returns the index i of an axis, which Select drops: a[i]. A negative i counts from the
// end, so I(-1) is the last element. Unlike a range's bounds, an index does not clip:
// Select panics with ErrIndex if i is out of range.
func I(i int) Range { return Range{start: i, kind: rangeIndex} }

var (
	// Full is the whole of an axis, NumPy's ":"; Full.By(-1) reverses it, "::-1".
	Full Range
	// NewAxis inserts an axis of length 1 (and stride 0), as NumPy's None (np.newaxis)
	// does. It does not count as one of the view's axes.
	NewAxis = Range{kind: rangeNewAxis}
	// Ellipsis stands for as many Full axes as the ranges after it leave over, NumPy's
	// "...". Select takes at most one.
	Ellipsis = Range{kind: rangeEllipsis}
)

// By returns r with the given step: R(50, 150).By(2) is 50:150:2 and Full.By(-1) is ::-1.
// An omitted start or stop then takes NumPy's default for the step's sign: From(5).By(-1)
// runs from 5 down to the first element. By replaces any step r had.
//
// By panics with ErrIndex if step is 0 (NumPy's "slice step cannot be zero"), or if r is an
// index, NewAxis or Ellipsis, which have no step to give.
func (r Range) By(step int) Range {
	if r.kind != rangeSlice {
		opPanicf("By", ErrIndex, "only a range (R, From, To or Full) takes a step, not %s", r.kind)
	}
	if step == 0 {
		opPanicf("By", ErrIndex, "the step cannot be zero")
	}
	r.step = step
	return r
}

func (k rangeKind) String() string {
	switch k {
	case rangeIndex:
		return "an index (I)"
	case rangeNewAxis:
		return "NewAxis"
	case rangeEllipsis:
		return "Ellipsis"
	}
	return "a range"
}

// Select returns the view NumPy's basic slicing a[r0, r1, ...] gives, sharing memory with v:
// each Range applies to the next axis (NewAxis inserts one, Ellipsis stands for as many Full
// axes as needed), an index (I) drops its axis, and the axes after the last Range are
// whole. As in NumPy, negative bounds and indices count from the end, bounds out of range
// clip (Python's slice.indices), and an omitted start or stop takes the default for the
// step's sign. With no ranges, Select returns a view of all of v, as a[...] does.
//
//	v.Select(Full, R(100, 200), R(50, 150).By(2))   // v[:, 100:200, 50:150:2]
//	v.Select(I(-1), Ellipsis, Full.By(-1))          // v[-1, ..., ::-1]
//
// The result has NumPy's shape and strides (an axis a range empties keeps its stride, as in
// NumPy) and, unless it is empty, NumPy's offset. Like Slice, Select makes one new view (one
// allocation for a result of up to 4 dimensions) and copies nothing.
//
// Select or Slice? Select is the one to reach for when writing down a slice, above all one
// ported from NumPy: it takes several axes at once, and its bounds forgive, so To(10) of a
// shorter axis takes all of it. Slice (and Index) are the strict primitives, for code that
// computes its bounds and wants a mistake to panic rather than clip: Slice takes one axis,
// refuses bounds outside [0, n], and counts a negative step from the end of [start, stop)
// (Rust ndarray's rule, not NumPy's).
//
// Select panics with ErrIndex if an index is out of range, if there are more ranges than
// axes (NewAxis and Ellipsis aside) or more than one Ellipsis, or if the result would have
// more than MaxDims dimensions; a step of 0 is refused earlier, by By. It panics with
// ErrReleased on a released view.
func (v *View[T]) Select(r ...Range) *View[T] {
	v.live()
	nd := len(v.lay.shape)
	used, drop, add, ell := 0, 0, 0, false
	for k := range r {
		switch r[k].kind {
		case rangeSlice:
			used++
		case rangeIndex:
			used++
			drop++
		case rangeNewAxis:
			add++
		case rangeEllipsis:
			if ell {
				opPanicf("Select", ErrIndex, "an index can have only one Ellipsis")
			}
			ell = true
		}
	}
	if used > nd {
		opPanicf("Select", ErrIndex, "%d ranges and indices for a %d-d view", used, nd)
	}
	n := nd - drop + add
	if n > MaxDims {
		opPanicf("Select", ErrIndex, "the result would have %d dimensions; at most %d are allowed", n, MaxDims)
	}
	w := v.derived(n, v.lay.offset)
	shape, strides := w.lay.shape, w.lay.strides
	off := v.lay.offset
	src, dst := 0, 0 // the next axis of v and of w
	for k := range r {
		switch x := &r[k]; x.kind {
		case rangeSlice:
			m, first, step := sliceIndices(v.lay.shape[src], x.start, x.stop, x.step, x.has)
			st := v.lay.strides[src]
			shape[dst], strides[dst] = m, st
			if m > 0 {
				// NumPy's get_view_from_index; an empty result keeps offset and stride.
				off += first * st
				if s, ok := mulInt(st, step); ok {
					strides[dst] = s
				} // else m == 1 (a longer axis spans bytes of the buffer): the stride is never used
			}
			src++
			dst++
		case rangeIndex:
			d, i := v.lay.shape[src], x.start
			if i < 0 {
				i += d
			}
			if uint(i) >= uint(d) {
				opPanicf("Select", ErrIndex, "index %d out of range for axis %d of length %d", x.start, src, d)
			}
			off += i * v.lay.strides[src]
			src++
		case rangeNewAxis:
			shape[dst], strides[dst] = 1, 0
			dst++
		case rangeEllipsis:
			m := nd - used
			copy(shape[dst:dst+m], v.lay.shape[src:src+m])
			copy(strides[dst:dst+m], v.lay.strides[src:src+m])
			src += m
			dst += m
		}
	}
	copy(shape[dst:], v.lay.shape[src:])
	copy(strides[dst:], v.lay.strides[src:])
	// In a non-empty result every partial sum above is the offset of an element of v, so
	// none overflows; an empty result's offset is never used and finish clamps it.
	w.lay.offset = off
	return v.finish(w, false)
}

// sliceIndices returns the length of the result, its first index and its step for the
// slice (start, stop, step) of an axis of length n, as Python's PySlice_Unpack and
// PySlice_AdjustIndices compute them (NumPy slices with them): a step of 0 means 1 (By
// refuses an explicit 0) and one below -MaxInt is -MaxInt; an omitted start or stop (has)
// is the end the step runs from or to; negative bounds count from the end; bounds out of
// range clip to [0, n] for a positive step and to [-1, n-1] for a negative one.
func sliceIndices(n, start, stop, step int, has uint8) (m, first, st int) {
	switch {
	case step == 0:
		step = 1
	case step < -int(maxInt):
		step = -int(maxInt)
	}
	if has&hasStart == 0 {
		start = 0
		if step < 0 {
			start = n - 1
		}
	} else {
		start = clipBound(start, n, step)
	}
	if has&hasStop == 0 {
		stop = n
		if step < 0 {
			stop = -1
		}
	} else {
		stop = clipBound(stop, n, step)
	}
	// start and stop lie in [-1, n], so the differences cannot overflow.
	if step < 0 {
		if stop < start {
			m = (start-stop-1)/(-step) + 1
		}
	} else if start < stop {
		m = (stop-start-1)/step + 1
	}
	return m, start, step
}

// clipBound is one bound of PySlice_AdjustIndices: negative counts from the end, and the
// result is clipped to [0, n] (step > 0) or [-1, n-1] (step < 0).
func clipBound(i, n, step int) int {
	if i < 0 {
		i += n // n >= 0, so this cannot overflow
		if i < 0 {
			if step < 0 {
				return -1
			}
			return 0
		}
	} else if i >= n {
		if step < 0 {
			return n - 1
		}
		return n
	}
	return i
}
