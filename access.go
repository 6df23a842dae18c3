package ndview

// This file holds the fixed-rank accessors At2, At3, Set2 and Set3. Each reads dims and
// strides from fixed fields of the view, so one bounds check per index covers the rank and
// release too (see fixedRank), and panics with a value that does not allocate: the indices
// stay in registers in a caller's loop.

// fixedRank is a view's layout for the fixed-rank accessors.
type fixedRank struct {
	d2 [2]int // the dims of a 2-D view; zero for other ranks
	d3 [3]int // the dims of a 3-D view; zero for other ranks
	st [3]int // the first strides
}

func (f *fixedRank) set(l *layout) {
	*f = fixedRank{}
	switch len(l.shape) {
	case 2:
		f.d2 = [2]int{l.shape[0], l.shape[1]}
	case 3:
		f.d3 = [3]int{l.shape[0], l.shape[1], l.shape[2]}
	default:
		return
	}
	copy(f.st[:], l.strides)
}

// accessError is the panic value of At2, At3, Set2 and Set3: a small integer that formats
// lazily, so that panicking allocates nothing. Bits 0-1 hold the rank asked for (2 or 3),
// bit 2 is set for a Set, bit 3 for a released view, bit 4 for a read-only one.
type accessError uint8

func (e accessError) Error() string {
	name := "At"
	if e&4 != 0 {
		name = "Set"
	}
	name += string(rune('0' + e&3))
	switch {
	case e&8 != 0:
		return "ndview: " + name + " of a released view"
	case e&16 != 0:
		return "ndview: " + name + ": write through a read-only view"
	}
	return "ndview: " + name + ": index out of range, or the view is not " + string(rune('0'+e&3)) + "-D"
}

func (e accessError) Unwrap() error {
	switch {
	case e&8 != 0:
		return ErrReleased
	case e&16 != 0:
		return ErrReadOnly
	}
	return ErrIndex
}

// accessFailure returns the panic value for an access of the given kind to v.
func (v *View[T]) accessFailure(kind accessError) accessError {
	if v.released {
		return kind | 8
	}
	if kind&4 != 0 && v.ro {
		return kind | 16
	}
	return kind
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
	return *v.elem2(i, j)
}

// At3 returns element (i, j, k) of a 3-D view, as At(i, j, k) does, faster.
//
// At3 panics with ErrIndex if the view is not 3-D or an index is out of range, and with
// ErrReleased on a released view.
func (v *View[T]) At3(i, j, k int) T {
	if uint(i) >= uint(v.fixed.d3[0]) || uint(j) >= uint(v.fixed.d3[1]) || uint(k) >= uint(v.fixed.d3[2]) {
		panic(v.accessFailure(3))
	}
	return *v.elem3(i, j, k)
}

// Set2 stores x at (i, j) of a 2-D view, as Set(x, i, j) does, faster.
//
// Set2 panics with ErrReadOnly on a read-only view, and as At2 does otherwise.
func (v *View[T]) Set2(x T, i, j int) {
	if uint(i) >= uint(v.fixed.d2[0]) || uint(j) >= uint(v.fixed.d2[1]) || v.ro {
		panic(v.accessFailure(2 | 4))
	}
	*v.elem2(i, j) = x
}

// Set3 stores x at (i, j, k) of a 3-D view, as Set(x, i, j, k) does, faster.
//
// Set3 panics with ErrReadOnly on a read-only view, and as At3 does otherwise.
func (v *View[T]) Set3(x T, i, j, k int) {
	if uint(i) >= uint(v.fixed.d3[0]) || uint(j) >= uint(v.fixed.d3[1]) || uint(k) >= uint(v.fixed.d3[2]) || v.ro {
		panic(v.accessFailure(3 | 4))
	}
	*v.elem3(i, j, k) = x
}
