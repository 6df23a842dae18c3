package ndview

import (
	"math"
	"math/bits"
	"runtime"
	"sync"

	"golang.org/x/exp/constraints"
)

// This file holds the reductions: Sum, Prod, Min, Max, Mean, ArgMin, ArgMax and Reduce. Each
// one builds its walk on the plan (plan.go) and runs small typed kernels over it:
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
		cascadeWalk(&rp, out, func(off int) T {
			return sumRun[T](p, off, rp.n, rp.in, buf, isComplex)
		}, row)
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
				for _, x := range s {
					acc *= x
				}
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
		s = s[:len(acc)]
		for j := range acc {
			acc[j] *= s[j]
		}
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
	buf := scratch[T](&rp)
	wide := kind == accFloat && isz == 8 // float64 itself (or a named type over it)
	var conv []float64
	if !wide {
		conv = make([]float64, min(rp.n, chunkLen))
	}
	cascadeWalk(&rp, out, func(off int) float64 {
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
	}, func(acc []float64, first bool, off int) {
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

const (
	// chunkLen is NumPy's buffer size (np.getbufsize()): its sums add up chunks of this many
	// elements, each summed pairwise. Strided runs are also copied this many at a time.
	chunkLen = 8192
	// pwBlock is NumPy's PW_BLOCKSIZE: pairwise sums of up to this many elements use 8
	// running sums.
	pwBlock = 128
	// cascadeRows is the number of rows added one after another before a block of rows joins
	// the pairwise cascade, in vector mode.
	cascadeRows = 16
	// tileElems bounds the scratch of vector mode (a tile of result cells times the cascade
	// levels), to stay in the L2 cache.
	tileElems = 32 << 10
)

// rplan is the walk of one reduction, built on the walk plan: the result cells come in groups
// (one position of kept, the kept outer axes), and each group folds what the reduced outer
// axes (red) enumerate: runs of n elements (run mode) or, in vector mode, rows of n elements
// that fold elementwise into the group's n cells.
type rplan struct {
	vec   bool
	n     int // elements in a run or row
	in    int // byte stride along a run or row, in the input
	out   int // byte stride along a row's cells in the result (vector mode)
	offIn int // byte offset of the input's first element in the walk
	kept  odo
	red   odo
}

// odo is an odometer over some outer axes of a reduction's walk, in C order.
type odo struct {
	nd   int
	n    int // positions: the product of dims
	dims [MaxDims]int
	in   [MaxDims]int // byte strides in the input
	out  [MaxDims]int // byte strides in the result (kept axes)
}

func (o *odo) add(d, in, out int) {
	o.dims[o.nd], o.in[o.nd], o.out[o.nd] = d, in, out
	o.nd++
	o.n *= d
}

// step moves idx to the next position in C order, and the offsets with it; from the last
// position it wraps around to the first.
func (o *odo) step(idx *[MaxDims]int, in, out *int) {
	for k := o.nd - 1; k >= 0; k-- {
		idx[k]++
		*in += o.in[k]
		*out += o.out[k]
		if idx[k] < o.dims[k] {
			return
		}
		*in -= o.in[k] * o.dims[k]
		*out -= o.out[k] * o.dims[k]
		idx[k] = 0
	}
}

// init builds the walk of a reduction of the non-empty layout l over the axes in mask into a
// result whose strides, one per kept axis, are outStrides. With sorted, the reduced axes are
// walked in memory order (nditer's ordering by stride; no axis is flipped, as in NumPy's
// reductions), which keeps the runs long and contiguous; otherwise in C order, so that each
// result cell meets its elements in C order.
func (rp *rplan) init(l *layout, mask *[MaxDims]bool, outStrides []int, sorted bool) {
	var kept, red [MaxDims]int
	var os [MaxDims]int
	nk, nr, j := 0, 0, 0
	for k, d := range l.shape {
		if mask[k] {
			if d != 1 {
				red[nr] = k
				nr++
			}
			continue
		}
		os[k] = outStrides[j]
		j++
		if d != 1 {
			kept[nk] = k
			nk++
		}
	}
	in := [1]operand{{l.strides, l.offset}}
	if sorted {
		for i := 1; i < nr; i++ {
			for j := i; j > 0 && outside(in[:], red[j], red[j-1]); j-- {
				red[j], red[j-1] = red[j-1], red[j]
			}
		}
	}
	// Vector mode when a kept axis is finer than the run axis run mode would take.
	inner := -1
	if nk > 0 && nr > 0 {
		fine := func(k int) uint {
			return uint(absInt(l.strides[k])) - 1 // a stride of 0 is the coarsest
		}
		for _, k := range kept[:nk] {
			if inner < 0 || fine(k) <= fine(inner) {
				inner = k
			}
		}
		if fine(inner) >= fine(red[nr-1]) {
			inner = -1
		}
	}
	var shape, sIn, sOut [MaxDims]int
	n := 0
	put := func(k int) {
		shape[n], sIn[n], sOut[n] = l.shape[k], l.strides[k], os[k]
		n++
	}
	for _, k := range kept[:nk] {
		if k != inner {
			put(k)
		}
	}
	for _, k := range red[:nr] {
		put(k)
	}
	if inner >= 0 {
		put(inner)
	}
	var p plan
	p.init(shape[:n], false, operand{sOut[:n], 0}, operand{sIn[:n], l.offset})
	rp.n, rp.out, rp.in, rp.offIn = p.n, p.inner[0], p.inner[1], p.off[1]
	rp.vec = rp.out != 0
	rp.kept = odo{n: 1}
	rp.red = odo{n: 1}
	// The plan keeps the order given and merges kept axes only with kept ones (a reduced
	// axis has result stride 0, a kept one does not), so the kept axes lead.
	k := 0
	for ; k < p.nd && p.str[0][k] != 0; k++ {
		rp.kept.add(p.dims[k], p.str[1][k], p.str[0][k])
	}
	for ; k < p.nd; k++ {
		rp.red.add(p.dims[k], p.str[1][k], 0)
	}
}

// scratch returns room for copies of the strided runs and rows of rp, or nil if they are
// all contiguous.
func scratch[T Elem](rp *rplan) []T {
	if rp.in == sizeOf[T]() || rp.n == 1 {
		return nil
	}
	return make([]T, min(rp.n, chunkLen))
}

// load returns the n elements at byte offset off of p with byte stride st: the memory itself
// when they are contiguous, else a copy in buf (from scratch; n <= len(buf)).
func load[T Elem](p mem, off, n, st int, buf []T) []T {
	if st == sizeOf[T]() || n == 1 {
		return runSlice[T](p, off, n)
	}
	b := buf[:n]
	for i := range b {
		b[i] = *at[T](p, off)
		off += st
	}
	return b
}

// foldWalk runs a reduction that folds each result cell's elements in walk order. In run
// mode run(acc, first, off) folds the run at input offset off into acc (first: acc holds
// nothing yet); in vector mode row(acc, first, off) folds the row at off into the cells acc,
// elementwise.
func foldWalk[A Elem](rp *rplan, out *View[A], run func(A, bool, int) A, row func([]A, bool, int)) {
	po := out.base()
	var kidx [MaxDims]int
	ki, ko := rp.offIn, 0
	if !rp.vec {
		for range rp.kept.n {
			var acc A
			var ridx [MaxDims]int
			ri, ro := ki, 0
			for r := range rp.red.n {
				acc = run(acc, r == 0, ri)
				rp.red.step(&ridx, &ri, &ro)
			}
			*at[A](po, ko) = acc
			rp.kept.step(&kidx, &ki, &ko)
		}
		return
	}
	tile := min(rp.n, chunkLen)
	acc := make([]A, tile)
	for range rp.kept.n {
		for t0 := 0; t0 < rp.n; t0 += tile {
			a := acc[:min(tile, rp.n-t0)]
			var ridx [MaxDims]int
			ri, ro := ki+t0*rp.in, 0
			for r := range rp.red.n {
				row(a, r == 0, ri)
				rp.red.step(&ridx, &ri, &ro)
			}
			o := ko + t0*rp.out
			for _, x := range a {
				*at[A](po, o) = x
				o += rp.out
			}
		}
		rp.kept.step(&kidx, &ki, &ko)
	}
}

// cascadeWalk runs a sum: in run mode each result cell is the pairwise combination of
// run(off) over its runs; in vector mode blocks of cascadeRows rows are added one after
// another (row, as in foldWalk) and the blocks are combined pairwise. Each result is 0 + the
// sum, so that -0 sums to +0 as in NumPy.
func cascadeWalk[A Elem](rp *rplan, out *View[A], run func(int) A, row func([]A, bool, int)) {
	po := out.base()
	var zero A
	var kidx [MaxDims]int
	ki, ko := rp.offIn, 0
	if !rp.vec {
		var c cascade[A]
		for range rp.kept.n {
			c.have = 0
			var ridx [MaxDims]int
			ri, ro := ki, 0
			for range rp.red.n {
				c.push(run(ri))
				rp.red.step(&ridx, &ri, &ro)
			}
			*at[A](po, ko) = zero + c.total()
			rp.kept.step(&kidx, &ki, &ko)
		}
		return
	}
	levels := bits.Len(uint(rp.red.n/cascadeRows)) + 1
	tile := min(rp.n, chunkLen, max(256, tileElems/(levels+1)))
	buf := make([]A, tile*(levels+1))
	for range rp.kept.n {
		for t0 := 0; t0 < rp.n; t0 += tile {
			blk := buf[:min(tile, rp.n-t0)]
			var have uint64
			cnt := 0
			var ridx [MaxDims]int
			ri, ro := ki+t0*rp.in, 0
			for range rp.red.n {
				row(blk, cnt == 0, ri)
				cnt++
				if cnt == cascadeRows {
					pushRows(buf[tile:], tile, blk, &have)
					cnt = 0
				}
				rp.red.step(&ridx, &ri, &ro)
			}
			// Combine the partial block and the levels, smallest first.
			started := cnt > 0
			for k := 0; have != 0; k++ {
				if have&(1<<k) == 0 {
					continue
				}
				have &^= 1 << k
				lv := buf[tile*(k+1):][:len(blk)]
				if !started {
					copy(blk, lv)
					started = true
					continue
				}
				for j := range blk {
					blk[j] = lv[j] + blk[j]
				}
			}
			o := ko + t0*rp.out
			for _, x := range blk {
				*at[A](po, o) = zero + x
				o += rp.out
			}
		}
		rp.kept.step(&kidx, &ki, &ko)
	}
}

// pushRows adds the block sum blk to the binary counter of block sums whose level k is
// levels[k*tile:], carrying as a binary counter does; blk is clobbered.
func pushRows[A Elem](levels []A, tile int, blk []A, have *uint64) {
	k := 0
	for *have&(1<<k) != 0 {
		lv := levels[k*tile:][:len(blk)]
		for j := range blk {
			blk[j] = lv[j] + blk[j]
		}
		*have &^= 1 << k
		k++
	}
	copy(levels[k*tile:][:len(blk)], blk)
	*have |= 1 << k
}

// cascade sums values pairwise as they come, as a binary counter: level k holds the sum of
// 2^k values.
type cascade[A Elem] struct {
	have uint64
	lev  [64]A
}

func (c *cascade[A]) push(x A) {
	k := 0
	for c.have&(1<<k) != 0 {
		x = c.lev[k] + x
		c.have &^= 1 << k
		k++
	}
	c.lev[k] = x
	c.have |= 1 << k
}

// total returns the sum of everything pushed, adding the levels smallest first.
func (c *cascade[A]) total() A {
	var s A
	started := false
	for k := 0; k < 64; k++ {
		if c.have&(1<<k) == 0 {
			continue
		}
		if !started {
			s, started = c.lev[k], true
			continue
		}
		s = c.lev[k] + s
	}
	return s
}

// sumRun returns NumPy's sum of the n elements at off (stride st): starting from 0, the
// pairwise sums of consecutive chunks of chunkLen elements, added in order.
func sumRun[T Elem](p mem, off, n, st int, buf []T, isComplex bool) T {
	if isz := sizeOf[T](); st == isz && !isComplex && n >= 2*chunkLen {
		if w := splitWorkers(n * isz); w > 1 {
			return sumChunks(runSlice[T](p, off, n), w)
		}
	}
	var acc T
	for n > 0 {
		c := min(n, chunkLen)
		s := load[T](p, off, c, st, buf)
		if isComplex {
			acc += pairwiseComplex(s)
		} else {
			acc += pairwise(s)
		}
		off += c * st
		n -= c
	}
	return acc
}

// sumChunks is sumRun of a contiguous run on w goroutines: the chunks' pairwise sums are
// computed in parallel, then added in order from 0, exactly as sumRun adds them, so the
// result is the same, bit for bit, on any number of cores.
func sumChunks[T Elem](a []T, w int) T {
	nc := (len(a) + chunkLen - 1) / chunkLen
	part := make([]T, nc)
	sums := func(k0, k1 int) {
		for k := k0; k < k1; k++ {
			part[k] = pairwise(a[k*chunkLen : min((k+1)*chunkLen, len(a))])
		}
	}
	per := (nc + w - 1) / w
	var wg sync.WaitGroup
	for k := per; k < nc; k += per {
		wg.Add(1)
		go func(k0, k1 int) {
			defer wg.Done()
			sums(k0, k1)
		}(k, min(k+per, nc))
	}
	sums(0, min(per, nc))
	wg.Wait()
	var acc T
	for _, x := range part {
		acc += x
	}
	return acc
}

// pairwise returns NumPy 1.24's pairwise sum of a real a (pairwise_sum in
// numpy/core/src/umath/loops_utils.h.src): fewer than 8 elements one by one from 0; up to
// pwBlock with 8 running sums over strides of 8, combined as ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7)),
// then the rest one by one; above that, split at n/2 rounded down to a multiple of 8.
func pairwise[T Elem](a []T) T {
	if len(a) < 8 {
		var res T
		for _, x := range a {
			res += x
		}
		return res
	}
	if len(a) <= pwBlock {
		r0, r1, r2, r3, r4, r5, r6, r7 := a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]
		m := len(a) - len(a)%8
		for i := 8; i < m; i += 8 {
			b := a[i : i+8 : i+8]
			r0 += b[0]
			r1 += b[1]
			r2 += b[2]
			r3 += b[3]
			r4 += b[4]
			r5 += b[5]
			r6 += b[6]
			r7 += b[7]
		}
		res := ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
		for _, x := range a[m:] {
			res += x
		}
		return res
	}
	n2 := len(a) / 2
	n2 -= n2 % 8
	return pairwise(a[:n2]) + pairwise(a[n2:])
}

// pairwiseComplex is NumPy's pairwise sum of complex a: the same algorithm over the parts
// (NumPy counts 2n reals and keeps 8 running sums, 4 per part), which in complex elements is:
// fewer than 4 one by one from 0; up to pwBlock/2 with 4 running sums combined as
// (r0+r1)+(r2+r3), then the rest; above that, split at (n - n%8)/2. Go adds complex numbers
// part by part, as NumPy does.
func pairwiseComplex[T Elem](a []T) T {
	if len(a) < 4 {
		var res T
		for _, x := range a {
			res += x
		}
		return res
	}
	if len(a) <= pwBlock/2 {
		r0, r1, r2, r3 := a[0], a[1], a[2], a[3]
		m := len(a) - len(a)%4
		for i := 4; i < m; i += 4 {
			b := a[i : i+4 : i+4]
			r0 += b[0]
			r1 += b[1]
			r2 += b[2]
			r3 += b[3]
		}
		res := (r0 + r1) + (r2 + r3)
		for _, x := range a[m:] {
			res += x
		}
		return res
	}
	n2 := (len(a) - len(a)%8) / 2
	return pairwiseComplex(a[:n2]) + pairwiseComplex(a[n2:])
}

// addRow adds s into acc elementwise (copies it when first).
func addRow[T Elem](acc []T, first bool, s []T) {
	if first {
		copy(acc, s)
		return
	}
	s = s[:len(acc)]
	for j := range acc {
		acc[j] += s[j]
	}
}

// sumInts returns the wrapping sum of integers, with 4 running sums.
func sumInts[T Elem](s []T) T {
	var a0, a1, a2, a3 T
	m := len(s) - len(s)%4
	for i := 0; i < m; i += 4 {
		b := s[i : i+4 : i+4]
		a0 += b[0]
		a1 += b[1]
		a2 += b[2]
		a3 += b[3]
	}
	for _, x := range s[m:] {
		a0 += x
	}
	return (a0 + a1) + (a2 + a3)
}

// prodInts returns the wrapping product of integers, with 4 running products.
func prodInts[T Elem](s []T) T {
	var a0, a1, a2, a3 T = 1, 1, 1, 1
	m := len(s) - len(s)%4
	for i := 0; i < m; i += 4 {
		b := s[i : i+4 : i+4]
		a0 *= b[0]
		a1 *= b[1]
		a2 *= b[2]
		a3 *= b[3]
	}
	for _, x := range s[m:] {
		a0 *= x
	}
	return (a0 * a1) * (a2 * a3)
}

// extreme is Max (isMax) or Min.
func extreme[T Real](v *View[T], fn string, axes []int, isMax bool) *View[T] {
	r := newReduction(fn, &v.lay, axes)
	out := newResult[T](fn, r.shape)
	if out.size == 0 {
		return out
	}
	if v.size == 0 {
		opPanicf(fn, ErrShape, "an axis of length 0 (a view of shape %v) has no element to return; NumPy raises here too (a reduction into an empty result is fine)", v.lay.shape)
	}
	kind := accumOf[T]()
	if kind == accHalf {
		return AsType[T](extreme(AsType[float32](v), fn, axes, isMax)) // exact both ways
	}
	var rp rplan
	rp.init(&v.lay, &r.mask, out.lay.strides, true)
	extremeWalk(v, &rp, out, isMax)
	if kind == accFloat {
		signZeros(v, &r.mask, out)
	}
	runtime.KeepAlive(v)
	return out
}

// extremeWalk computes Max or Min into out along rp, NaN first, zeros of either sign.
func extremeWalk[T Real](v *View[T], rp *rplan, out *View[T], isMax bool) {
	p := v.base()
	buf := scratch[T](rp)
	runVal := func(acc T, first bool, off int) T {
		for n, o := rp.n, off; n > 0; {
			c := n
			if rp.in != sizeOf[T]() && n > 1 {
				c = min(n, chunkLen)
			}
			s := load[T](p, o, c, rp.in, buf)
			x := extremeSlice(s, isMax)
			switch {
			case first:
				acc, first = x, false
			case acc != acc: // NaN stays
			case x != x || (isMax && x > acc) || (!isMax && x < acc):
				acc = x
			}
			o += c * rp.in
			n -= c
		}
		return acc
	}
	row := func(acc []T, first bool, off int) {
		s := load[T](p, off, len(acc), rp.in, buf)
		if first {
			copy(acc, s)
			return
		}
		s = s[:len(acc)]
		if isMax {
			for j, x := range s {
				if a := acc[j]; !(x <= a) && a == a { // x > a, or x is the first NaN
					acc[j] = x
				}
			}
			return
		}
		for j, x := range s {
			if a := acc[j]; !(x >= a) && a == a {
				acc[j] = x
			}
		}
	}
	foldWalk(rp, out, runVal, row)
}

// extremeSlice is maxSlice (isMax) or minSlice of the non-empty s; a run of more than
// parallelBytes is split across goroutines, and the parts' results combined as the
// elements are: a NaN wins, else the larger (smaller). Which of +0 and -0 is returned is
// settled afterwards by signZeros, so the split cannot change the result.
func extremeSlice[T Real](s []T, isMax bool) T {
	one := func(s []T) T {
		if isMax {
			return maxSlice(s)
		}
		return minSlice(s)
	}
	w := splitWorkers(len(s) * sizeOf[T]())
	if w < 2 {
		return one(s)
	}
	part := make([]T, w)
	per := (len(s) + w - 1) / w
	var wg sync.WaitGroup
	for k := 1; k < w; k++ {
		wg.Add(1)
		go func(k int) {
			defer wg.Done()
			part[k] = one(s[min(k*per, len(s)-1):min((k+1)*per, len(s))])
		}(k)
	}
	part[0] = one(s[:per])
	wg.Wait()
	acc := part[0]
	for _, x := range part[1:] {
		switch {
		case acc != acc:
		case x != x || (isMax && x > acc) || (!isMax && x < acc):
			acc = x
		}
	}
	return acc
}

// maxSlice returns the largest element of the non-empty s, or its first NaN. It keeps 8
// running maxima and a NaN probe, the running sum of the elements, which turns NaN if an
// element is NaN (or infinities of both signs meet, or the sum overflows into them): only
// then does it look for a NaN.
func maxSlice[T Real](s []T) T {
	m0 := s[0]
	var p T
	i := 0
	if len(s) >= 16 {
		m1, m2, m3, m4, m5, m6, m7 := s[1], s[2], s[3], s[4], s[5], s[6], s[7]
		p = ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]))
		m := len(s) - len(s)%8
		for i = 8; i < m; i += 8 {
			b := s[i : i+8 : i+8]
			x0, x1, x2, x3, x4, x5, x6, x7 := b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]
			p += ((x0 + x1) + (x2 + x3)) + ((x4 + x5) + (x6 + x7))
			if x0 > m0 {
				m0 = x0
			}
			if x1 > m1 {
				m1 = x1
			}
			if x2 > m2 {
				m2 = x2
			}
			if x3 > m3 {
				m3 = x3
			}
			if x4 > m4 {
				m4 = x4
			}
			if x5 > m5 {
				m5 = x5
			}
			if x6 > m6 {
				m6 = x6
			}
			if x7 > m7 {
				m7 = x7
			}
		}
		for _, x := range [...]T{m1, m2, m3, m4, m5, m6, m7} {
			if x > m0 {
				m0 = x
			}
		}
	}
	for _, x := range s[i:] {
		p += x
		if x > m0 {
			m0 = x
		}
	}
	if p != p {
		return firstNaN(s, m0)
	}
	return m0
}

