package ndview

import "unsafe"

// This file is every address and slice computation in the package (gonum's mat/offset.go
// keeps its unsafe code in one file the same way); the mmap files aside, no other file
// imports unsafe. Each helper relies on one rule of the unsafe package, named beside it.
// Other files hold addresses as mem and byte offsets as ints, and ask for elements and
// slices in their own terms.
//
// The element accessors At, Set, At2, At3, Set2 and Set3 are here too, their address
// arithmetic written out: each must stay within the compiler's inlining budget (80), and a
// call to a helper, even one that is inlined, costs more than that budget has left.

// mem is the address of the first byte of a store (a view's buffer, a mapping, a scratch
// array): offsets are added to it only to reach elements inside that store.
type mem struct{ p unsafe.Pointer }

// memOf returns the address of s's first element; an empty s gives a nil mem, which no
// helper here dereferences (nothing is inside it).
func memOf[T any](s []T) mem { return mem{unsafe.Pointer(unsafe.SliceData(s))} }

// add returns the address off bytes past m (unsafe.Pointer rule 3: the caller guarantees
// that off stays inside m's store, never at or past its end).
func (m mem) add(off int) mem { return mem{unsafe.Add(m.p, off)} }

// base returns the address of the first byte of the view's store. It is only called on
// non-empty views, whose store is non-empty (invariant 3).
func (v *View[T]) base() mem { return memOf(v.buf) }

// at returns the element at byte offset off from p (unsafe.Pointer rule 3: the plan yields
// only offsets of elements of the view, which lie inside its store, and invariant 4 keeps
// them aligned for T).
func at[T any](p mem, off int) *T { return (*T)(unsafe.Add(p.p, off)) }

// runSlice returns the n elements of a contiguous run at byte offset off of p (unsafe.Slice;
// the caller guarantees that the n elements lie in p's store).
func runSlice[T any](p mem, off, n int) []T { return unsafe.Slice(at[T](p, off), n) }

// unsafeSlice returns the n elements from p (unsafe.Slice; the caller guarantees that they
// lie in one allocation or mapping).
func unsafeSlice[T any](p *T, n int) []T { return unsafe.Slice(p, n) }

// elem returns a pointer to the element at byte offset off. The caller guarantees that off
// is the offset of an element of v, so by invariants 3 and 4 the pointer lies inside buf
// (never at or past its end) and is aligned for T (unsafe.Pointer rule 3: unsafe.Add within
// one allocated object).
func (v *View[T]) elem(off int) *T { return at[T](v.base(), off) }

// itemInfo returns T's size and alignment.
func itemInfo[T any]() (size, align int) {
	var z T
	return int(unsafe.Sizeof(z)), int(unsafe.Alignof(z))
}

// sizeOf returns the size of T in bytes.
func sizeOf[T any]() int {
	var z T
	return int(unsafe.Sizeof(z))
}

// misalignment returns how far the first byte of b lies past a multiple of align.
// The pointer is converted to uintptr only for the arithmetic and never converted back
// (unsafe.Pointer rule 2).
func misalignment(b []byte, align int) int {
	return int(uintptr(unsafe.Pointer(unsafe.SliceData(b))) % uintptr(align))
}

// addrOf returns the address of p's byte off as an integer, for comparing where two stores
// lie (overlap tests); it is never turned back into a pointer (unsafe.Pointer rule 2).
func addrOf(p mem, off int) uintptr { return uintptr(p.p) + uintptr(off) }

// bytesOf returns the bytes of s (unsafe.Slice over a pointer to the first element; the
// result lies within s's allocation). An empty s gives nil, so no pointer is formed.
func bytesOf[T any](s []T) []byte {
	if len(s) == 0 {
		return nil
	}
	size, _ := itemInfo[T]()
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), len(s)*size)
}

// stringBytes returns the bytes of s without copying (unsafe.StringData): they must never
// be written.
func stringBytes(s string) []byte {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Slice(unsafe.StringData(s), len(s))
}

