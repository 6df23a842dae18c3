package ndview

import (
	"bytes"
	"encoding/hex"
	"runtime"
	"sync"

	"github.com/ndview/ndview/internal/dtypes"
)

// Order is a memory order for copying out: C (row-major), F (column-major) or A (F if the
// view is Fortran-contiguous, C otherwise), as memoryview.tobytes takes it.
type Order byte

const (
	COrder   Order = 'C'
	FOrder   Order = 'F'
	AnyOrder Order = 'A'
)

// copyElems copies the elements of operand sl at ps into operand dl at pd, both of the
// given non-empty shape (sl may be broadcast: zero strides). Runs that are contiguous on both sides are moved with copy(); a
// layout whose fastest axis differs between the two sides (a transpose) is copied in
// cache-sized tiles. The two layouts must not overlap unless they are identical.
func copyElems[T Elem](pd mem, dl operand, ps mem, sl operand, shape []int) {
	var w plan
	w.init(shape, true, dl, sl)
	copyWalk[T](&w, pd, ps)
}

// copyWalk is copyElems over a plan made for it (in memory order, destination first).
func copyWalk[T Elem](w *plan, pd, ps mem) {
	isz, _ := itemInfo[T]()
	if w.inner[0] == isz && w.inner[1] == isz || w.n == 1 && w.nd == 0 {
		nb := w.n * isz
		for w.next() {
			copy(runSlice[byte](pd, w.off[0], nb), runSlice[byte](ps, w.off[1], nb))
		}
		return
	}
	// If the source is fastest along another axis than the destination, tile those two.
	j, best := -1, absInt(w.inner[1])
	for k := range w.nd {
		if s := absInt(w.str[1][k]); s < best {
			j, best = k, s
		}
	}
	if j >= 0 && w.n >= 4 && w.dims[j] >= 4 {
		rows, ds, ss := w.extract(j)
		for w.next() {
			copyTransposed[T](pd.add(w.off[0]), ps.add(w.off[1]), rows, w.n, ds, w.inner[0], ss, w.inner[1])
		}
		return
	}
	for w.next() {
		od, os := w.off[0], w.off[1]
		for range w.n {
			*at[T](pd, od) = *at[T](ps, os)
			od += w.inner[0]
			os += w.inner[1]
		}
	}
}

// copyTransposed copies a rows×cols block, element (r, c) at byte r*dr+c*dc of dst and
// r*sr+c*sc of src, where src is fastest along r and dst along c (a transpose, in effect).
//
// The block is cut into squares of transposeBlock elements a side, each moved as 8×8
// micro-tiles through a small stack array: gathered along r, where src is contiguous, and
// scattered along c, where dst is, so that both sides move whole cache lines. Copies larger
// than parallelBytes are split into bands of squares across goroutines: one core does
// not keep enough misses in flight to saturate memory (measured on AMD EPYC and Intel Xeon),
// and this does not depend on any one cache's size.
//
// Tried on AMD EPYC (bench/README.md): squares of 8 to 128 (64 and 128 best), and touching
// one byte of every line of the next square on both sides before each square, which had
// helped on an Intel Xeon; on AMD EPYC it cost 15-25% at every size, so it was left out.
func copyTransposed[T Elem](dst, src mem, rows, cols, dr, dc, sr, sc int) {
	isz, _ := itemInfo[T]()
	b := transposeBlock * 8 / max(isz, 8) // 16-byte elements: squares of half the side
	if w := splitWorkers(rows * cols * isz); w > 1 && rows >= 2*b {
		// Bands of whole squares, one per worker; the bands share no element.
		per := (rows/b + w - 1) / w * b
		var wg sync.WaitGroup
		for r := per; r < rows; r += per {
			wg.Add(1)
			go func(r0, r1 int) {
				defer wg.Done()
				copyBand[T](dst, src, r0, r1, cols, dr, dc, sr, sc, b)
			}(r, min(r+per, rows))
		}
		copyBand[T](dst, src, 0, min(per, rows), cols, dr, dc, sr, sc, b)
		wg.Wait()
		return
	}
	copyBand[T](dst, src, 0, rows, cols, dr, dc, sr, sc, b)
}

// copyBand is copyTransposed for rows [r1, r2), in squares of b.
func copyBand[T Elem](dst, src mem, r1, r2, cols, dr, dc, sr, sc, b int) {
	for r0 := r1; r0 < r2; r0 += b {
		nr := min(b, r2-r0)
		for c0 := 0; c0 < cols; c0 += b {
			copyMicroTiles[T](dst, src, r0, c0, nr, min(b, cols-c0), dr, dc, sr, sc)
		}
	}
}