// minSlice is maxSlice for the smallest element.
func minSlice[T Real](s []T) T {
	m0 := s[0]
	var p T
	i := 0
	if len(s) >= 16 {
		m1, m2, m3, m4, m5, m6, m7 := s[1], s[2], s[3], s[4], s[5], s[6], s[7]
		p = ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]))
		m := len(s) - len(s)%8
		for i = 8; i < m; i += 8 {
			b := s[i : i+8 : i+8]
			x0, x1, x2, x3, x4, x5, x6, x7 := b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]
			p += ((x0 + x1) + (x2 + x3)) + ((x4 + x5) + (x6 + x7))
			if x0 < m0 {
				m0 = x0
			}
			if x1 < m1 {
				m1 = x1
			}
			if x2 < m2 {
				m2 = x2
			}
			if x3 < m3 {
				m3 = x3
			}
			if x4 < m4 {
				m4 = x4
			}
			if x5 < m5 {
				m5 = x5
			}
			if x6 < m6 {
				m6 = x6
			}
			if x7 < m7 {
				m7 = x7
			}
		}
		for _, x := range [...]T{m1, m2, m3, m4, m5, m6, m7} {
			if x < m0 {
				m0 = x
			}
		}
	}
	for _, x := range s[i:] {
		p += x
		if x < m0 {
			m0 = x
		}
	}
	if p != p {
		return firstNaN(s, m0)
	}
	return m0
}

