package ndview

import (
	"bytes"
	"runtime"
)

// This file holds Take and TakeInto, NumPy's np.take(a, indices, axis): a gather along one
// axis. The walk plan (plan.go) walks the operands without that axis (the outer and inner
// axes, in memory order, merged where they are contiguous), and each of its runs is copied
// once per index: gathering rows of a C-contiguous table is one copy() per row, and a
// conversion (TakeInto) is one converter kernel call per row, never a call per element.
// Take gathers slabs of joinMinBytes or more with bytes.Join instead (see takeJoined).

// Take returns np.take(v, indices, axis) in mode "raise": a new C-contiguous, writable view
// of shape v.Shape()[:axis] + (len(indices),) + v.Shape()[axis+1:] whose element
// [o…, j, i…] is v's element [o…, indices[j], i…]. Negative indices count from the end of
// the axis, and a negative axis from the last one. A 0-d view is taken as a 1-d view of its
// one element, as NumPy does: axis 0 or -1 and indices 0 or -1 give len(indices) copies of it.
// The data are one allocation. Its first use costs the operating system's page faults, as
// any new memory does, which can cost more than the gather itself: for repeated gathers of
// one shape (a batch of token ids, say), TakeInto into a view kept from call to call runs at
// copy() speed.
//
// Take panics with ErrIndex if axis is out of range or an index is out of range for the axis
// (any index is, on an axis of length 0). Every index is checked, even when the result is
// empty: NumPy checks none when an axis before axis has length 0. Take panics with
// ErrOverflow if the result's bytes exceed MemoryLimit, and ErrReleased if v is released.
func Take[T Elem](v *View[T], indices []int, axis int) *View[T] {
	v.live()
	ax, n := checkTake("Take", &v.lay, indices, axis)
	// The result's layout is made first, and its shape computed in place: a shape array
	// passed to contiguous would escape to the heap.
	var shape [MaxDims]int
	nd := takeShape(&v.lay, ax, len(indices), &shape)
	l := makeLayout(nd, 0)
	copy(l.shape, shape[:nd])
	size, err := shapeSize(l.shape)
	if err != nil {
		panic(within("Take", err))
	}
	isz, _ := itemInfo[T]()
	nb, ok := mulInt(size, isz)
	checkAlloc(nb, ok, "Take")
	s := takeJoined(v, ax, n, indices, size)
	gathered := s != nil
	if !gathered {
		s = makeElems[T](size, "Take") // Go aligns the allocation for T
	}
	cStrides(l.shape, l.strides, isz)
	out, err := newView[T](bytesOf(s), l, false, s)
	if err != nil {
		panic("ndview: internal error: " + err.Error())
	}
	if size > 0 && !gathered {
		takeElems(out, v, ax, n, indices)
	}
	return out
}

// joinMinBytes is the smallest slab takeJoined gathers: below it, the list of slabs would
// cost more than a twentieth of the result.
const joinMinBytes = 512

// takeJoined returns the data of Take's result, of size elements, when each slab (the
// elements of v past axis ax at one index) is one C-contiguous run of at least joinMinBytes,
// and nil otherwise (then the caller allocates and gathers). It gathers the slabs with
// bytes.Join, whose result the runtime does not zero first, as make's must be: zeroing a
// result costs as much as copying into it, and gathering the rows of a table is a copy. The
// caller has checked the result's bytes against MemoryLimit.
func takeJoined[T Elem](v *View[T], ax, n int, indices []int, size int) []T {
	if size == 0 || len(v.lay.shape) == 0 {
		return nil
	}
	isz, _ := itemInfo[T]()
	inner := 1
	for _, d := range v.lay.shape[ax+1:] {
		inner *= d // no overflow: v is not empty, and this divides its size
	}
	slab := inner * isz
	if slab < joinMinBytes || !isCContig(v.lay.shape[ax+1:], v.lay.strides[ax+1:], inner, isz) {
		return nil
	}
	outer := size / (len(indices) * inner)
	pieces := make([][]byte, 0, outer*len(indices))
	var o [MaxDims]int // an odometer over the axes before ax, in C order
	off, st := v.lay.offset, v.lay.strides
	for range outer {
		for _, i := range indices {
			if i < 0 {
				i += n
			}
			p := off + i*st[ax]
			pieces = append(pieces, v.buf[p:p+slab])
		}
		for k := ax - 1; k >= 0; k-- {
			o[k]++
			off += st[k]
			if o[k] < v.lay.shape[k] {
				break
			}
			off -= st[k] * v.lay.shape[k]
			o[k] = 0
		}
	}
	b := bytes.Join(pieces, nil)
	// b is size*isz bytes in one allocation of its own; newView checks its alignment.
	return runSlice[T](memOf(b), 0, size)
}

