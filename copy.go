package ndview

import (
	"encoding/hex"
	"runtime"
	"unsafe"
)

// Order is a memory order for copying out: C (row-major), F (column-major) or A (F if the
// view is Fortran-contiguous, C otherwise), as memoryview.tobytes takes it.
type Order byte

const (
	COrder   Order = 'C'
	FOrder   Order = 'F'
	AnyOrder Order = 'A'
)

// copyElems copies the elements of layout sl at ps into layout dl at pd, both of the given
// non-empty shape. Runs that are contiguous on both sides are moved with copy(); a
// layout whose fastest axis differs between the two sides (a transpose) is copied in
// cache-sized tiles. The two layouts must not overlap unless they are identical.
func copyElems[T Elem](pd unsafe.Pointer, dl *layout, ps unsafe.Pointer, sl *layout, shape []int) {
	isz, _ := itemInfo[T]()
	var w plan
	w.init(shape, true, dl.operand(), sl.operand())
	if w.inner[0] == isz && w.inner[1] == isz || w.n == 1 && w.nd == 0 {
		nb := w.n * isz
		for w.next() {
			copy(unsafe.Slice(at[byte](pd, w.off[0]), nb), unsafe.Slice(at[byte](ps, w.off[1]), nb))
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
			copyTiled[T](unsafe.Add(pd, w.off[0]), unsafe.Add(ps, w.off[1]), rows, w.n, ds, w.inner[0], ss, w.inner[1])
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

// copyTiled copies a rows×cols block, element (r, c) at byte r*dr+c*dc of dst and
// r*sr+c*sc of src, where src is fastest along r and dst along c (a transpose, in effect).
// Each tile is gathered from src along r into a small staging array, then scattered into
// dst along c, so both sides stream whole cache lines. With power-of-two strides the rows of
// a tile all map to one cache set, and copying directly made them evict each other: on the
// bench machine, a 4096×4096 float64 transpose took 62-79 ms as plain 8-64 element tiles
// and about 50 ms staged. (Two-level tiling for TLB reach was tried too and did not help.)
func copyTiled[T Elem](dst, src unsafe.Pointer, rows, cols, dr, dc, sr, sc int) {
	const b = 32
	var tile [b * b]T // tile[c*b + r]: contiguous along r, as src is
	for r0 := 0; r0 < rows; r0 += b {
		nr := min(b, rows-r0)
		for c0 := 0; c0 < cols; c0 += b {
			nc := min(b, cols-c0)
			for c := range nc {
				os := r0*sr + (c0+c)*sc
				t := tile[c*b : c*b+nr]
				for r := range t {
					t[r] = *at[T](src, os)
					os += sr
				}
			}
			for r := range nr {
				od := (r0+r)*dr + c0*dc
				for c := range nc {
					*at[T](dst, od) = tile[c*b+r]
					od += dc
				}
			}
		}
	}
}

// overlaps reports whether the bytes two non-empty views reach can intersect. Addresses are
// compared as integers and never turned back into pointers (unsafe.Pointer rule 2).
func overlaps[T, U Elem](a *View[T], b *View[U]) bool {
	if a.size == 0 || b.size == 0 {
		return false
	}
	tsz, _ := itemInfo[T]()
	usz, _ := itemInfo[U]()
	alo, aend := a.lay.extent(tsz)
	blo, bend := b.lay.extent(usz)
	pa, pb := uintptr(a.base()), uintptr(b.base())
	return pa+uintptr(alo) < pb+uintptr(bend) && pb+uintptr(blo) < pa+uintptr(aend)
}

// sameElems reports whether two views of one shape address the same elements in the same
// order (an in-place operation).
func sameElems[T, U Elem](a *View[T], b *View[U]) bool {
	tsz, _ := itemInfo[T]()
	usz, _ := itemInfo[U]()
	return tsz == usz && uintptr(a.base())+uintptr(a.lay.offset) == uintptr(b.base())+uintptr(b.lay.offset) &&
		equalInts(a.lay.strides, b.lay.strides)
}

// Copy copies src's elements into dst element by element, like NumPy's np.copyto(dst, src).
// It is correct when dst and src share memory: an overlapping src is read in full first.
//
// Copy panics with ErrShape unless the shapes match, ErrReadOnly if dst is read-only, and
// ErrReleased if either view is released.
func Copy[T Elem](dst, src *View[T]) {
	dst.live()
	src.live()
	sameShape("Copy", dst.lay.shape, src.lay.shape)
	if dst.ro {
		panicf(ErrReadOnly, "Copy into a read-only view")
	}
	if dst.size == 0 {
		return
	}
	if overlaps(dst, src) {
		if sameElems(dst, src) {
			return
		}
		src = src.Clone()
	}
	copyElems[T](dst.base(), &dst.lay, src.base(), &src.lay, dst.lay.shape)
	runtime.KeepAlive(dst)
	runtime.KeepAlive(src)
}

// maxAllocBytes is the most ndview asks the runtime for in one allocation: 2**47 bytes on
// 64-bit platforms (below the Go runtime's own limit, 2**48), maxInt on 32-bit ones.
const maxAllocBytes = min(maxInt, 1<<47)

// makeElems allocates n elements for what, panicking with ErrOverflow (never a runtime
// makeslice panic) if their bytes exceed maxAllocBytes: a view of 2**62 elements over 8
// bytes, through a stride of 0, is valid, but no copy of it can be.
func makeElems[T Elem](n int, what string) []T {
	isz, _ := itemInfo[T]()
	if nb, ok := mulInt(n, isz); !ok || uint64(nb) > maxAllocBytes {
		panicf(ErrOverflow, "%s: %d elements of %d bytes are more than can be allocated", what, n, isz)
	}
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
	copyElems[T](unsafe.Pointer(unsafe.SliceData(out)), &dl, v.base(), &v.lay, v.lay.shape)
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
		panicf(ErrFormat, "order must be 'C', 'F' or 'A', not %q", rune(order))
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
func (v *View[T]) Hex() string { return hex.EncodeToString(v.ToBytes(COrder)) }

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
	pa, pb := a.base(), b.base()
	var w plan
	w.init(a.lay.shape, true, a.lay.operand(), b.lay.operand())
	for w.next() {
		oa, ob := w.off[0], w.off[1]
		for range w.n {
			if *at[T](pa, oa) != *at[T](pb, ob) {
				return false
			}
			oa += w.inner[0]
			ob += w.inner[1]
		}
	}
	runtime.KeepAlive(a)
	runtime.KeepAlive(b)
	return true
}
