package ndview

import (
	"bytes"
	"runtime"
)

// This file holds Concatenate and Stack: one C-contiguous result, allocated once, and each
// input copied into its slot of it by copyElems, the kernel under Copy; or, when every
// input is C-contiguous in the joined block, the blocks gathered by bytes.Join, as Take
// gathers rows (see joinBlocks).

// Concatenate returns the views joined along an existing axis, as np.concatenate(vs,
// axis): a new writable, C-contiguous view whose shape is that of the inputs but along
// axis, where the lengths add up. The inputs must have the same number of dimensions and
// the same shape on every other axis; they may have any layout (strided, transposed,
// reversed, broadcast, read-only) and may be empty. A negative axis counts from the end.
// The result's data is one allocation.
//
// Concatenate panics with ErrShape if there are no inputs, the inputs are 0-d, or their
// shapes differ on another axis than axis (or in their number of dimensions), ErrIndex if
// axis is out of range, ErrOverflow if the result is too large to allocate (see
// MemoryLimit), and ErrReleased if an input is released.
func Concatenate[T Elem](axis int, vs ...*View[T]) *View[T] {
	const fn = "Concatenate"
	if len(vs) == 0 {
		opPanicf(fn, ErrShape, "need at least one view to concatenate")
	}
	for _, v := range vs {
		v.live()
	}
	first := vs[0].lay.shape
	nd := len(first)
	if nd == 0 {
		opPanicf(fn, ErrShape, "0-d views cannot be concatenated; Stack joins them along a new axis")
	}
	k := axis
	if k < 0 {
		k += nd
	}
	if k < 0 || k >= nd {
		opPanicf(fn, ErrIndex, "axis %d out of range for %d-d views", axis, nd)
	}
	var shape [MaxDims]int
	copy(shape[:], first)
	total := 0
	for i, v := range vs {
		s := v.lay.shape
		if !sameExcept(s, first, k) {
			if len(s) != nd {
				opPanicf(fn, ErrShape, "view %d has shape %v and view 0 has shape %v: all need the same number of dimensions", i, s, first)
			}
			opPanicf(fn, ErrShape, "view %d has shape %v and view 0 has shape %v: they must match on every axis but axis %d", i, s, first, axis)
		}
		var ok bool
		if total, ok = addInt(total, s[k]); !ok {
			opPanicf(fn, ErrOverflow, "axis %d of the result is longer than an int can count", axis)
		}
	}
	shape[k] = total
	if out := joinedView(fn, vs, k, shape[:nd]); out != nil {
		return out
	}
	out := newJoined[T](fn, shape[:nd])
	pos := 0
	for _, v := range vs {
		d := v.lay.shape[k]
		if v.size > 0 {
			dst := operand{out.lay.strides, pos * out.lay.strides[k]}
			copyElems[T](out.base(), dst, v.base(), v.lay.operand(), v.lay.shape)
		}
		pos += d
	}
	for _, v := range vs {
		runtime.KeepAlive(v)
	}
	return out
}

// Stack returns the views joined along a new axis, as np.stack(vs, axis): a new writable,
// C-contiguous view of NDim()+1 dimensions whose axis axis has length len(vs) and whose
// slice i along it holds vs[i]. The inputs must all have the same shape (0-d ones give a
// 1-D result); they may have any layout and may be empty. axis lies in [-(NDim()+1),
// NDim()]; a negative axis counts from the end of the result's axes. The result's data is
// one allocation.
//
// Stack panics with ErrShape if there are no inputs, their shapes differ or the result
// would have more than MaxDims dimensions, ErrIndex if axis is out of range, ErrOverflow if
// the result is too large to allocate (see MemoryLimit), and ErrReleased if an input is
// released.
func Stack[T Elem](axis int, vs ...*View[T]) *View[T] {
	const fn = "Stack"
	if len(vs) == 0 {
		opPanicf(fn, ErrShape, "need at least one view to stack")
	}
	for _, v := range vs {
		v.live()
	}
	first := vs[0].lay.shape
	for i, v := range vs {
		if !equalInts(v.lay.shape, first) {
			opPanicf(fn, ErrShape, "view %d has shape %v and view 0 has shape %v: all must have the same shape", i, v.lay.shape, first)
		}
	}
	nd := len(first) + 1
	if nd > MaxDims {
		opPanicf(fn, ErrShape, "stacking %d-d views makes %d dimensions; at most %d are allowed", nd-1, nd, MaxDims)
	}
	k := axis
	if k < 0 {
		k += nd
	}
	if k < 0 || k >= nd {
		opPanicf(fn, ErrIndex, "axis %d out of range for stacking %d-d views (a %d-d result)", axis, nd-1, nd)
	}
	var shape [MaxDims]int
	copy(shape[:k], first[:k])
	shape[k] = len(vs)
	copy(shape[k+1:nd], first[k:])
	if out := joinedView(fn, vs, k, shape[:nd]); out != nil {
		return out
	}
	out := newJoined[T](fn, shape[:nd])
	if out.size == 0 {
		return out
	}
	// Each input's slot is the result without axis k, at offset i*stride[k].
	var ds [MaxDims]int
	copy(ds[:k], out.lay.strides[:k])
	copy(ds[k:nd-1], out.lay.strides[k+1:])
	for i, v := range vs {
		dst := operand{ds[:nd-1], i * out.lay.strides[k]}
		copyElems[T](out.base(), dst, v.base(), v.lay.operand(), v.lay.shape)
	}
	for _, v := range vs {
		runtime.KeepAlive(v)
	}
	return out
}

