package ndview

import "math/bits"

// This file is the arithmetic of layouts: shapes, byte strides and offsets. It is pure
// integer code, with no unsafe and no generics, so that it can be tested and fuzzed alone.

// MaxDims is the largest number of dimensions a view may have (NumPy's limit since 2.0).
const MaxDims = 64

// layout maps an n-dimensional index to a byte offset: offset + Σ idx[k]*strides[k].
// It is a plain value kept apart from the data pointer, as std::mdspan keeps its mapping
// apart from its accessor.
type layout struct {
	shape   []int
	strides []int // in bytes, any sign
	offset  int   // bytes from the start of the buffer to element (0, …, 0)
}

// makeLayout returns a layout of n dimensions whose shape and strides share one allocation.
func makeLayout(n, offset int) layout {
	dims := make([]int, 2*n)
	return layout{shape: dims[:n:n], strides: dims[n:], offset: offset}
}

// geometry is what check learns about a valid layout.
type geometry struct {
	size   int  // number of elements
	unique bool // no two indices reach the same byte
}

// check is the one validator every view passes through. It enforces invariants 1 to 4 of
// View (see ndview.go) for a layout over a buffer of bufLen bytes whose first byte lies
// misalign bytes past a multiple of align. It never panics; each failure is an *Error
// wrapping ErrShape, ErrStrides, ErrOverflow or ErrMisaligned.
//
// With derived set, the layout comes from a valid view by Slice, Index, Transpose or
// Reshape, which keep a unique layout unique (each selects a subset of the source's
// elements, or renames them), so the uniqueness test is skipped and reported true: a
// derived view of a writable (hence unique) view needs no new test, and one of a read-only
// view stays read-only whatever the answer.
func (l layout) check(bufLen, itemSize, align, misalign int, derived bool) (geometry, error) {
	n := len(l.shape)
	// Invariant 1: the shape is sane.
	if n > MaxDims {
		return geometry{}, errorf(ErrShape, "%d dimensions; at most %d are allowed", n, MaxDims)
	}
	if len(l.strides) != n {
		return geometry{}, errorf(ErrStrides, "%d strides for %d dimensions", len(l.strides), n)
	}
	size, err := shapeSize(l.shape)
	if err != nil {
		return geometry{}, err
	}
	// Invariant 2: the byte count cannot overflow. As in NumPy ("array is too big"), this
	// holds for the non-zero dims of an empty view too.
	if hi, lo := bits.Mul64(uint64(nonzeroProduct(l.shape)), uint64(itemSize)); hi != 0 || lo > maxInt {
		return geometry{}, errorf(ErrOverflow, "%d elements of %d bytes overflow int", size, itemSize)
	}
	if size == 0 {
		// Invariant 3 for an empty view: nothing is ever dereferenced and no pointer is
		// formed, so only the offset needs to lie within (or just past) the buffer.
		if l.offset < 0 || l.offset > bufLen {
			return geometry{}, errorf(ErrStrides, "offset %d outside a buffer of %d bytes", l.offset, bufLen)
		}
		return geometry{size: 0, unique: true}, nil
	}
	// Invariant 3: every reachable byte lies inside the buffer. The extremes are reached
	// at the corners; axes of length 1 contribute nothing, whatever their stride.
	lo, hi := l.offset, l.offset
	for k, d := range l.shape {
		if d == 1 {
			continue
		}
		ext, ok := mulInt(l.strides[k], d-1)
		if !ok {
			return geometry{}, errorf(ErrOverflow, "stride %d over %d elements of axis %d overflows int", l.strides[k], d, k)
		}
		if ext < 0 {
			lo, ok = addInt(lo, ext)
		} else {
			hi, ok = addInt(hi, ext)
		}
		if !ok {
			return geometry{}, errorf(ErrOverflow, "byte span of the layout overflows int")
		}
	}
	end, ok := addInt(hi, itemSize)
	if !ok {
		return geometry{}, errorf(ErrOverflow, "byte span of the layout overflows int")
	}
	if lo < 0 {
		return geometry{}, errorf(ErrStrides, "layout reaches byte %d, before the start of the buffer", lo)
	}
	if end > bufLen {
		return geometry{}, errorf(ErrStrides, "layout reaches byte %d, past the end of a buffer of %d bytes", end-1, bufLen)
	}
	// Invariant 4: every element is aligned. Strides of axes of length 1 are never used.
	if (misalign+l.offset%align)%align != 0 {
		return geometry{}, errorf(ErrMisaligned, "offset %d is not aligned to %d bytes", l.offset, align)
	}
	for k, d := range l.shape {
		if d > 1 && l.strides[k]%align != 0 {
			return geometry{}, errorf(ErrMisaligned, "stride %d of axis %d is not a multiple of the alignment %d", l.strides[k], k, align)
		}
	}
	return geometry{size: size, unique: derived || isUnique(l.shape, l.strides, itemSize)}, nil
}

