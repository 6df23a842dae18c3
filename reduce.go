package ndview

import (
	"math"
	"runtime"

	"golang.org/x/exp/constraints"
)

// This file holds the reductions' API: Sum, Prod, Min, Max, Mean, ArgMin, ArgMax and Reduce,
// and how each decides its axes, its result and its accumulator. Their walk is in
// reduce_plan.go, the sums' kernels in reduce_sum.go, the extrema in reduce_extrema.go. Each
// reduction builds its walk on the plan (plan.go) and runs small typed kernels over it:
//
//   - the result is a new C-contiguous view of the kept axes; the axes of the input are
//     ordered kept axes first, reduced axes after, so that one position of the kept outer
//     axes is one group of result cells and the reduced axes enumerate what folds into it;
//   - when the finest axis of the input (the smallest stride) is reduced, the inner run is a
//     reduced axis and each result cell folds whole runs ("run mode": a pairwise sum of a
//     contiguous row, say); when it is a kept axis, the run is moved innermost and each row of
//     the reduced axes folds elementwise into a run of result cells ("vector mode": the sum
//     along axis 0 of a C-contiguous matrix adds rows);
//   - floating-point sums combine runs, and rows in blocks of cascadeRows, with a binary
//     counter (a pairwise sum over runs), so that their error stays within the pairwise
//     bound whatever the layout.

// Real is the set of element types with an order, for Min, Max, ArgMin, ArgMax and Mean:
// Go's integer and floating-point types. Float16 and BFloat16 satisfy it through their
// uint16 and are compared as floats (by value, NaN first), never as integers.
type Real interface {
	constraints.Integer | constraints.Float
}

// Sum returns the sum of v's elements over the given axes, as np.sum(v, axis=axes): a new
// C-contiguous view with those axes removed. With no axes it sums all of them into a 0-d view
// (read it with At()). Negative axes count from the end. The sum of no elements is 0.
//
// Floating-point sums are pairwise, as NumPy 1.24's are. For a C-contiguous float32,
// float64, complex64 or complex128 view, Sum over all axes equals np.sum bit for bit: like
// NumPy, it adds in order, starting from 0, the sums of consecutive chunks of 8192 elements,
// each summed pairwise with 8 running sums (complex parts separately), in T (float32 sums
// accumulate in float32, as NumPy's do); so the sum of -0.0 is +0.0, as in NumPy. Over other
// layouts and along axes, sums are pairwise along the runs of the walk, and the runs (or rows)
// of each result cell are combined pairwise, so each result s of N elements x stays within
//
//	|s - Σx| ≤ (34 + 2⌈log₂N⌉ + ⌈N/8192⌉)·u·Σ|x|
//
// (to first order; u = 2⁻⁵³ for float64, 2⁻²⁴ for float32 and complex64). NumPy adds rows
// one after another when the reduced axis is not the innermost, so its error there grows
// with N, and the results can differ in the last bits (they often agree: on a view that is
// one contiguous block in any axis order, or along the last axis of a C-contiguous view).
//
// Integer sums wrap around as Go's arithmetic does, in T: NumPy widens the sums of smaller
// integers to 64 bits (np.sum of int8 is an int64); convert with AsType first to widen.
//
// Sum panics with ErrIndex if an axis is out of range or repeated, and ErrReleased if v is
// released.
func Sum[T Elem](v *View[T], axes ...int) *View[T] {
	v.live()
	r := newReduction("Sum", &v.lay, axes)
	out := newResult[T]("Sum", r.shape)
	if out.size == 0 || v.size == 0 {
		return out // zeros
	}
	kind := accumOf[T]()
	if kind == accHalf {
		return AsType[T](Sum(AsType[float32](v), axes...)) // see Half precision, above accumOf
	}
	var rp rplan
	rp.init(&v.lay, &r.mask, out.lay.strides, true)
	p := v.base()
	buf := scratch[T](&rp)
	row := func(acc []T, first bool, off int) {
		addRow(acc, first, load[T](p, off, len(acc), rp.in, buf))
	}
	if kind == accInt {
		// Integer sums are exact (modulo 2^bits) in any order.
		foldWalk(&rp, out, func(acc T, first bool, off int) T {
			if first {
				acc = 0
			}
			for n, o := rp.n, off; n > 0; {
				c := min(n, chunkLen)
				acc += sumInts(load[T](p, o, c, rp.in, buf))
				o += c * rp.in
				n -= c
			}
			return acc
		}, row)
	} else {
		isComplex := kind == accComplex
		cascadeWalk(&rp, out, v.size*sizeOf[T](), func() cascadeKernels[T] {
			buf := scratch[T](&rp)
			k := cascadeKernels[T]{
				run: func(off int) T {
					return sumRun[T](p, off, rp.n, rp.in, buf, isComplex)
				},
				row: func(acc []T, first bool, off int) {
					addRow(acc, first, load[T](p, off, len(acc), rp.in, buf))
				},
			}
			if rp.in == sizeOf[T]() && !isComplex {
				k.rows4 = rowsAt[T](p)
				if rp.n <= chunkLen {
					k.runs4 = func(offs [4]int) [4]T { return sumRuns4[T](p, offs, rp.n) }
				}
			}
			return k
		})
	}
	runtime.KeepAlive(v)
	return out
}

