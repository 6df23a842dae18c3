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
	// base is the first element's first byte, nil where a dim is zero (the bounds check
	// fails first there): At2 loads it instead of the buffer's data pointer and the
	// offset, one load and one add fewer per element.
	base *byte
}

// set fills f from l, a layout over buf.
func (f *fixedRank) set(l *layout, buf []byte) {
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
	if !hasZero(l.shape) {
		f.base = &buf[l.offset] // a non-empty view's first element lies inside buf
	}
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