// splitWorkers returns how many goroutines a pass over n bytes (a copy, a sum, a search for
// the maximum) is split across: one below parallelBytes (a goroutine costs more than it
// saves on data that fits in cache), and up to GOMAXPROCS (at most 4) above it.
func splitWorkers(n int) int {
	if n < parallelBytes {
		return 1
	}
	return min(runtime.GOMAXPROCS(0), 4, n/parallelBytes)
}

// parallelBytes is where splitting a pass across goroutines starts to pay: the break-even
// was measured at 2-3 MiB of traffic, with a clear gain from 8 MiB; a transposed copy of n
// bytes moves 2n.
const parallelBytes = 4 << 20

// transposeBlock is the side of the squares copyTransposed moves at once, in elements.
const transposeBlock = 64

// copyMicroTiles copies the nr×nc square at (r0, c0) in 8×8 tiles: each gathered from src
// along r into a stack array, then scattered into dst along c.
func copyMicroTiles[T Elem](dst, src mem, r0, c0, nr, nc, dr, dc, sr, sc int) {
	if transposeVec[T](dst, src, r0, c0, nr, nc, dr, dc, sr, sc) {
		return // whole tiles of 4- and 8-byte elements, transposed in registers
	}
	var t [8][8]T // t[c][r]
	for c := c0; c < c0+nc; c += 8 {
		mc := min(8, c0+nc-c)
		for r := r0; r < r0+nr; r += 8 {
			mr := min(8, r0+nr-r)
			if mr == 8 && mc == 8 {
				for k := range 8 {
					os := r*sr + (c+k)*sc
					col := &t[k]
					col[0] = *at[T](src, os)
					col[1] = *at[T](src, os+sr)
					col[2] = *at[T](src, os+2*sr)
					col[3] = *at[T](src, os+3*sr)
					col[4] = *at[T](src, os+4*sr)
					col[5] = *at[T](src, os+5*sr)
					col[6] = *at[T](src, os+6*sr)
					col[7] = *at[T](src, os+7*sr)
				}
				for k := range 8 {
					od := (r+k)*dr + c*dc
					*at[T](dst, od) = t[0][k]
					*at[T](dst, od+dc) = t[1][k]
					*at[T](dst, od+2*dc) = t[2][k]
					*at[T](dst, od+3*dc) = t[3][k]
					*at[T](dst, od+4*dc) = t[4][k]
					*at[T](dst, od+5*dc) = t[5][k]
					*at[T](dst, od+6*dc) = t[6][k]
					*at[T](dst, od+7*dc) = t[7][k]
				}
				continue
			}
			for k := range mc {
				os := r*sr + (c+k)*sc
				od := r*dr + (c+k)*dc
				for range mr {
					*at[T](dst, od) = *at[T](src, os)
					os += sr
					od += dr
				}
			}
		}
	}
}

// overlaps reports whether the bytes two non-empty views reach can intersect. Addresses are
// compared as integers and never turned back into pointers (mem rule 2).
func overlaps[T, U Elem](a *View[T], b *View[U]) bool {
	if a.size == 0 || b.size == 0 {
		return false
	}
	tsz, _ := itemInfo[T]()
	usz, _ := itemInfo[U]()
	alo, aend := a.lay.extent(tsz)
	blo, bend := b.lay.extent(usz)
	pa, pb := a.base(), b.base()
	return addrOf(pa, alo) < addrOf(pb, bend) && addrOf(pb, blo) < addrOf(pa, aend)
}

// Copy copies src's elements into dst element by element, like NumPy's np.copyto(dst, src):
// src broadcasts to dst's shape by NumPy's rules (dst never broadcasts). It is correct when
// dst and src share memory: an overlapping src is read in full first.
//
// Copy panics with ErrShape unless src broadcasts to dst's shape, ErrReadOnly if dst is
// read-only, and ErrReleased if either view is released.
func Copy[T Elem](dst, src *View[T]) {
	var e engine
	e.begin("Copy", false, true)
	addOperand(&e, dst, bcSame)
	addOperand(&e, src, bcAssign)
	if !e.ready(true) || e.isDst(1) {
		return
	}
	copyWalk[T](&e.plan, e.ptr[0], e.ptr[1])
	e.done()
}

// maxAllocBytes is the most ndview asks the runtime for in one allocation: 2**47 bytes on
// 64-bit platforms (below the Go runtime's own limit, 2**48), maxInt on 32-bit ones.
const maxAllocBytes = min(maxInt, 1<<47)

// makeElems allocates n elements for what, panicking with ErrOverflow (never a runtime
// makeslice panic or an out-of-memory death) if their bytes exceed MemoryLimit: a view of
// 2**40 elements over 8 bytes, through a stride of 0, is valid, but no copy of it can be.
func makeElems[T Elem](n int, what string) []T {
	isz, _ := itemInfo[T]()
	nb, ok := mulInt(n, isz)
	checkAlloc(nb, ok, what)
	return make([]T, n)
}

