package ndview

import "unsafe"

// This file is every address and slice computation in the package (gonum's mat/offset.go
// keeps its unsafe code in one file the same way); the mmap files aside, no other file
// imports unsafe. Each helper relies on one rule of the unsafe package, named beside it.
// Other files hold addresses as mem and byte offsets as ints, and ask for elements and
// slices in their own terms.

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

// elem2 is elem for (i, j) of a 2-D view, through its fixed strides: At2 and Set2 check the
// indices first.
func (v *View[T]) elem2(i, j int) *T {
	return (*T)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(v.buf)), v.lay.offset+i*v.fixed.st[0]+j*v.fixed.st[1]))
}

// elem3 is elem for (i, j, k) of a 3-D view.
func (v *View[T]) elem3(i, j, k int) *T {
	return (*T)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(v.buf)), v.lay.offset+i*v.fixed.st[0]+j*v.fixed.st[1]+k*v.fixed.st[2]))
}

// strideAt returns strides[k] without a bounds check, for At and Set, whose budget for
// inlining has no room for one: invariant 1 makes len(strides) == len(shape), and they
// check k against the shape.
func strideAt(strides []int, k int) int {
	return *(*int)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(strides)), k*int(unsafe.Sizeof(0))))
}

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