// Prod returns the product of v's elements over the given axes (all of them when none are
// given), as np.prod(v, axis=axes); see Sum for the shape of the result. The product of no
// elements is 1.
//
// Floating-point products multiply one element after another, as NumPy does, so the product
// of a whole C-contiguous view equals np.prod's (but for complex64, which Go multiplies in
// float64, rounding once: the last bits may differ). Integer products wrap around in T, where
// NumPy widens smaller integers to 64 bits.
//
// Prod panics with ErrIndex if an axis is out of range or repeated, and ErrReleased if v is
// released.
func Prod[T Elem](v *View[T], axes ...int) *View[T] {
	v.live()
	r := newReduction("Prod", &v.lay, axes)
	out := newResult[T]("Prod", r.shape)
	if out.size == 0 {
		return out
	}
	if v.size == 0 {
		Fill(out, 1)
		return out
	}
	kind := accumOf[T]()
	if kind == accHalf {
		return AsType[T](Prod(AsType[float32](v), axes...)) // see Half precision, above accumOf
	}
	var rp rplan
	rp.init(&v.lay, &r.mask, out.lay.strides, true)
	p := v.base()
	buf := scratch[T](&rp)
	foldWalk(&rp, out, func(acc T, first bool, off int) T {
		if first {
			acc = 1
		}
		for n, o := rp.n, off; n > 0; {
			c := min(n, chunkLen)
			s := load[T](p, o, c, rp.in, buf)
			if kind == accInt {
				acc *= prodInts(s)
			} else {
				acc = prodFloats(acc, s)
			}
			o += c * rp.in
			n -= c
		}
		return acc
	}, func(acc []T, first bool, off int) {
		s := load[T](p, off, len(acc), rp.in, buf)
		if first {
			copy(acc, s)
			return
		}
		prodRows(acc, s)
	})
	runtime.KeepAlive(v)
	return out
}

// Max returns the largest of v's elements over the given axes (all of them when none are
// given), as np.max(v, axis=axes); see Sum for the shape of the result. A NaN among the
// elements makes the result NaN, as in NumPy. Of equal maxima only +0 and -0 differ: the
// result is the last of them in C order, as NumPy's scalar loop gives (NumPy's SIMD loops
// may return another).
//
// Max panics with ErrShape when a reduced axis has length 0 and the result is not empty
// (NumPy raises there; a reduction into an empty result is fine), ErrIndex if an axis is out
// of range or repeated, and ErrReleased if v is released.
func Max[T Real](v *View[T], axes ...int) *View[T] {
	v.live()
	return extreme(v, "Max", axes, true)
}

// Min returns the smallest of v's elements over the given axes: Max's rules, mirrored.
//
// Min panics as Max does.
func Min[T Real](v *View[T], axes ...int) *View[T] {
	v.live()
	return extreme(v, "Min", axes, false)
}

