package ndview

import (
	"math/bits"
	"runtime"
)

// This file holds NumPy's first-day elementwise operations on the walk plan: BroadcastTo,
// Fill, Convert, AsType and Apply2. Copy and Apply live in copy.go and iter.go.

// broadcastOperand returns v's operand broadcast to shape (strides written into bs, of
// len(shape)), panicking with ErrShape, in the words of fn, if v does not broadcast. With
// assign, leading axes of length 1 beyond shape's rank are dropped first, as NumPy's
// assignment (np.copyto, d[...] = s) drops them; ufuncs (Apply2) refuse them.
func (v *View[T]) broadcastOperand(fn string, shape []int, bs []int, assign bool) operand {
	if len(v.lay.shape) == len(shape) && equalInts(v.lay.shape, shape) {
		return v.lay.operand()
	}
	l := v.lay
	if assign {
		for len(l.shape) > len(shape) && l.shape[0] == 1 {
			l.shape, l.strides = l.shape[1:], l.strides[1:]
		}
	}
	if !broadcastStrides(&l, shape, bs) {
		opPanicf(fn, ErrShape, "a source of shape %v does not broadcast to shape %v", v.lay.shape, shape)
	}
	return operand{bs, v.lay.offset}
}

// BroadcastTo returns a read-only view of v with the given shape, as np.broadcast_to: dims
// are matched from the right, a dim of 1 stretches to any length (stride 0), and missing
// leading dims are added (stride 0). The view shares v's memory and holds its export.
//
// BroadcastTo returns an error wrapping ErrShape if v does not broadcast to shape (or shape
// has a negative dim or more than MaxDims), ErrOverflow if shape has more elements than an
// int counts, and ErrReleased if v is released.
func BroadcastTo[T Elem](v *View[T], shape ...int) (*View[T], error) {
	if v.released {
		return nil, opErrorf("BroadcastTo", ErrReleased, "the view is released")
	}
	if len(shape) > MaxDims {
		return nil, opErrorf("BroadcastTo", ErrShape, "%d dimensions; at most %d are allowed", len(shape), MaxDims)
	}
	if _, err := shapeSize(shape); err != nil {
		return nil, within("BroadcastTo", err)
	}
	// The validator's invariant 2 (the bytes of the non-zero dims fit an int) would refuse the
	// result; say so here as an error, not as a derived view that fails validation.
	isz, _ := itemInfo[T]()
	if hi, lo := bits.Mul64(uint64(nonzeroProduct(shape)), uint64(isz)); hi != 0 || lo > maxInt {
		return nil, opErrorf("BroadcastTo", ErrOverflow, "shape %v of %d-byte elements has more bytes than an int counts", shape, isz)
	}
	w := v.derived(len(shape), v.lay.offset)
	copy(w.lay.shape, shape)
	if !broadcastStrides(&v.lay, shape, w.lay.strides) {
		return nil, opErrorf("BroadcastTo", ErrShape, "shape %v does not broadcast to %v", v.lay.shape, shape)
	}
	return v.finish(w, true), nil
}

// Fill sets every element of dst to x, in memory order.
//
// Fill panics with ErrReadOnly if dst is read-only and ErrReleased if it is released.
func Fill[T Elem](dst *View[T], x T) {
	dst.live()
	if dst.ro {
		opPanicf("Fill", ErrReadOnly, "the view is read-only")
	}
	if dst.size == 0 {
		return
	}
	isz, _ := itemInfo[T]()
	p := dst.base()
	var w plan
	w.init(dst.lay.shape, true, dst.lay.operand())
	contiguous := w.contiguous(isz)
	for w.next() {
		if contiguous {
			s := runSlice[T](p, w.off[0], w.n)
			for i := range s {
				s[i] = x
			}
			continue
		}
		off := w.off[0]
		for range w.n {
			*at[T](p, off) = x
			off += w.inner[0]
		}
	}
	runtime.KeepAlive(dst)
}

