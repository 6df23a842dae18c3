package ndview

import (
	"math/bits"
)

// This file is the reductions' walk: rplan, built on the walk plan (plan.go), and the two
// drivers over it, foldWalk (a fold per result cell: Prod, Reduce, the integer sums) and
// cascadeWalk (floating-point sums, whose runs and rows join a pairwise cascade). The
// reductions keep some axes whole, which the elementwise engine (driver.go) does not.

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

// cascadeKernels are what cascadeWalk calls, made once per goroutine: run sums the run of
// rp.n elements at an input offset; row adds (or, first, copies) the row of len(acc) at an
// offset into acc; rows4, if not nil, does what row does for four rows one after another,
// in one pass; runs4, if not nil, returns run(offs[k]) for four runs at once. (Arrays go by
// value: a pointer passed through a func value escapes, one allocation a call.)
type cascadeKernels[A Elem] struct {
	run   func(off int) A
	row   func(acc []A, first bool, off int)
	rows4 func(acc []A, offs [4]int, first bool)
	runs4 func(offs [4]int) [4]A
}

// cascadeWalk runs a sum: in run mode each result cell is the pairwise combination of
// run(off) over its runs; in vector mode blocks of cascadeRows rows are added one after
// another (row, as in foldWalk) and the blocks are combined pairwise. Each result is 0 + the
// sum, so that -0 sums to +0 as in NumPy. kernels makes a run and a row with their own
// scratch, once per goroutine: above parallelBytes of input the result cells (in vector
// mode, tiles of them) are shared out across goroutines; each cell's sum is the same on any
// number of them.
func cascadeWalk[A Elem](rp *rplan, out *View[A], nbytes int, kernels func() cascadeKernels[A]) {
	po := out.base()
	var zero A
	if !rp.vec {
		splitItems(rp.kept.n, nbytes, func(lo, hi int) {
			k := kernels()
			var c cascade[A]
			cell := lo
			if k.runs4 != nil && rp.red.n == 1 {
				// Each cell is one run: four cells' runs side by side.
				for ; cell+4 <= hi; cell += 4 {
					var offs, kos [4]int
					for j := range offs {
						ki, ko := rp.kept.seek(cell + j)
						offs[j], kos[j] = rp.offIn+ki, ko
					}
					for j, x := range k.runs4(offs) {
						c.have = 0
						c.push(x)
						*at[A](po, kos[j]) = zero + c.total()
					}
				}
			}
			for ; cell < hi; cell++ {
				ki, ko := rp.kept.seek(cell)
				c.have = 0
				var ridx [MaxDims]int
				ri, ro := rp.offIn+ki, 0
				for range rp.red.n {
					c.push(k.run(ri))
					rp.red.step(&ridx, &ri, &ro)
				}
				*at[A](po, ko) = zero + c.total()
			}
		})
		return
	}
	levels := bits.Len(uint(rp.red.n/cascadeRows)) + 1
	tile := min(rp.n, chunkLen, max(256, tileElems/(levels+1)))
	tiles := (rp.n + tile - 1) / tile
	if w := splitWorkers(nbytes); w > 1 && rp.kept.n*tiles < w {
		// Too few tiles to share out: cut them smaller, in whole cache lines.
		tile = min(rp.n, max(64, ((rp.n+w-1)/w+63)&^63))
		tiles = (rp.n + tile - 1) / tile
	}
	splitItems(rp.kept.n*tiles, nbytes, func(lo, hi int) {
		k := kernels()
		row, rows4 := k.row, k.rows4
		buf := make([]A, tile*(levels+1))
		for it := lo; it < hi; it++ {
			ki, ko := rp.kept.seek(it / tiles)
			t0 := it % tiles * tile
			blk := buf[:min(tile, rp.n-t0)]
			var have uint64
			cnt := 0
			var ridx [MaxDims]int
			ri, ro := rp.offIn+ki+t0*rp.in, 0
			for rem := rp.red.n; rem > 0; {
				if rows4 != nil && rem >= 4 && cnt+4 <= cascadeRows {
					// Four rows in one pass (the same adds, in the same order).
					var offs [4]int
					for k := range offs {
						offs[k] = ri
						rp.red.step(&ridx, &ri, &ro)
					}
					rows4(blk, offs, cnt == 0)
					cnt += 4
					rem -= 4
				} else {
					row(blk, cnt == 0, ri)
					cnt++
					rem--
					rp.red.step(&ridx, &ri, &ro)
				}
				if cnt == cascadeRows {
					pushRows(buf[tile:], tile, blk, &have)
					cnt = 0
				}
			}
			// Combine the partial block and the levels, smallest first.
			started := cnt > 0
			for k := 0; have != 0; k++ {
				if have&(1<<k) == 0 {
					continue
				}
				have &^= 1 << k
				addRow(blk, !started, buf[tile*(k+1):][:len(blk)])
				started = true
			}
			o := ko + t0*rp.out
			for _, x := range blk {
				*at[A](po, o) = zero + x
				o += rp.out
			}
		}
	})
}