const maxInt = uint64(^uint(0) >> 1)

// shapeSize returns the product of shape, checking that every dimension is non-negative
// and, as NumPy does, that the product of the non-zero dimensions does not overflow (so a
// shape with a 0 still cannot hide an absurd dimension).
func shapeSize(shape []int) (int, error) {
	size, zero := 1, false
	for k, d := range shape {
		if d < 0 {
			return 0, errorf(ErrShape, "negative dimension %d on axis %d", d, k)
		}
		if d == 0 {
			zero = true
			continue
		}
		var ok bool
		if size, ok = mulInt(size, d); !ok {
			return 0, errorf(ErrOverflow, "shape %v has more elements than an int can count", shape)
		}
	}
	if zero {
		return 0, nil
	}
	return size, nil
}

// nonzeroProduct returns the product of the non-zero dims of a shape that shapeSize
// accepted (so it cannot overflow).
func nonzeroProduct(shape []int) int {
	p := 1
	for _, d := range shape {
		if d != 0 {
			p *= d
		}
	}
	return p
}

func mulInt(a, b int) (int, bool) {
	if a == 0 || b == 0 {
		return 0, true
	}
	c := a * b
	if c/b != a || (a == -1 && b == minInt) || (b == -1 && a == minInt) {
		return 0, false
	}
	return c, true
}

func addInt(a, b int) (int, bool) {
	c := a + b
	if (c > a) != (b > 0) {
		return 0, false
	}
	return c, true
}

const minInt = -int(maxInt) - 1

