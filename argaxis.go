package ndview

import (
	"runtime"
	"slices"
	"sync"
)

// This file holds ArgMaxAxis and ArgMinAxis, on the reductions' walk (rplan, reduce.go)
// with one reduced axis: where that axis is the finest of the input, each result cell scans
// one run with ArgMax's kernels (maxSlice, minSlice) chunk by chunk, then looks again in
// the chunk that holds the extreme (argSlice); rows are split across goroutines as ArgMax
// splits a long run (splitWorkers); where a kept axis is finer (axis 0 of a C-contiguous
// matrix, say), the rows along the reduced axis are folded elementwise into a tile of best
// values and their indices, so memory is read in order.

// ArgMaxAxis returns the index of the largest element along axis, as np.argmax(v,
// axis=axis): a new C-contiguous view of v's shape without axis (0-d for a 1-D v) whose
// cells hold, for each position of the other axes, the index along axis of the first
// largest element, or of the first NaN if there is one (NumPy's rule). Equal elements keep
// the first: -0 and +0 are equal. Float16, BFloat16 and the float8 types compare as their
// values. A negative axis counts from the end. A 0-d v is taken as one element, as NumPy
// takes it: axis 0 or -1 gives a 0-d view holding 0.
//
// ArgMaxAxis panics with ErrShape if axis has length 0, even when the result would be empty
// (NumPy raises "attempt to get argmax of an empty sequence"; Max does not panic there),
// ErrIndex if axis is out of range, and ErrReleased if v is released.
func ArgMaxAxis[T Real](v *View[T], axis int) *View[int] {
	v.live()
	return argAxis(v, "ArgMaxAxis", axis, true)
}

// ArgMinAxis returns the index of the smallest element along axis, as np.argmin(v,
// axis=axis): ArgMaxAxis's rules, mirrored (a NaN still wins).
//
// ArgMinAxis panics as ArgMaxAxis does.
func ArgMinAxis[T Real](v *View[T], axis int) *View[int] {
	v.live()
	return argAxis(v, "ArgMinAxis", axis, false)
}

// argAxis is ArgMaxAxis (isMax) or ArgMinAxis.
func argAxis[T Real](v *View[T], fn string, axis int, isMax bool) *View[int] {
	nd := len(v.lay.shape)
	if nd == 0 {
		// NumPy ravels a 0-d array to one element for argmax along an axis.
		if axis != 0 && axis != -1 {
			opPanicf(fn, ErrIndex, "axis %d out of range for a 0-d view (taken as 1-d, as NumPy does)", axis)
		}
		return newResult[int](fn, nil)
	}
	k := axis
	if k < 0 {
		k += nd
	}
	if k < 0 || k >= nd {
		opPanicf(fn, ErrIndex, "axis %d out of range for a %d-d view", axis, nd)
	}
	n := v.lay.shape[k]
	if n == 0 {
		opPanicf(fn, ErrShape, "axis %d of a view of shape %v has length 0: there is no element to point at (NumPy raises too, even for an empty result)", axis, v.lay.shape)
	}
	if accumOf[T]() == accHalf {
		return argAxis(AsType[float32](v), fn, axis, isMax) // see Half precision, above accumOf
	}
	var shape [MaxDims]int
	copy(shape[:k], v.lay.shape[:k])
	copy(shape[k:nd-1], v.lay.shape[k+1:])
	out := newResult[int](fn, shape[:nd-1])
	if out.size == 0 || n == 1 {
		return out // zeros
	}
	var mask [MaxDims]bool
	mask[k] = true
	var rp rplan
	rp.init(&v.lay, &mask, out.lay.strides, true)
	if rp.vec {
		argRows(v, &rp, out, isMax)
	} else {
		argRuns(v, &rp, out, isMax)
	}
	runtime.KeepAlive(v)
	return out
}

// seek returns the input and result offsets of position pos (in C order) of the odometer.
func (o *odo) seek(pos int) (in, out int) {
	for k := o.nd - 1; k >= 0; k-- {
		i := pos % o.dims[k]
		pos /= o.dims[k]
		in += i * o.in[k]
		out += i * o.out[k]
	}
	return in, out
}

// splitItems calls f on parts of [0, items) that cover it, on up to splitWorkers(nbytes)
// goroutines (f must touch only what its part owns).
func splitItems(items, nbytes int, f func(lo, hi int)) {
	w := min(splitWorkers(nbytes), items)
	if w < 2 {
		f(0, items)
		return
	}
	per := (items + w - 1) / w
	var wg sync.WaitGroup
	for lo := per; lo < items; lo += per {
		wg.Add(1)
		go func(lo, hi int) {
			defer wg.Done()
			f(lo, hi)
		}(lo, min(lo+per, items))
	}
	f(0, min(per, items))
	wg.Wait()
}

