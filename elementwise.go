package ndview

import (
	"math/bits"
)

// This file holds NumPy's first-day elementwise operations on the walk plan: BroadcastTo,
// Fill, Convert, AsType and Apply2. Copy and Apply live in copy.go and iter.go.

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
	var e engine
	e.begin("Fill", false, true)
	addOperand(&e, dst, bcSame)
	if !e.ready(true) {
		return
	}
	p := e.ptr[0]
	each1(&e, func(s []T) bool {
		if !fillVec(s, x) {
			fillRun(s, x)
		}
		return true
	}, func(off, step, n int) bool {
		for range n {
			*at[T](p, off) = x
			off += step
		}
		return true
	})
	e.done()
}

// fillChunk is the bytes fillRun sets by a loop and by doubling before it copies: a page,
// which stays in the first-level cache while it is copied from.
const fillChunk = 4096

// fillRun sets every element of s to x where no fill kernel does (arm64, x86-64 without
// AVX2, -tags noasm, runs under 64 bytes): a loop sets the first elements, copy() doubles
// them to fillChunk bytes, and copy() repeats that chunk over the rest, so the stores are
// memmove's, which every Go port vectorizes. A loop of s[i] = x stores one element at a
// time, one byte a store for a uint8 run: on AMD EPYC (family 25, model 1), with the
// vector kernels off, 16 MiB of uint8 took 5.3-5.7 ms by the loop and 0.37-0.40 ms this way.
func fillRun[T Elem](s []T, x T) {
	k := fillChunk / sizeOf[T]() // every element size divides a page
	if len(s) < 16 {
		for i := range s {
			s[i] = x
		}
		return
	}
	for i := range 16 {
		s[i] = x
	}
	first := min(len(s), k)
	for n := 16; n < first; n *= 2 {
		copy(s[n:first], s[:n])
	}
	for i := first; i < len(s); i += first {
		copy(s[i:], s[:first])
	}
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
	var e engine
	e.begin("Apply2", true, true)
	addOperand(&e, dst, bcSame)
	addOperand(&e, a, bcUfunc)
	addOperand(&e, b, bcUfunc)
	if !e.ready(true) {
		return
	}
	defer e.done()
	p0, p1, p2 := e.ptr[0], e.ptr[1], e.ptr[2]
	each3(&e, func(d []T, as []U, bs []W) bool {
		as, bs = as[:len(d)], bs[:len(d)]
		for i, x := range d {
			d[i] = f(x, as[i], bs[i])
			e.check()
		}
		return true
	}, func(o0, s0, o1, s1, o2, s2, n int) bool {
		for range n {
			d := at[T](p0, o0)
			*d = f(*d, *at[U](p1, o1), *at[W](p2, o2))
			e.check()
			o0, o1, o2 = o0+s0, o1+s1, o2+s2
		}
		return true
	})
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
	var e engine
	e.begin("Convert", false, true)
	addOperand(&e, dst, bcSame)
	addOperand(&e, src, bcAssign)
	if !e.ready(true) {
		return
	}
	conv := converter[T, U]()
	p0, p1 := e.ptr[0], e.ptr[1]
	each2[T, U](&e, nil, func(o0, s0, o1, s1, n int) bool {
		conv(p0.add(o0), p1.add(o1), n, s0, s1)
		return true
	})
	e.done()
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