// Mean returns the arithmetic mean of v's elements over the given axes (all of them when none
// are given), as np.mean(v, axis=axes): Sum's pairwise sum, accumulated in float64, divided by
// the number of elements. For float64 views it is Sum divided by N, so for a C-contiguous view
// over all axes it equals np.mean bit for bit. The mean of float32 elements is a float64
// accumulated in float64 (NumPy accumulates and returns float32); integers are converted
// to float64 first, as NumPy does. The mean of no elements is NaN, as in NumPy (which also
// warns).
//
// Mean panics with ErrIndex if an axis is out of range or repeated, and ErrReleased if v is
// released.
func Mean[T Real](v *View[T], axes ...int) *View[float64] {
	v.live()
	r := newReduction("Mean", &v.lay, axes)
	out := newResult[float64]("Mean", r.shape)
	if out.size == 0 {
		return out
	}
	res := runSlice[float64](out.base(), 0, out.size)
	if v.size == 0 {
		for i := range res {
			res[i] = math.NaN()
		}
		return out
	}
	kind := accumOf[T]()
	if kind == accHalf {
		return Mean(AsType[float32](v), axes...) // see Half precision, above accumOf
	}
	var rp rplan
	rp.init(&v.lay, &r.mask, out.lay.strides, true)
	p := v.base()
	isz := sizeOf[T]()
	wide := kind == accFloat && isz == 8 // float64 itself (or a named type over it)
	cascadeWalk(&rp, out, v.size*isz, func() cascadeKernels[float64] {
		buf := scratch[T](&rp)
		var conv []float64
		if !wide {
			conv = make([]float64, min(rp.n, chunkLen))
		}
		run := func(off int) float64 {
			if wide {
				return float64(sumRun[T](p, off, rp.n, rp.in, buf, false))
			}
			var acc float64
			for n, o := rp.n, off; n > 0; {
				c := min(n, chunkLen)
				s := load[T](p, o, c, rp.in, buf)
				d := conv[:len(s)]
				for i, x := range s {
					d[i] = float64(x)
				}
				acc += pairwise(d)
				o += c * rp.in
				n -= c
			}
			return acc
		}
		row := func(acc []float64, first bool, off int) {
			s := load[T](p, off, len(acc), rp.in, buf)
			s = s[:len(acc)]
			if first {
				for j := range acc {
					acc[j] = float64(s[j])
				}
				return
			}
			for j := range acc {
				acc[j] += float64(s[j])
			}
		}
		k := cascadeKernels[float64]{run: run, row: row}
		if wide && rp.in == isz { // T is float64, or a type over it
			k.rows4 = rowsAt[float64](p)
			if rp.n <= chunkLen {
				k.runs4 = func(offs [4]int) [4]float64 { return sumRuns4[float64](p, offs, rp.n) }
			}
		}
		return k
	})
	n := float64(v.size / out.size)
	for i := range res {
		res[i] /= n
	}
	runtime.KeepAlive(v)
	return out
}

// ArgMax returns the multi-index of v's largest element, the first in C order if several
// are equal, or of its first NaN in C order if it has one, as
// np.unravel_index(np.argmax(v), v.shape). A 0-d view gives an empty index.
//
// ArgMax panics with ErrShape if v is empty and ErrReleased if v is released.
func ArgMax[T Real](v *View[T]) []int {
	v.live()
	return argExtreme(v, "ArgMax", true)
}

// ArgMin returns the multi-index of v's smallest element: ArgMax's rules, mirrored.
//
// ArgMin panics as ArgMax does.
func ArgMin[T Real](v *View[T]) []int {
	v.live()
	return argExtreme(v, "ArgMin", false)
}