// firstNaN returns the first NaN of s, or m if there is none.
func firstNaN[T Real](s []T, m T) T {
	for _, x := range s {
		if x != x {
			return x
		}
	}
	return m
}

// signZeros gives each zero among the results of Max or Min (float elements) the sign of the
// last zero among its elements in C order, as NumPy's scalar loops do: the kernels return
// a zero of either sign. Only the cells that are zero are looked at again, from their end.
func signZeros[T Real](v *View[T], mask *[MaxDims]bool, out *View[T]) {
	res := runSlice[T](out.base(), 0, out.size)
	zeros := false
	for _, x := range res {
		zeros = zeros || x == 0
	}
	if !zeros {
		return
	}
	// kept walks the cells in C order; back walks a cell's elements in reverse C order from
	// its last one, at offset last from the cell's first.
	kept, back := odo{n: 1}, odo{n: 1}
	last := 0
	for k, d := range v.lay.shape {
		s := v.lay.strides[k]
		switch {
		case !mask[k]:
			kept.add(d, s, 0)
		case d > 1:
			back.add(d, -s, 0)
			last += s * (d - 1)
		}
	}
	p := v.base()
	var kidx, bidx [MaxDims]int
	ki, ko := v.lay.offset, 0
	for c := range res {
		if res[c] == 0 {
			clear(bidx[:back.nd])
			o, bo := ki+last, 0
			for range back.n {
				if x := *at[T](p, o); x == 0 {
					res[c] = x
					break
				}
				back.step(&bidx, &o, &bo)
			}
		}
		kept.step(&kidx, &ki, &ko)
	}
}