// At returns the element at idx; a 0-d view takes no indices.
//
// At panics with ErrIndex if the number of indices differs from NDim or an index is out of
// range (negative indices are out of range), and with ErrReleased on a released view.
func (v *View[T]) At(idx ...int) T {
	// This is live, offsetOf and elem written out: the inliner's budget (80) has no room for
	// the calls. A released view has releasedLayout, which no index list matches, so the
	// arity check below doubles as the released check (invariant 7).
	if len(idx) != len(v.lay.shape) {
		panic(&indexError{v.lay.shape, -1, len(idx)})
	}
	off := v.lay.offset
	for k, i := range idx {
		if uint(i) >= uint(v.lay.shape[k]) {
			panic(&indexError{v.lay.shape, k, i})
		}
		// strides[k] without a bounds check: invariant 1 makes len(strides) == len(shape).
		off += i * *(*int)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(v.lay.strides)), k*int(unsafe.Sizeof(0))))
	}
	// off is the offset of an element: see elem.
	return *(*T)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(v.buf)), off))
}

// Set stores x at idx; a 0-d view takes no indices.
//
// Set panics with ErrReadOnly on a read-only view, and as At does otherwise.
func (v *View[T]) Set(x T, idx ...int) {
	v.live()
	if v.ro {
		panic(errWriteReadOnly)
	}
	*v.elem(v.offsetOf(idx)) = x
}

// At2 returns element (i, j) of a 2-D view, as At(i, j) does, faster: as fast as gonum's
// Dense.At.
//
// At2 panics with ErrIndex if the view is not 2-D or an index is out of range, and with
// ErrReleased on a released view.
func (v *View[T]) At2(i, j int) T {
	if uint(i) >= uint(v.fixed.d2[0]) || uint(j) >= uint(v.fixed.d2[1]) {
		panic(v.accessFailure(2))
	}
	// (i, j) is an element of v: see elem.
	return *(*T)(unsafe.Add(unsafe.Pointer(v.fixed.base), i*v.fixed.st[0]+j*v.fixed.st[1]))
}

// At3 returns element (i, j, k) of a 3-D view, as At(i, j, k) does, faster.
//
// At3 panics with ErrIndex if the view is not 3-D or an index is out of range, and with
// ErrReleased on a released view.
func (v *View[T]) At3(i, j, k int) T {
	if uint(i) >= uint(v.fixed.d3[0]) || uint(j) >= uint(v.fixed.d3[1]) || uint(k) >= uint(v.fixed.d3[2]) {
		panic(v.accessFailure(3))
	}
	return *(*T)(unsafe.Add(unsafe.Pointer(v.fixed.base), i*v.fixed.st[0]+j*v.fixed.st[1]+k*v.fixed.st[2]))
}

// Set2 stores x at (i, j) of a 2-D view, as Set(x, i, j) does, faster.
//
// Set2 panics with ErrReadOnly on a read-only view, and as At2 does otherwise.
func (v *View[T]) Set2(x T, i, j int) {
	if uint(i) >= uint(v.fixed.d2[0]) || uint(j) >= uint(v.fixed.d2[1]) || v.ro {
		panic(v.accessFailure(2 | 4))
	}
	*(*T)(unsafe.Add(unsafe.Pointer(v.fixed.base), i*v.fixed.st[0]+j*v.fixed.st[1])) = x
}

// Set3 stores x at (i, j, k) of a 3-D view, as Set(x, i, j, k) does, faster.
//
// Set3 panics with ErrReadOnly on a read-only view, and as At3 does otherwise.
func (v *View[T]) Set3(x T, i, j, k int) {
	if uint(i) >= uint(v.fixed.d3[0]) || uint(j) >= uint(v.fixed.d3[1]) || uint(k) >= uint(v.fixed.d3[2]) || v.ro {
		panic(v.accessFailure(3 | 4))
	}
	*(*T)(unsafe.Add(unsafe.Pointer(v.fixed.base), i*v.fixed.st[0]+j*v.fixed.st[1]+k*v.fixed.st[2])) = x
}
