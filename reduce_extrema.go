package ndview

import (
	"runtime"
	"sync"
)

// This file holds the extrema: Min, Max, ArgMin and ArgMax's walks and kernels (NaN wins,
// the first index, signed zeros as NumPy's scalar loop orders them).

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
		if supersedes(acc, x, isMax) {
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
	if len(s) >= 16 {
		if r, ok := extremeRun(s, true); ok {
			return r
		}
	}
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
	if len(s) >= 16 {
		if r, ok := extremeRun(s, false); ok {
			return r
		}
	}
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

// extremeRun is maxSlice (isMax) or minSlice of s (len(s) >= 16) on the vector kernels, ok
// false where there are none: above quadBytes, s's quarters are read side by side
// (extremeQuadVec) and their extremes combined in order, then the last elements past them.
func extremeRun[T Real](s []T, isMax bool) (res T, ok bool) {
	if len(s)*sizeOf[T]() < quadBytes {
		return extremeVec(s, isMax)
	}
	per := len(s) / 4
	q := [4][]T{s[:per], s[per : 2*per], s[2*per : 3*per], s[3*per : 4*per]}
	var r [4]T
	var lanes [4][4][8]T
	if !extremeQuadVec(&q, isMax, &r, &lanes) {
		return extremeVec(s, isMax)
	}
	m := r[0]
	for _, x := range r[1:] {
		if supersedes(m, x, isMax) {
			m = x
		}
	}
	for _, x := range s[4*per:] {
		if supersedes(m, x, isMax) {
			m = x
		}
	}
	return m, true
}

// supersedes reports whether x, met after best, replaces it as the extreme of Max (isMax)
// or Min when parts or candidates are combined in memory order: the first NaN wins, else
// only a strictly better value.
func supersedes[T Real](best, x T, isMax bool) bool {
	return best == best && (x != x || isMax && x > best || !isMax && x < best)
}

// quadBytes is the length from which extremeRun and argChunks read four streams: each
// quarter then spans at least two pages. A choice, not a measured break-even: the gain is
// in runs that come from memory (see asm/main.go's extremeQuad).
const quadBytes = 32 << 10

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
	var lin int
	if v.cContig {
		lin = argSlice(runSlice[T](v.base(), v.lay.offset, v.size), isMax) // one pass
	} else {
		var mask [MaxDims]bool
		for k := range v.lay.shape {
			mask[k] = true
		}
		out := newResult[T](fn, nil)
		var rp rplan
		rp.init(&v.lay, &mask, nil, true)
		extremeWalk(v, &rp, out, isMax)
		m := *at[T](out.base(), 0)
		var ok bool
		_, lin, ok = findFirstIndex(v.base(), v.lay.shape, v.lay.strides, v.lay.offset, m, m != m)
		if !ok {
			panic("ndview: internal error: " + fn + " lost its element")
		}
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

// foldLanes finishes extremeVec on every platform: the eight lanes the kernel left (lane 0
// first, as maxSlice or minSlice folds them), then the tail past them, then, if the kernel
// or the tail saw a NaN, the first NaN of s.
func foldLanes[T float32 | float64](s []T, lanes *[8]T, nan, isMax bool) T {
	m := lanes[0]
	for _, x := range lanes[1:] {
		if isMax && x > m || !isMax && x < m {
			m = x
		}
	}
	for _, x := range s[len(s)&^7:] {
		nan = nan || x != x
		if isMax && x > m || !isMax && x < m {
			m = x
		}
	}
	if nan {
		return firstNaN(s, m)
	}
	return m
}
