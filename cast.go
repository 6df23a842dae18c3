package ndview

// Cast returns a view of v's bytes as elements of type U, with the given shape (with no shape,
// 1-D of NBytes()/sizeof(U)). Cast reinterprets the bytes, as NumPy's a.view(dtype) does; it
// never converts values: Cast[float64] of float32 data gives half as many doubles made of
// float32 bit patterns. To convert values, as astype does, use AsType or Convert. It follows memoryview.cast, relaxed: N-D to N-D casts and casts
// between two non-byte types are allowed, and shape may hold zeros. The result shares
// memory with v, is C-contiguous, is read-only if v is, and holds v's export.
//
// Cast returns an error wrapping, in this order of checks: ErrReleased if v is released;
// ErrNotContiguous unless v is C-contiguous; ErrShape if the shape is invalid or
// product(shape)*sizeof(U) != v.NBytes() (with no shape, if NBytes() is not a multiple of
// sizeof(U)); ErrMisaligned if v's memory is not aligned for U.
func Cast[U, T Elem](v *View[T], shape ...int) (*View[U], error) {
	if v.released {
		return nil, opErrorf("Cast", ErrReleased, "the view is released")
	}
	if !v.cContig {
		return nil, opErrorf("Cast", ErrNotContiguous, "the view (shape %v, strides %v) is not C-contiguous; Clone() it first", v.lay.shape, v.lay.strides)
	}
	tsz, _ := itemInfo[T]()
	usz, _ := itemInfo[U]()
	nbytes := v.size * tsz
	if len(shape) == 0 {
		if nbytes%usz != 0 {
			return nil, opErrorf("Cast", ErrShape, "%d bytes are not a whole number of %d-byte %s elements", nbytes, usz, DTypeOf[U]())
		}
		shape = []int{nbytes / usz}
	}
	if len(shape) > MaxDims {
		return nil, opErrorf("Cast", ErrShape, "%d dimensions; at most %d are allowed", len(shape), MaxDims)
	}
	size, err := shapeSize(shape)
	if err != nil {
		return nil, within("Cast", err)
	}
	if nb, ok := mulInt(size, usz); !ok || nb != nbytes {
		return nil, opErrorf("Cast", ErrShape, "product(shape %v) * itemsize %d != %d bytes of the view", shape, usz, nbytes)
	}
	l := makeLayout(len(shape), v.lay.offset)
	copy(l.shape, shape)
	cStrides(l.shape, l.strides, usz)
	w, err := newView[U](v.buf, l, v.ro, v.obj) // ErrMisaligned comes from the validator
	if err != nil {
		return nil, within("Cast", err)
	}
	inherit(v, w)
	return w, nil
}