// copyOut copies v's elements into a new buffer laid out in C or Fortran order.
func (v *View[T]) copyOut(fortran bool) []T {
	out := makeElems[T](v.size, "copy of a view")
	if v.size == 0 {
		return out
	}
	isz, _ := itemInfo[T]()
	dl := makeLayout(len(v.lay.shape), 0)
	copy(dl.shape, v.lay.shape)
	if fortran {
		fStrides(dl.shape, dl.strides, isz)
	} else {
		cStrides(dl.shape, dl.strides, isz)
	}
	copyElems[T](memOf(out), dl.operand(), v.base(), v.lay.operand(), v.lay.shape)
	runtime.KeepAlive(v)
	return out
}

// ToBytes returns a copy of the view's bytes as memoryview.tobytes(order) does: elements in
// C order, Fortran order, or (AnyOrder) Fortran order if the view is Fortran-contiguous and
// C order otherwise. ToBytes panics with ErrFormat for any other order, and ErrReleased on
// a released view.
func (v *View[T]) ToBytes(order Order) []byte {
	v.live()
	fortran := false
	switch order {
	case COrder:
	case FOrder:
		fortran = true
	case AnyOrder:
		fortran = v.fContig && !v.cContig
	default:
		opPanicf("ToBytes", ErrFormat, "order must be 'C', 'F' or 'A', not %q", rune(order))
	}
	s := v.copyOut(fortran)
	b := bytesOf(s)
	if b == nil {
		return []byte{}
	}
	return b
}

// ToSlice returns the elements in C order, in a new slice.
func (v *View[T]) ToSlice() []T {
	v.live()
	return v.copyOut(false)
}

// Clone returns a writable, C-contiguous copy of the view, sharing nothing with it.
func (v *View[T]) Clone() *View[T] {
	v.live()
	s := v.copyOut(false)
	w, err := contiguous[T](bytesOf(s), v.lay.shape, false, s) // 0-d stays 0-d
	if err != nil {
		panic("ndview: internal error: " + err.Error())
	}
	return w
}

// Hex returns the logical bytes (C order) in lowercase hexadecimal, as memoryview.hex() does.
func (v *View[T]) Hex() string {
	v.live()
	isz, _ := itemInfo[T]()
	nb, ok := mulInt(v.size, isz)
	if ok {
		nb, ok = mulInt(nb, 3) // the bytes and their hex digits, both held at once
	}
	checkAlloc(nb, ok, "Hex")
	return hex.EncodeToString(v.ToBytes(COrder))
}

// Equal reports whether a and b are equal as memoryview's == says: the same number of
// dimensions, the same shape up to and including the first axis of length 0, and equal
// elements (so NaN is never equal, not even in one view compared with itself).
//
// Equal panics with ErrReleased if either view is released.
func Equal[T Elem](a, b *View[T]) bool {
	a.live()
	b.live()
	if len(a.lay.shape) != len(b.lay.shape) {
		return false
	}
	for k, d := range a.lay.shape {
		if b.lay.shape[k] != d {
			return false
		}
		if d == 0 {
			return true
		}
	}
	var e engine
	e.begin("Equal", false, true)
	addOperand(&e, a, bcSame)
	addOperand(&e, b, bcSame)
	e.ready(false) // not empty: the loop above has returned for an empty shape
	defer e.done()
	equal := true
	pa, pb := e.ptr[0], e.ptr[1]
	if c := elemKind[T](); c.IsNarrow() {
		// Narrow float values compare as floats: NaN != NaN, -0 == +0.
		n := narrowOf(c)
		each2[T, T](&e, nil, func(oa, sa, ob, sb, k int) bool {
			for range k {
				if n.toF32(n.load(pa, oa)) != n.toF32(n.load(pb, ob)) {
					equal = false
					return false
				}
				oa, ob = oa+sa, ob+sb
			}
			return true
		})
		return equal
	}
	isInt := elemKind[T]() == dtypes.Int || elemKind[T]() == dtypes.Uint
	each2(&e, func(as, bs []T) bool {
		bs = bs[:len(as)]
		if isInt {
			// Integers are equal when their bytes are: the runtime's vectorized compare.
			equal = bytes.Equal(bytesOf(as), bytesOf(bs))
			return equal
		}
		if eq, ok := equalVec(as, bs); ok {
			equal = eq
			return equal
		}
		for i, x := range as {
			if x != bs[i] {
				equal = false
				return false
			}
		}
		return true
	}, func(oa, sa, ob, sb, k int) bool {
		for range k {
			if *at[T](pa, oa) != *at[T](pb, ob) {
				equal = false
				return false
			}
			oa, ob = oa+sa, ob+sb
		}
		return true
	})
	return equal
}