// argRuns is run mode: each result cell is the arg-extreme of one run of rp.n elements
// (the reduced axis, in index order) at byte stride rp.in.
func argRuns[T Real](v *View[T], rp *rplan, out *View[int], isMax bool) {
	p, po := v.base(), out.base()
	isz := sizeOf[T]()
	splitItems(rp.kept.n, v.size*isz, func(lo, hi int) {
		c := lo
		if rp.in == isz {
			// Runs lo+i, lo+g+i, lo+2g+i and lo+3g+i side by side (argQuads): in a
			// C-contiguous view, four sequential streams through memory.
			g := (hi - lo) / 4
			for i := range g {
				var q [4][]T
				var ko [4]int
				for k := range q {
					ki, o := rp.kept.seek(lo + k*g + i)
					q[k], ko[k] = runSlice[T](p, rp.offIn+ki, rp.n), o
				}
				for k, i := range argQuads(&q, isMax) {
					*at[int](po, ko[k]) = i
				}
			}
			c = lo + 4*g
		}
		for ; c < hi; c++ {
			ki, ko := rp.kept.seek(c)
			off := rp.offIn + ki
			var i int
			if rp.in == isz {
				i = argSlice(runSlice[T](p, off, rp.n), isMax)
			} else {
				i = argStrided[T](p, off, rp.n, rp.in, isMax)
			}
			*at[int](po, ko) = i
		}
	})
}

// argSlice returns the index of the first extreme element of the non-empty s, or of its
// first NaN, in one pass: argChunks, on parts of s shared out across goroutines above
// parallelBytes, their answers combined in order (the first part with a NaN gives it; else
// a later part's extreme replaces an earlier one only if strictly better).
func argSlice[T Real](s []T, isMax bool) int {
	w := splitWorkers(len(s) * sizeOf[T]())
	if w < 2 {
		return argChunks(s, isMax)
	}
	c := argChunkBytes / sizeOf[T]()
	per := ((len(s)+w-1)/w + c - 1) / c * c
	at := make([]int, w)
	var wg sync.WaitGroup
	for k := 1; k < w; k++ {
		lo := min(k*per, len(s))
		if lo == len(s) {
			at[k] = -1
			continue
		}
		wg.Add(1)
		go func(k, lo int) {
			defer wg.Done()
			at[k] = lo + argChunks(s[lo:min(lo+per, len(s))], isMax)
		}(k, lo)
	}
	at[0] = argChunks(s[:per], isMax)
	wg.Wait()
	bi := at[0]
	for _, i := range at {
		if i < 0 {
			break
		}
		if supersedes(s[bi], s[i], isMax) {
			bi = i
		}
	}
	return bi
}

// argChunks is argSlice on one goroutine. It finds the extreme of each chunk of argChunkBytes
// with Max's kernels (maxSlice, minSlice, vector kernels where the CPU has them), keeps the
// first chunk whose extreme is strictly better than those before it, then searches that
// chunk, once, for the first element equal to the extreme: -0 == +0, so the first zero of
// either sign. A chunk whose extreme is NaN holds the first NaN. From quadBytes on, s's
// quarters go side by side through argQuads, and their answers are combined in order.
func argChunks[T Real](s []T, isMax bool) int {
	if len(s)*sizeOf[T]() >= quadBytes {
		// The quarters side by side (argQuads), then the elements past them; combined in
		// order: the first NaN, else a later candidate only if strictly better.
		per := len(s) / 4
		at := argQuads(&[4][]T{s[:per], s[per : 2*per], s[2*per : 3*per], s[3*per : 4*per]}, isMax)
		bi := at[0]
		for k := 1; k < 4+len(s)-4*per; k++ {
			i := 4*per + k - 4
			if k < 4 {
				i = k*per + at[k]
			}
			if supersedes(s[bi], s[i], isMax) {
				bi = i
			}
		}
		return bi
	}
	var best T
	at := 0
	cl := argChunkBytes / sizeOf[T]()
	for c0 := 0; c0 < len(s); c0 += cl {
		c := s[c0:min(c0+cl, len(s))]
		m := extremeOf(c, isMax)
		if m != m {
			return c0 + firstNaNIndex(c)
		}
		if c0 == 0 || isMax && m > best || !isMax && m < best {
			best, at = m, c0
		}
	}
	return at + indexOf(s[at:], best)
}

