package npyformat

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/ndview/ndview"
)

// MapView returns the view of the data of the .npy array stored at bytes [base,
// base+limit) of a mapping (which must lie within it); with exact, the array must fill
// them. The header is read from the mapping itself, so that it describes the very bytes
// that are mapped, even if the file at the path is replaced meanwhile. The view holds the
// mapping and is writable where the mapping is. op is the public function called, which
// the remedy for a wrong T names; the error has no function name in front (see WithOp).
func MapView[T ndview.Elem](m *ndview.Mapping, base, limit int, op string, exact bool) (*ndview.View[T], error) {
	data, _, err := m.Export()
	if err != nil {
		return nil, err
	}
	h, off, err := readHeader(bytes.NewReader(data[base : base+limit])) // copies the header out
	m.Unexport()
	if err != nil {
		return nil, err
	}
	if !matches[T](h.descr) {
		return nil, mismatch[T](op, h.descr)
	}
	if exact {
		if err := fits(h, off, int64(limit)); err != nil {
			return nil, err
		}
	}
	if !h.descr.native() {
		return nil, FormatError("the file holds %s values in the other byte order (%s), which cannot be viewed in place: use npy.Load, which converts", h.descr.goName(), h.descr)
	}
	if limit-off < h.nbytes {
		return nil, truncated("the header promises %d bytes of data, and %d follow it", h.nbytes, limit-off)
	}
	off += base
	all, err := ndview.FromExporter[uint8](m)
	if err != nil {
		return nil, err
	}
	defer all.Release()
	payload := all.Slice(0, off, off+h.nbytes, 1)
	defer payload.Release()
	shape := h.shape
	if h.fortran {
		shape = reversed(h.shape)
	}
	v, err := ndview.Cast[T](payload, shape...)
	if len(shape) == 0 && err == nil {
		one := v
		v, err = one.Reshape()
		one.Release()
	}
	if err != nil {
		if errors.Is(err, ndview.ErrMisaligned) {
			return nil, ErrorOf([]error{err}, "the data at byte %d is not aligned for %s: use npy.Load, which copies it", off, ndview.DTypeOf[T]())
		}
		return nil, fmt.Errorf("the data at byte %d: %w", off, err)
	}
	if h.fortran && len(shape) > 1 {
		c := v
		v = c.Transpose()
		c.Release()
	}
	return v, nil
}

func reversed(shape []int) []int {
	r := make([]int, len(shape))
	for i, d := range shape {
		r[len(r)-1-i] = d
	}
	return r
}