// sameExcept reports whether shapes a and b have the same rank and agree on every axis
// but k.
func sameExcept(a, b []int, k int) bool {
	if len(a) != len(b) {
		return false
	}
	for j, d := range a {
		if j != k && d != b[j] {
			return false
		}
	}
	return true
}

// newJoined returns the zeroed C-contiguous result of fn (Concatenate or Stack) of the given
// shape, made as New makes its views: the data is one allocation, checked against
// MemoryLimit by makeElems. shape does not escape (no message formats it), so the callers'
// arrays stay on the stack.
func newJoined[T Elem](fn string, shape []int) *View[T] {
	size := 1
	for _, d := range shape {
		var ok bool
		if size, ok = mulInt(size, d); !ok {
			opPanicf(fn, ErrOverflow, "the result has more elements than an int can count")
		}
	}
	s := makeElems[T](size, fn)
	v, err := contiguous[T](bytesOf(s), shape, false, s)
	if err != nil {
		panic(within(fn, err))
	}
	return v
}

// joinedView returns the result of Concatenate or Stack along input axis k, of the given
// shape, made by joinBlocks, or nil when joinBlocks cannot make it.
func joinedView[T Elem](fn string, vs []*View[T], k int, shape []int) *View[T] {
	size := 1
	for _, d := range shape {
		var ok bool
		if size, ok = mulInt(size, d); !ok {
			opPanicf(fn, ErrOverflow, "the result has more elements than an int can count")
		}
	}
	isz, _ := itemInfo[T]()
	nb, ok := mulInt(size, isz)
	checkAlloc(nb, ok, fn)
	s := joinBlocks(vs, k, size)
	if s == nil {
		return nil
	}
	v, err := contiguous[T](bytesOf(s), shape, false, s)
	if err != nil {
		panic(within(fn, err))
	}
	for _, w := range vs {
		runtime.KeepAlive(w)
	}
	return v
}

// joinBlocks returns the data of Concatenate's or Stack's result, of size elements, when
// every non-empty input is C-contiguous from axis k on and each such block is at least
// joinMinBytes; nil otherwise. The result is, for each index of the axes before k (which
// the inputs share) in C order, each input's block in turn: a list of byte slices that
// bytes.Join joins into an allocation the runtime does not zero first (see takeJoined).
func joinBlocks[T Elem](vs []*View[T], k, size int) []T {
	if size == 0 {
		return nil
	}
	isz, _ := itemInfo[T]()
	outer := 1
	for _, d := range vs[0].lay.shape[:k] {
		outer *= d // no overflow: it divides the result's size
	}
	blocks := 0
	for _, v := range vs {
		if v.size == 0 {
			continue
		}
		inner := v.size / outer
		if inner*isz < joinMinBytes || !isCContig(v.lay.shape[k:], v.lay.strides[k:], inner, isz) {
			return nil
		}
		blocks++
	}
	pieces := make([][]byte, 0, outer*blocks)
	var o [MaxDims]int // an odometer over the axes before k, in C order, one offset per input
	offs := make([]int, len(vs))
	for i, v := range vs {
		offs[i] = v.lay.offset
	}
	shape := vs[0].lay.shape[:k]
	for range outer {
		for i, v := range vs {
			if v.size > 0 {
				nb := v.size / outer * isz
				pieces = append(pieces, v.buf[offs[i]:offs[i]+nb])
			}
		}
		for j := k - 1; j >= 0; j-- {
			o[j]++
			for i, v := range vs {
				if v.size > 0 {
					offs[i] += v.lay.strides[j]
				}
			}
			if o[j] < shape[j] {
				break
			}
			for i, v := range vs {
				if v.size > 0 {
					offs[i] -= v.lay.strides[j] * shape[j]
				}
			}
			o[j] = 0
		}
	}
	b := bytes.Join(pieces, nil)
	// b is size*isz bytes in one allocation of its own; contiguous checks its alignment.
	return runSlice[T](memOf(b), 0, size)
}