// Apply2 sets every element of dst to f(dst element, a element, b element): one call for an
// elementwise kernel of three operands. a and b broadcast to dst's shape by NumPy's rules
// (dst never broadcasts). Elements are visited in an unspecified order (memory order, as
// NumPy's ufuncs do); f must not depend on it. A source that shares memory with dst in a
// different layout is copied first, so the result is as if all of it were read before dst
// is written.
//
// Apply2 panics with ErrShape unless a and b broadcast to dst's shape, ErrReadOnly if dst is
// read-only, and ErrReleased if any view is released, including by f (see Values).
func Apply2[T, U, W Elem](dst *View[T], a *View[U], b *View[W], f func(T, U, W) T) {
	dst.live()
	a.live()
	b.live()
	n := len(dst.lay.shape)
	var bsa, bsb [MaxDims]int
	oa := a.broadcastOperand("Apply2", dst.lay.shape, bsa[:n], false)
	ob := b.broadcastOperand("Apply2", dst.lay.shape, bsb[:n], false)
	if dst.ro {
		opPanicf("Apply2", ErrReadOnly, "the destination is read-only")
	}
	if dst.size == 0 {
		return
	}
	defer dst.loopLease().end()
	defer a.loopLease().end()
	defer b.loopLease().end()
	ra, rb := a, b // the caller's views, which f might release
	if overlaps(dst, a) && !sameElems(dst, a) {
		a = a.Clone()
		oa = a.broadcastOperand("Apply2", dst.lay.shape, bsa[:n], false)
	}
	if overlaps(dst, b) && !sameElems(dst, b) {
		b = b.Clone()
		ob = b.broadcastOperand("Apply2", dst.lay.shape, bsb[:n], false)
	}
	pd, pa, pb := dst.base(), a.base(), b.base()
	var w plan
	w.init(dst.lay.shape, true, dst.lay.operand(), oa, ob)
	seen := releases.Load()
	check := func() {
		if now := releases.Load(); now != seen {
			if dst.released || ra.released || rb.released {
				panic(errReleasedInLoop)
			}
			seen = now
		}
	}
	tsz, _ := itemInfo[T]()
	usz, _ := itemInfo[U]()
	wsz, _ := itemInfo[W]()
	contiguous := w.contiguous(tsz, usz, wsz)
	for w.next() {
		if contiguous {
			ds := runSlice[T](pd, w.off[0], w.n)
			as, bs := runSlice[U](pa, w.off[1], len(ds)), runSlice[W](pb, w.off[2], len(ds))
			for i, x := range ds {
				ds[i] = f(x, as[i], bs[i])
				check()
			}
			continue
		}
		od, o1, o2 := w.off[0], w.off[1], w.off[2]
		for range w.n {
			d := at[T](pd, od)
			*d = f(*d, *at[U](pa, o1), *at[W](pb, o2))
			check()
			od += w.inner[0]
			o1 += w.inner[1]
			o2 += w.inner[2]
		}
	}
	runtime.KeepAlive(dst)
	runtime.KeepAlive(a)
	runtime.KeepAlive(b)
}

// Convert sets dst[i] = T(src[i]) for every element, as NumPy's dst[...] = src.astype(dst's
// type) does: src broadcasts to dst's shape (dst never broadcasts), and an overlapping src is
// read in full first. Conversions are defined the same on every platform:
//
//   - floats to integers truncate toward zero; NaN gives 0, and values out of the integer
//     type's range saturate to its limits (Rust's `as`; NumPy's result there depends on the
//     CPU);
//   - integers to floats round to nearest even; so do float64 to float32 and any value to
//     Float16 or BFloat16, rounding once;
//   - integers to integers wrap, as Go's conversions do;
//   - complex to real drops the imaginary part (as NumPy does, with a warning); real to
//     complex has imaginary part 0.
//
// Runs are converted by typed loops, not a function call per element.
//
// Convert panics with ErrShape unless src broadcasts to dst's shape, ErrReadOnly if dst is
// read-only, and ErrReleased if either view is released.
func Convert[T, U Elem](dst *View[T], src *View[U]) {
	dst.live()
	src.live()
	var bs [MaxDims]int
	sop := src.broadcastOperand("Convert", dst.lay.shape, bs[:len(dst.lay.shape)], true)
	if dst.ro {
		opPanicf("Convert", ErrReadOnly, "the destination is read-only")
	}
	if dst.size == 0 {
		return
	}
	if overlaps(dst, src) && !sameElems(dst, src) {
		src = src.Clone()
		sop = src.broadcastOperand("Convert", dst.lay.shape, bs[:len(dst.lay.shape)], true)
	}
	conv := converter[T, U]()
	pd, ps := dst.base(), src.base()
	var w plan
	w.init(dst.lay.shape, true, dst.lay.operand(), sop)
	for w.next() {
		conv(pd.add(w.off[0]), ps.add(w.off[1]), w.n, w.inner[0], w.inner[1])
	}
	runtime.KeepAlive(dst)
	runtime.KeepAlive(src)
}

// AsType returns a new C-contiguous, writable view of v's values converted to U, as NumPy's
// v.astype(U): see Convert for the rules. Unlike Cast, which reinterprets the bytes, AsType
// converts the values.
//
// AsType panics with ErrReleased if v is released.
func AsType[U, T Elem](v *View[T]) *View[U] {
	v.live()
	w := New[U](v.lay.shape...)
	Convert(w, v)
	return w
}