// Reduce folds v's elements over the given axes (all of them when none are given) with f,
// starting each result cell from init: for each cell, acc = f(acc, x) for its elements x in
// C order of the reduced axes. The order in which the cells are visited is unspecified (the
// walk follows the memory layout where it can). See Sum for the shape of the result; a cell
// with no elements holds init.
//
// Reduce panics with ErrIndex if an axis is out of range or repeated, and ErrReleased if v is
// released, including by f (see Values).
func Reduce[T, A Elem](v *View[T], init A, f func(A, T) A, axes ...int) *View[A] {
	v.live()
	r := newReduction("Reduce", &v.lay, axes)
	out := newResult[A]("Reduce", r.shape)
	if out.size == 0 {
		return out
	}
	if v.size == 0 {
		Fill(out, init)
		return out
	}
	defer v.loopLease().end()
	var rp rplan
	rp.init(&v.lay, &r.mask, out.lay.strides, false)
	p := v.base()
	foldWalk(&rp, out, func(acc A, first bool, off int) A {
		if first {
			acc = init
		}
		for range rp.n {
			acc = f(acc, *at[T](p, off))
			if v.released {
				panic(errReleasedInLoop)
			}
			off += rp.in
		}
		return acc
	}, func(acc []A, first bool, off int) {
		for j := range acc {
			a := acc[j]
			if first {
				a = init
			}
			acc[j] = f(a, *at[T](p, off))
			if v.released {
				panic(errReleasedInLoop)
			}
			off += rp.in
		}
	})
	runtime.KeepAlive(v)
	return out
}

// reduction is what a reduction's axes say: which input axes are reduced and the result's
// shape.
type reduction struct {
	mask  [MaxDims]bool
	shape []int
}

// newReduction reads the axes of a reduction of a view of layout l (all of them when there
// are none), panicking with ErrIndex, in the words of fn, for one out of range or repeated.
func newReduction(fn string, l *layout, axes []int) reduction {
	var r reduction
	nd := len(l.shape)
	if len(axes) == 0 {
		for k := range nd {
			r.mask[k] = true
		}
	}
	for _, a := range axes {
		k := a
		if k < 0 {
			k += nd
		}
		if k < 0 || k >= nd {
			opPanicf(fn, ErrIndex, "axis %d out of range for a %d-d view", a, nd)
		}
		if r.mask[k] {
			opPanicf(fn, ErrIndex, "axis %d repeated in %v", a, axes)
		}
		r.mask[k] = true
	}
	r.shape = make([]int, 0, nd)
	for k, d := range l.shape {
		if !r.mask[k] {
			r.shape = append(r.shape, d)
		}
	}
	return r
}

// newResult returns a zeroed C-contiguous view of the given shape for fn's result.
func newResult[A Elem](fn string, shape []int) *View[A] {
	size, err := shapeSize(shape)
	if err != nil {
		panic(err) // unreachable: the shape is part of a valid view's
	}
	s := makeElems[A](size, fn)
	v, err := contiguous[A](bytesOf(s), shape, false, s)
	if err != nil {
		panic(err)
	}
	return v
}

// accum is how a reduction computes with an element type.
type accum uint8

const (
	accInt     accum = iota // integers: exact, wrapping in T
	accFloat                // float32 and float64: in T, pairwise for sums
	accComplex              // complex64 and complex128: in T, pairwise in each part for sums
	accHalf                 // narrow floats: Float16, BFloat16, Float8E4M3, Float8E5M2
)

// Narrow floats (Float16, BFloat16 and the float8 types): the reductions widen the view to float32 (exactly; a
// copy of it, twice the size), reduce that, and convert the result back to T, rounding once:
// sums and products accumulate in float32, as NumPy's HALF loops do (NumPy also rounds to
// half precision between its 8192-element chunks, so very long sums may differ from it in
// the last bit); Min, Max, ArgMin and ArgMax compare values as floats, never as the bits;
// Mean is Mean of the float32 values. accumOf sends them here by their DType.

// accumOf decides how reductions compute with T, by its DType: the one place that sorts
// element types for them.
func accumOf[T Elem]() accum {
	d := DTypeOf[T]()
	switch d.Kind() {
	case KindFloat:
		if d.class.IsNarrow() {
			return accHalf
		}
		return accFloat
	case KindComplex:
		return accComplex
	}
	return accInt
}