// isUnique reports whether no two indices of a non-empty layout reach overlapping bytes. It
// is a sufficient test, as NumPy's and ndarray's are: sorted by |stride|, each axis must
// step past everything the smaller axes reach. A layout that fails it may still be unique,
// but is treated as overlapping (and its views are read-only).
func isUnique(shape, strides []int, itemSize int) bool {
	var axes [MaxDims]int
	m := 0
	for k, d := range shape {
		if d > 1 {
			axes[m] = k
			m++
		}
	}
	a := axes[:m]
	// Insertion sort by |stride|: m is at most 64 and usually tiny.
	for i := 1; i < m; i++ {
		for j := i; j > 0 && absInt(strides[a[j]]) < absInt(strides[a[j-1]]); j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
	reach := itemSize // bytes covered by the axes so far, from the lowest element
	for _, k := range a {
		s := absInt(strides[k])
		if s < reach {
			return false
		}
		// The span cannot overflow: check has bounded it by the buffer length.
		reach = s*(shape[k]-1) + reach
	}
	return true
}

func absInt(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// cStrides fills strides with the C-order strides of shape, as NumPy does: a dimension of 0
// counts as 1, so that strides stay meaningful for empty arrays.
func cStrides(shape, strides []int, itemSize int) {
	s := itemSize
	for k := len(shape) - 1; k >= 0; k-- {
		strides[k] = s
		if shape[k] > 0 {
			s *= shape[k]
		}
	}
}

// fStrides is cStrides for Fortran order.
func fStrides(shape, strides []int, itemSize int) {
	s := itemSize
	for k := range shape {
		strides[k] = s
		if shape[k] > 0 {
			s *= shape[k]
		}
	}
}

// isCContig follows CPython's PyBuffer_IsContiguous(view, 'C'): an empty view is
// contiguous, axes of length 1 are ignored, and the others must have C-order strides.
func isCContig(shape, strides []int, size, itemSize int) bool {
	if size == 0 {
		return true
	}
	sd := itemSize
	for k := len(shape) - 1; k >= 0; k-- {
		d := shape[k]
		if d > 1 && strides[k] != sd {
			return false
		}
		sd *= d
	}
	return true
}

// isFContig is isCContig for Fortran order.
func isFContig(shape, strides []int, size, itemSize int) bool {
	if size == 0 {
		return true
	}
	sd := itemSize
	for k, d := range shape {
		if d > 1 && strides[k] != sd {
			return false
		}
		sd *= d
	}
	return true
}

// sliceAxis returns the length, offset change and stride of axis (n, stride) after
// Rust ndarray's slice semantics: take [start, stop), then every |step|-th element, from the
// end when step < 0. The caller has checked 0 <= start <= stop <= n and step != 0. An empty
// result keeps the offset and stride, as NumPy's get_view_from_index does.
func sliceAxis(stride, start, stop, step int) (n, dOff, newStride int) {
	if start == stop {
		return 0, 0, stride
	}
	m := stop - start
	a := step
	if a < 0 {
		a = -a
	}
	n = m / a
	if m%a != 0 {
		n++
	}
	first := start
	if step < 0 {
		first = stop - 1
	}
	newStride, ok := mulInt(stride, step)
	if !ok {
		// Only possible when n <= 1 (otherwise the stride spans bytes of the buffer), where
		// the stride is never used.
		newStride = stride
	}
	return n, first * stride, newStride
}

// inferShape resolves one -1 in newShape against size, as NumPy's _fix_unknown_dimension
// does, writing the result into newShape.
func inferShape(newShape []int, size int) error {
	unknown := -1
	known := 1
	for k, d := range newShape {
		switch {
		case d == -1:
			if unknown >= 0 {
				return errorf(ErrShape, "can only specify one unknown dimension in %v", newShape)
			}
			unknown = k
		case d < 0:
			return errorf(ErrShape, "negative dimension %d in %v", d, newShape)
		default:
			var ok bool
			if known, ok = mulInt(known, d); !ok {
				return errorf(ErrOverflow, "shape %v has more elements than an int can count", newShape)
			}
		}
	}
	if unknown >= 0 {
		if known == 0 || size%known != 0 {
			return errorf(ErrShape, "cannot reshape %d elements into shape %v", size, newShape)
		}
		newShape[unknown] = size / known
	} else if known != size {
		return errorf(ErrShape, "cannot reshape %d elements into shape %v", size, newShape)
	}
	return nil
}

// reshapeStrides returns the strides a view of (shape, strides) takes on for newShape without
// copying, or ok == false when NumPy would have to copy. newShape is resolved already and has
// the same number of elements. The rules are NumPy 1.24's for assigning a.shape: a
// C-contiguous view gets fresh C strides (even for its own shape); any other view goes
// through _attempt_nocopy_reshape.
func reshapeStrides(shape, strides []int, size, itemSize int, newShape, newStrides []int) bool {
	if isCContig(shape, strides, size, itemSize) {
		cStrides(newShape, newStrides, itemSize)
		return true
	}
	// _attempt_nocopy_reshape, C order. Axes of length 1 are dropped from the old shape
	// first: their strides do not matter.
	var od, os [MaxDims]int
	oldN := 0
	for k, d := range shape {
		if d != 1 {
			od[oldN], os[oldN] = d, strides[k]
			oldN++
		}
	}
	newN := len(newShape)
	oi, oj, ni, nj := 0, 1, 0, 1
	for ni < newN && oi < oldN {
		np, op := newShape[ni], od[oi]
		for np != op {
			if np < op {
				np *= newShape[nj] // misses trailing 1s, handled below
				nj++
			} else {
				op *= od[oj]
				oj++
			}
		}
		// The old axes oi..oj-1 must be combinable into one.
		for ok := oi; ok < oj-1; ok++ {
			if os[ok] != od[ok+1]*os[ok+1] {
				return false
			}
		}
		newStrides[nj-1] = os[oj-1]
		for nk := nj - 1; nk > ni; nk-- {
			newStrides[nk-1] = newStrides[nk] * newShape[nk]
		}
		ni = nj
		nj++
		oi = oj
		oj++
	}
	last := itemSize
	if ni >= 1 {
		last = newStrides[ni-1]
	}
	for nk := ni; nk < newN; nk++ {
		newStrides[nk] = last
	}
	return true
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// extent returns the first byte and one past the last byte a non-empty layout reaches.
func (l layout) extent(itemSize int) (lo, end int) {
	lo, hi := l.offset, l.offset
	for k, d := range l.shape {
		if e := l.strides[k] * (d - 1); e < 0 {
			lo += e
		} else {
			hi += e
		}
	}
	return lo, hi + itemSize
}

func hasZero(shape []int) bool {
	for _, d := range shape {
		if d == 0 {
			return true
		}
	}
	return false
}
