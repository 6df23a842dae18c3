package ndview

import "runtime"

// This file is the bridge to libraries that describe arrays as a slice and element strides
// (gonum, BLAS, LAPACK, image.RGBA): Raw hands a view's memory out, FromSliceStrided takes
// such memory in.

// Raw returns the view's memory as a []T that starts at element (0, …, 0) and ends at the
// view's last element, with the strides counted in elements: element idx is
// data[Σ idx[k]*strides[k]]. An empty view gives nil data. The slice aliases the view; it
// keeps Go memory alive by itself, but memory lent by an Exporter (a mapped file, say) stays
// valid only while the view, or a Hold taken with HoldFor or Pin, is alive: the slice is the
// caller's to keep no longer than that.
//
// Raw returns an error wrapping ErrReleased for a released view, ErrReadOnly for a read-only
// one (the slice would let it be written: use UnsafeRaw to read one), and ErrStrides if a
// stride of an axis longer than 1 is negative or not a whole number of elements. Axes of
// length 1 report stride 0 when theirs is not usable; it is never used.
func (v *View[T]) Raw() (data []T, strides []int, err error) {
	if !v.released && v.ro {
		return nil, nil, opErrorf("Raw", ErrReadOnly, "the view is read-only; use UnsafeRaw to read it, or Clone() it to write")
	}
	return v.raw("Raw")
}

// UnsafeRaw is Raw for views that may be read-only: the caller must not write through the
// data of a read-only view (the memory may be a string or a read-only mapping, where a write
// crashes the program).
func (v *View[T]) UnsafeRaw() (data []T, strides []int, err error) { return v.raw("UnsafeRaw") }

func (v *View[T]) raw(fn string) (data []T, strides []int, err error) {
	if v.released {
		return nil, nil, opErrorf(fn, ErrReleased, "the view is released")
	}
	isz, _ := itemInfo[T]()
	strides = make([]int, len(v.lay.shape))
	n := 1 // elements from (0, …, 0) to the last one, inclusive
	for k, d := range v.lay.shape {
		s := v.lay.strides[k]
		if d <= 1 {
			if s >= 0 && s%isz == 0 {
				strides[k] = s / isz
			}
			continue
		}
		if s < 0 || s%isz != 0 {
			return nil, nil, opErrorf(fn, ErrStrides, "stride %d of axis %d is not a non-negative multiple of the %d-byte element", s, k, isz)
		}
		strides[k] = s / isz
		n += strides[k] * (d - 1) // bounded by the buffer (invariant 3)
	}
	if v.size == 0 {
		return nil, strides, nil
	}
	// unsafe.Slice from the first element: by invariant 3 the n elements lie in buf.
	data = unsafeSlice(v.elem(v.lay.offset), n)
	runtime.KeepAlive(v)
	return data, strides, nil
}

// FromSliceStrided returns a writable view of s whose element (0, …, 0) is s[offset], with
// strides counted in elements (any sign), like NumPy's as_strided over an array of T.
//
// FromSliceStrided returns the errors of NewStrided, and ErrOverflow if a stride in bytes
// overflows.
func FromSliceStrided[T Elem](s []T, offset int, shape, strides []int) (*View[T], error) {
	isz, _ := itemInfo[T]()
	if len(strides) != len(shape) {
		return nil, opErrorf("FromSliceStrided", ErrStrides, "%d strides for %d dimensions", len(strides), len(shape))
	}
	if len(shape) > MaxDims {
		return nil, opErrorf("FromSliceStrided", ErrShape, "%d dimensions; at most %d are allowed", len(shape), MaxDims)
	}
	off, ok := mulInt(offset, isz)
	if !ok {
		return nil, opErrorf("FromSliceStrided", ErrOverflow, "offset %d overflows", offset)
	}
	l := makeLayout(len(shape), off)
	copy(l.shape, shape)
	for k, st := range strides {
		if l.strides[k], ok = mulInt(st, isz); !ok {
			return nil, opErrorf("FromSliceStrided", ErrOverflow, "stride %d of axis %d overflows", st, k)
		}
	}
	v, err := newView[T](bytesOf(s), l, false, s)
	if err != nil {
		return nil, within("FromSliceStrided", err)
	}
	return v, nil
}