// TakeInto sets dst to np.take(v, indices, axis), converting each element to T as Convert
// does (a BFloat16 table gathers straight into float32); see Take for the indices, the axis
// and the shape, which dst must have. dst may share memory with v: the result is as if v
// were copied first. Every index is checked before dst is written, so a bad one leaves dst
// unchanged.
//
// TakeInto panics with ErrIndex if axis or an index is out of range, ErrShape unless dst has
// the shape of the result, ErrReadOnly if dst is read-only, and ErrReleased if either view is
// released.
func TakeInto[T, U Elem](dst *View[T], v *View[U], indices []int, axis int) {
	dst.live()
	v.live()
	ax, n := checkTake("TakeInto", &v.lay, indices, axis)
	var shape [MaxDims]int
	nd := takeShape(&v.lay, ax, len(indices), &shape)
	if !equalInts(dst.lay.shape, shape[:nd]) {
		want := append([]int(nil), shape[:nd]...) // a copy, so that shape stays on the stack
		opPanicf("TakeInto", ErrShape, "the destination has shape %v; %d indices on axis %d of a view of shape %v give shape %v",
			dst.lay.shape, len(indices), axis, v.lay.shape, want)
	}
	if dst.ro {
		opPanicf("TakeInto", ErrReadOnly, "the destination is read-only")
	}
	if dst.size == 0 {
		return
	}
	if overlaps(dst, v) {
		v = v.Clone()
	}
	takeElems(dst, v, ax, n, indices)
}

// checkTake checks the axis and the indices of a take from a view of layout l for the public
// call fn, and returns the axis, in [0, max(ndim, 1)), and its length n. A 0-d view is taken
// as a 1-d view of one element (NumPy's PyArray_CheckAxis does the same).
func checkTake(fn string, l *layout, indices []int, axis int) (ax, n int) {
	nd := max(len(l.shape), 1)
	ax = axis
	if ax < 0 {
		ax += nd
	}
	if ax < 0 || ax >= nd {
		opPanicf(fn, ErrIndex, "axis %d out of range for a %d-d view", axis, len(l.shape))
	}
	n = 1
	if len(l.shape) > 0 {
		n = l.shape[ax]
	}
	for _, i := range indices {
		if i < -n || i >= n {
			if n == 0 {
				opPanicf(fn, ErrIndex, "index %d on axis %d of length 0: nothing can be taken from an empty axis", i, ax)
			}
			opPanicf(fn, ErrIndex, "index %d out of range [-%d:%d) on axis %d", i, n, n, ax)
		}
	}
	return ax, n
}

// takeShape writes into shape the shape of a take of m indices on axis ax of a view of
// layout l, and returns its number of dimensions.
func takeShape(l *layout, ax, m int, shape *[MaxDims]int) int {
	if len(l.shape) == 0 {
		shape[0] = m
		return 1
	}
	nd := copy(shape[:], l.shape)
	shape[ax] = m
	return nd
}