// argQuads is argChunks of four runs of one length at once, each index within its run:
// chunk by chunk, the four chunks' extremes from one extremeQuadVec call (the runs read side
// by side, which keeps more of memory's bandwidth than one stream; see the kernels in asm/),
// each run keeping its first best chunk, a run settled at its first NaN.
func argQuads[T Real](q *[4][]T, isMax bool) (at [4]int) {
	var best [4]T
	var done [4]bool
	var lanes [4][4][8]T
	n, cl := len(q[0]), argChunkBytes/sizeOf[T]()
	for c0 := 0; c0 < n; c0 += cl {
		var c [4][]T
		var m [4]T
		for k := range q {
			c[k] = q[k][c0:min(c0+cl, n)]
		}
		snaps := extremeQuadVec(&c, isMax, &m, &lanes)
		if !snaps {
			for k := range c {
				m[k] = extremeOf(c[k], isMax)
			}
		}
		settled := 0
		for k, x := range m {
			switch {
			case done[k]:
			case x != x:
				at[k], done[k] = c0+firstNaNIndex(c[k]), true
			case c0 == 0 || isMax && x > best[k] || !isMax && x < best[k]:
				best[k], at[k] = x, c0
				if snaps { // the kernel's snapshots narrow the search to a quarter of the chunk
					at[k] += quadStart(&lanes, k, x, len(c[k]))
				}
			}
			if done[k] {
				settled++
			}
		}
		if settled == 4 {
			return at
		}
	}
	for k := range q {
		if !done[k] {
			at[k] += indexOf(q[k][at[k]:], best[k])
		}
	}
	return at
}

// extremeOf is maxSlice (isMax) or minSlice.
func extremeOf[T Real](s []T, isMax bool) T {
	if isMax {
		return maxSlice(s)
	}
	return minSlice(s)
}

// indexOf returns the index of the first element of s equal to x, which s holds.
func indexOf[T Real](s []T, x T) int {
	if i, ok := indexVec(s, x); ok {
		return i
	}
	return slices.Index(s, x)
}

// argChunkBytes is the size of argChunks' chunks: long enough that the kernels' call and the
// combination of their lanes cost little beside the chunk (ArgMax of 4M float32 on one
// goroutine, chunks of 2, 4, 8 and 16 KiB alternating: 0.81-0.95, 0.74-0.81, 0.66-0.91 and
// 0.59-0.78 ms; AMD EPYC family 25 model 1), short enough that the second look stays in
// the L1 cache.
const argChunkBytes = 16 << 10

// firstNaNIndex returns the index of the first NaN of s, which has one.
func firstNaNIndex[T Real](s []T) int {
	for i, x := range s {
		if x != x {
			return i
		}
	}
	panic("ndview: internal error: a NaN went missing")
}

// argStrided is argSlice of the n elements at byte offset off of p with byte stride st, in
// one pass: a NaN ends the search.
func argStrided[T Real](p mem, off, n, st int, isMax bool) int {
	best := *at[T](p, off)
	if best != best {
		return 0
	}
	bi := 0
	for i := 1; i < n; i++ {
		off += st
		x := *at[T](p, off)
		if isMax && !(x <= best) || !isMax && !(x >= best) { // better, or NaN
			if x != x {
				return i
			}
			best, bi = x, i
		}
	}
	return bi
}

// argRows is vector mode: a kept axis is finer than the reduced one, so each tile of rp.n
// result cells folds the rows of the reduced axis in order, keeping the best value of each
// cell and its index; a later row replaces a value only if strictly better or the first
// NaN, so the first occurrence wins.
func argRows[T Real](v *View[T], rp *rplan, out *View[int], isMax bool) {
	p, po := v.base(), out.base()
	isz := sizeOf[T]()
	n, rs := rp.red.dims[0], rp.red.in[0] // the one reduced axis, in index order
	tile := min(rp.n, chunkLen)
	tiles := (rp.n + tile - 1) / tile
	if w := splitWorkers(v.size * isz); w > 1 && rp.kept.n*tiles < w {
		// Too few tiles to share out: cut them smaller, in whole cache lines.
		tile = min(rp.n, max(64, ((rp.n+w-1)/w+63)&^63))
		tiles = (rp.n + tile - 1) / tile
	}
	splitItems(rp.kept.n*tiles, v.size*isz, func(lo, hi int) {
		best := make([]T, tile)
		idx := make([]int, tile)
		var buf []T
		if rp.in != isz {
			buf = make([]T, tile)
		}
		for it := lo; it < hi; it++ {
			ki, ko := rp.kept.seek(it / tiles)
			t0 := it % tiles * tile
			b, ix := best[:min(tile, rp.n-t0)], idx[:min(tile, rp.n-t0)]
			off := rp.offIn + ki + t0*rp.in
			copy(b, load[T](p, off, len(b), rp.in, buf))
			clear(ix)
			for r := 1; r < n; r++ {
				off += rs
				s := load[T](p, off, len(b), rp.in, buf)
				s = s[:len(b)]
				if isMax {
					for j, x := range s {
						if a := b[j]; !(x <= a) && a == a { // x > a, or x is the first NaN
							b[j], ix[j] = x, r
						}
					}
				} else {
					for j, x := range s {
						if a := b[j]; !(x >= a) && a == a {
							b[j], ix[j] = x, r
						}
					}
				}
			}
			o := ko + t0*rp.out
			for _, i := range ix {
				*at[int](po, o) = i
				o += rp.out
			}
		}
	})
}