// findFirstIndex walks the elements of the layout (shape, strides, offset) over p in C order
// and returns the byte offset and C index of the first that equals x (or, with nan, is NaN).
func findFirstIndex[T Real](p mem, shape, strides []int, offset int, x T, nan bool) (off, index int, ok bool) {
	var w plan
	w.init(shape, false, operand{strides, offset})
	isz := sizeOf[T]()
	base := 0
	for w.next() {
		if w.inner[0] == isz || w.n == 1 {
			s := runSlice[T](p, w.off[0], w.n)
			for j, y := range s {
				if y == x || nan && y != y {
					return w.off[0] + j*isz, base + j, true
				}
			}
		} else {
			o := w.off[0]
			for j := range w.n {
				if y := *at[T](p, o); y == x || nan && y != y {
					return o, base + j, true
				}
				o += w.inner[0]
			}
		}
		base += w.n
	}
	return 0, 0, false
}

// argExtreme is ArgMax (isMax) or ArgMin: the extreme value first, in memory order, then the
// first element in C order that equals it (or is NaN, if it is).
func argExtreme[T Real](v *View[T], fn string, isMax bool) []int {
	if v.size == 0 {
		opPanicf(fn, ErrShape, "an empty view (shape %v) has no element to point at; NumPy raises here too", v.lay.shape)
	}
	if accumOf[T]() == accHalf {
		return argExtreme(AsType[float32](v), fn, isMax) // see Half precision, above accumOf
	}
	var mask [MaxDims]bool
	for k := range v.lay.shape {
		mask[k] = true
	}
	out := newResult[T](fn, nil)
	var rp rplan
	rp.init(&v.lay, &mask, nil, true)
	extremeWalk(v, &rp, out, isMax)
	m := *at[T](out.base(), 0)
	_, lin, ok := findFirstIndex(v.base(), v.lay.shape, v.lay.strides, v.lay.offset, m, m != m)
	if !ok {
		panic("ndview: internal error: " + fn + " lost its element")
	}
	idx := make([]int, len(v.lay.shape))
	for k := len(idx) - 1; k >= 0; k-- {
		d := v.lay.shape[k]
		idx[k] = lin % d
		lin /= d
	}
	runtime.KeepAlive(v)
	return idx
}