// takeElems writes dst[o…, j, i…] = src[o…, indices[j], i…] for a non-empty dst of the
// right shape whose memory src does not share; the indices are checked already and n is the
// length of src's axis ax.
func takeElems[T, U Elem](dst *View[T], src *View[U], ax, n int, indices []int) {
	// The operands without axis ax: the rest of dst's shape, and both layouts' strides.
	nd := len(dst.lay.shape)
	var rest, ds, ss [MaxDims]int
	k := 0
	for a := range nd {
		if a == ax {
			continue
		}
		rest[k], ds[k] = dst.lay.shape[a], dst.lay.strides[a]
		if len(src.lay.shape) > 0 {
			ss[k] = src.lay.strides[a]
		}
		k++
	}
	dAxis, sAxis := dst.lay.strides[ax], 0
	if len(src.lay.shape) > 0 {
		sAxis = src.lay.strides[ax]
	}
	var w plan
	w.init(rest[:k], true, operand{ds[:k], dst.lay.offset}, operand{ss[:k], src.lay.offset})
	g := gather{pd: dst.base(), ps: src.base(), indices: indices, n: n, dAxis: dAxis, sAxis: sAxis}
	if _, same := any((*T)(nil)).(*U); same {
		gatherCopy[T](&g, &w)
	} else {
		gatherConv[T, U](&g, &w)
	}
	runtime.KeepAlive(dst)
	runtime.KeepAlive(src)
}

// gather is a gather's operands: run j of a slab lies at byte j*dAxis from a run of the
// plan in dst, and at indices[j]*sAxis (negative indices counting from n) in src.
type gather struct {
	pd, ps       mem
	indices      []int
	n            int
	dAxis, sAxis int
}

// gatherCopy copies every run of w once per index, for one element type: a plain copy() of
// contiguous runs, an assignment for runs of one element, a strided loop otherwise.
func gatherCopy[T Elem](g *gather, w *plan) {
	isz, _ := itemInfo[T]()
	pd, ps, n, dAxis, sAxis := g.pd, g.ps, g.n, g.dAxis, g.sAxis
	contiguous := w.contiguous(isz, isz)
	for w.next() {
		od, os := w.off[0], w.off[1]
		switch {
		case w.n == 1:
			for j, i := range g.indices {
				if i < 0 {
					i += n
				}
				*at[T](pd, od+j*dAxis) = *at[T](ps, os+i*sAxis)
			}
		case contiguous:
			nb := w.n * isz
			for j, i := range g.indices {
				if i < 0 {
					i += n
				}
				copy(runSlice[byte](pd, od+j*dAxis, nb), runSlice[byte](ps, os+i*sAxis, nb))
			}
		default:
			for j, i := range g.indices {
				if i < 0 {
					i += n
				}
				d, s := od+j*dAxis, os+i*sAxis
				for range w.n {
					*at[T](pd, d) = *at[T](ps, s)
					d += w.inner[0]
					s += w.inner[1]
				}
			}
		}
	}
}

// gatherConv converts every run of w once per index from U to T with Convert's kernel.
// Runs of one element (a gather from a 1-d view, say) are gathered convChunk at a time into
// a stack array and converted from there, so that the kernel is not called per element.
func gatherConv[T, U Elem](g *gather, w *plan) {
	conv := converter[T, U]()
	usz, _ := itemInfo[U]()
	pd, ps, n, dAxis, sAxis := g.pd, g.ps, g.n, g.dAxis, g.sAxis
	var buf [convChunk]U // on the heap (the kernel is a func value): one allocation a call
	for w.next() {
		od, os := w.off[0], w.off[1]
		if w.n == 1 {
			for j0 := 0; j0 < len(g.indices); j0 += convChunk {
				chunk := g.indices[j0:min(j0+convChunk, len(g.indices))]
				for k, i := range chunk {
					if i < 0 {
						i += n
					}
					buf[k] = *at[U](ps, os+i*sAxis)
				}
				conv(pd.add(od+j0*dAxis), memOf(buf[:]), len(chunk), dAxis, usz)
			}
			continue
		}
		for j, i := range g.indices {
			if i < 0 {
				i += n
			}
			conv(pd.add(od+j*dAxis), ps.add(os+i*sAxis), w.n, w.inner[0], w.inner[1])
		}
	}
}
