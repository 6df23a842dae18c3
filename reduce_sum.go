package ndview

import (
	"sync"
)

// This file holds the sums' kernels: NumPy's pairwise summation of a contiguous run (eight
// running sums per block of pwBlock), its chunking, the cascade that combines runs and rows
// pairwise, and the integer sums and products.

// pushRows adds the block sum blk to the binary counter of block sums whose level k is
// levels[k*tile:], carrying as a binary counter does; blk is clobbered.
func pushRows[A Elem](levels []A, tile int, blk []A, have *uint64) {
	k := 0
	for *have&(1<<k) != 0 {
		addRow(blk, false, levels[k*tile:][:len(blk)])
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
	if st == sizeOf[T]() && !isComplex {
		for ; n >= 4*chunkLen; n -= 4 * chunkLen {
			var r [4]T
			pairwiseChunks4(runSlice[T](p, off, 4*chunkLen), &r)
			acc = addChunkSums(acc, r[:])
			off += 4 * chunkLen * st
		}
	}
	for n > 0 {
		c := min(n, chunkLen)
		s := load[T](p, off, c, st, buf)
		if isComplex {
			acc += pairwiseComplex(s)
		} else {
			one := [1]T{pairwise(s)}
			acc = addChunkSums(acc, one[:])
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
		k := k0
		for ; k+4 <= k1 && (k+4)*chunkLen <= len(a); k += 4 {
			pairwiseChunks4(a[k*chunkLen:(k+4)*chunkLen], (*[4]T)(part[k:k+4]))
		}
		for ; k < k1; k++ {
			part[k] = pairwise(a[k*chunkLen : min((k+1)*chunkLen, len(a))])
		}
	}
	// Parts of whole groups of four chunks: each group is summed side by side
	// (pairwiseChunks4) whatever the split, as sumRun sums it, and the chunks past the last
	// group one by one; so even which NaN payload wins, where Go's additions may differ
	// between the two paths, does not depend on the number of goroutines.
	per := ((nc+w-1)/w + 3) &^ 3
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
	return addChunkSums(acc, part)
}

// addChunkSums returns acc plus the chunk sums xs, added in order. Every real sum of chunks
// adds them here, so that every path runs the same instructions: where two NaNs meet, which
// payload an addition keeps is the compiler's choice of operand order, which may differ
// from one line of source to another.
//
//go:noinline
func addChunkSums[T Elem](acc T, xs []T) T {
	for _, x := range xs {
		acc += x
	}
	return acc
}

// pairwiseChunks4 sets r[k] to pairwise(a[k*chunkLen:(k+1)*chunkLen]) for the four chunks of
// a (len(a) == 4*chunkLen), the chunks read side by side (pairwise4).
func pairwiseChunks4[T Elem](a []T, r *[4]T) {
	pairwise4(&[4][]T{a[:chunkLen], a[chunkLen : 2*chunkLen], a[2*chunkLen : 3*chunkLen], a[3*chunkLen : 4*chunkLen]}, r)
}

// sumRuns4 returns the pairwise sums of the four contiguous runs of n <= chunkLen elements
// at byte offsets offs of p, summed side by side (pairwise4): sumRun of each but for its
// start from 0 (which turns -0 into +0), which cascadeWalk adds to every result anyway.
func sumRuns4[T Elem](p mem, offs [4]int, n int) (r [4]T) {
	var q [4][]T
	for k, o := range offs {
		q[k] = runSlice[T](p, o, n)
	}
	pairwise4(&q, &r)
	return r
}

// pairwise4 sets r[k] to pairwise(q[k]) for four runs of one length: pairwise's halving on
// all four at once, each block of the four in one pass (pairwiseBlockQuadVec; the runs read
// side by side), the halves' sums added as pairwise adds them.
func pairwise4[T Elem](q *[4][]T, r *[4]T) {
	n := len(q[0])
	if n <= pwBlock {
		if !pairwiseBlockQuadVec(q, r) {
			for k := range q {
				r[k] = pairwise(q[k])
			}
		}
		return
	}
	n2 := n / 2
	n2 -= n2 % 8
	var lo, hi [4]T
	pairwise4(&[4][]T{q[0][:n2], q[1][:n2], q[2][:n2], q[3][:n2]}, &lo)
	pairwise4(&[4][]T{q[0][n2:], q[1][n2:], q[2][n2:], q[3][n2:]}, &hi)
	for k := range r {
		r[k] = lo[k] + hi[k]
	}
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
		if r, ok := pairwiseBlockVec(a); ok {
			return r
		}
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

// rowsAt returns cascadeKernels' rows4 for contiguous rows of E in p: the four rows at the
// offsets, len(acc) elements each, added into acc by addRows4.
func rowsAt[E Elem](p mem) func(acc []E, offs [4]int, first bool) {
	return func(acc []E, offs [4]int, first bool) {
		var q [4][]E
		for j, o := range offs {
			q[j] = runSlice[E](p, o, len(acc))
		}
		addRows4(acc, &q, first)
	}
}

// addRows4 adds the four rows q into acc elementwise, one after another (copying the first
// when first): what four addRow calls do, in one pass over acc (addRows4Vec where there is a
// kernel).
func addRows4[T Elem](acc []T, q *[4][]T, first bool) {
	j := addRows4Vec(acc, q, first)
	if j < 0 {
		addRow(acc, first, q[0])
		for _, s := range q[1:] {
			addRow(acc, false, s)
		}
		return
	}
	a, b, c, d := q[0][:len(acc)], q[1][:len(acc)], q[2][:len(acc)], q[3][:len(acc)]
	for ; j < len(acc); j++ {
		x := acc[j]
		if first {
			x = a[j]
		} else {
			x += a[j]
		}
		x += b[j]
		x += c[j]
		x += d[j]
		acc[j] = x
	}
}

// addRow adds s into acc elementwise (copies it when first).
func addRow[T Elem](acc []T, first bool, s []T) {
	if first {
		copy(acc, s)
		return
	}
	s = s[:len(acc)]
	for j := addVec(acc, s); j < len(acc); j++ {
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

// prodFloats returns acc times every element of s, one after another, as NumPy multiplies.
// complex128 products are mulComplex128's: Go's own complex multiplication may fuse a part's
// two products into an FMA (GOAMD64=v3, arm64), which NumPy's does not.
func prodFloats[T Elem](acc T, s []T) T {
	if a, ok := any(acc).(complex128); ok {
		for _, x := range any(s).([]complex128) {
			a = mulComplex128(a, x)
		}
		return any(a).(T)
	}
	for _, x := range s {
		acc *= x
	}
	return acc
}

// prodRows multiplies acc by s elementwise (len(s) >= len(acc)), as prodFloats multiplies.
func prodRows[T Elem](acc, s []T) {
	s = s[:len(acc)]
	if a, ok := any(acc).([]complex128); ok {
		b := any(s).([]complex128)
		for j := range a {
			a[j] = mulComplex128(a[j], b[j])
		}
		return
	}
	for j := range acc {
		acc[j] *= s[j]
	}
}

// mulComplex128 is a*b with each of its four products rounded to float64 before the sums
// (the explicit conversions forbid fusing them: the Go spec's floating-point operators),
// which is Go's complex multiplication where it does not fuse, and NumPy's.
func mulComplex128(a, b complex128) complex128 {
	ar, ai, br, bi := real(a), imag(a), real(b), imag(b)
	return complex(float64(ar*br)-float64(ai*bi), float64(ar*bi)+float64(ai*br))
}
