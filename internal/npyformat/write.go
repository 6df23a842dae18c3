package npyformat

import (
	"fmt"
	"io"
	"math/bits"

	"github.com/ndview/ndview"
	"github.com/ndview/ndview/internal/dtypes"
)

// CanWrite returns the error Write returns before writing anything: v is released
// (wrapping ndview.ErrReleased), or T is one NumPy has no dtype for (ndview.ErrFormat; op,
// the public function called, is named in the message).
func CanWrite[T ndview.Elem](v *ndview.View[T], op string) error {
	if v.Released() {
		return ErrorOf([]error{ndview.ErrReleased}, "the view is released")
	}
	if _, ok := descrOf[T](); !ok {
		return noDescr[T](op)
	}
	return nil
}

// Write writes v as one .npy array, as npy.Write documents: the header NumPy writes for the
// same array and the data in C order, or in Fortran order for a view that is Fortran- but
// not C-contiguous, copied out through ndview's copy engine in chunks. It returns CanWrite's
// errors, and w's.
func Write[T ndview.Elem](w io.Writer, v *ndview.View[T], op string) error {
	if err := CanWrite(v, op); err != nil {
		return err
	}
	d, _ := descrOf[T]()
	fortran := !v.IsCContiguous() && v.IsFContiguous()
	if _, err := w.Write(headerBytes(d, fortran, v.Shape())); err != nil {
		return err
	}
	if v.Size() == 0 {
		return nil
	}
	src := v
	if fortran {
		src = v.Transpose() // C-contiguous: memory order is Fortran order of v
		defer src.Release()
	}
	if src.IsCContiguous() {
		// Contiguous data goes out as it lies, without a copy.
		b, err := ndview.Cast[uint8](src)
		if err != nil {
			return err
		}
		defer b.Release()
		for run := range b.UnsafeRuns() {
			if _, err := w.Write(run); err != nil {
				return err
			}
		}
		return nil
	}
	// Strided data is copied out in C order, a block of leading-axis slices at a time.
	if src.NDim() == 0 {
		_, err := w.Write(src.ToBytes(ndview.COrder))
		return err
	}
	n := src.Len()
	step := max(1, maxChunk/max(1, src.NBytes()/n))
	for i := 0; i < n; i += step {
		blk := src.Slice(0, i, min(n, i+step), 1)
		_, err := w.Write(blk.ToBytes(ndview.COrder))
		blk.Release()
		if err != nil {
			return err
		}
	}
	return nil
}

// ArrayHeader returns the .npy header np.save writes for a, an array of any element type,
// and the order in which its data follows the header: pass it to a.ToBytes. As with Write,
// the data is in Fortran order (fortran_order True) for an array that is Fortran- but not
// C-contiguous, and in C order otherwise. The header is np.save's byte for byte: a
// multiple of 64 bytes long, so data that follows a header placed on a 64-byte boundary is
// aligned for every element type.
//
// ArrayHeader returns an error wrapping ndview.ErrFormat for an element type NumPy has no
// dtype for (bfloat16, say: NumPy has none), ndview.ErrShape for an inconsistent shape and
// strides or more than 64 dimensions (ndview.MaxDims; NumPy 2 reads no more),
// ndview.ErrOverflow for a size that overflows, and ndview.ErrReleased for a released view.
func ArrayHeader(a ndview.Array) (header []byte, order ndview.Order, err error) {
	if r, ok := a.(interface{ Released() bool }); ok && r.Released() {
		return nil, 0, fmt.Errorf("ndview: npy: a released view has no header: %w", ndview.ErrReleased)
	}
	dt := a.DType()
	d, err := descrOfDType(dt)
	if err != nil {
		return nil, 0, err
	}
	shape, strides := a.Shape(), a.Strides()
	if len(strides) != len(shape) {
		return nil, 0, fmt.Errorf("ndview: npy: shape %v and strides %v differ in length: %w", shape, strides, ndview.ErrShape)
	}
	if len(shape) > maxDims {
		return nil, 0, fmt.Errorf("ndview: npy: %d dimensions; NumPy 2 reads at most %d: %w", len(shape), maxDims, ndview.ErrShape)
	}
	n := uint64(d.size)
	for _, k := range shape {
		if k < 0 {
			return nil, 0, fmt.Errorf("ndview: npy: shape %v has a negative dimension: %w", shape, ndview.ErrShape)
		}
		hi, lo := bits.Mul64(n, uint64(k))
		if hi != 0 || lo > uint64(maxInt) {
			return nil, 0, fmt.Errorf("ndview: npy: shape %v of %s overflows: %w", shape, dt, ndview.ErrOverflow)
		}
		n = lo
	}
	fortran := !contiguous(shape, strides, d.size, false) && contiguous(shape, strides, d.size, true)
	order = ndview.COrder
	if fortran {
		order = ndview.FOrder
	}
	return headerBytes(d, fortran, shape), order, nil
}

// contiguous applies CPython's PyBuffer_IsContiguous rules: an empty array is contiguous,
// axes of length 1 are ignored, and otherwise the strides are those of a packed C (or, with
// fortran, Fortran) layout.
func contiguous(shape, strides []int, itemSize int, fortran bool) bool {
	for _, k := range shape {
		if k == 0 {
			return true
		}
	}
	want := itemSize
	for i := range shape {
		ax := len(shape) - 1 - i
		if fortran {
			ax = i
		}
		if shape[ax] == 1 {
			continue
		}
		if strides[ax] != want {
			return false
		}
		want *= shape[ax] // no overflow: the caller checked the total size
	}
	return true
}

// descrOfDType returns the descr NumPy writes for values of dt as they lie in memory: the
// descr of dt's row of the dtype table, in dt's byte order.
func descrOfDType(dt ndview.DType) (descr, error) {
	row, ok := dtypes.ByFormat(dt.Code(), dt.ItemSize())
	if !ok || !row.Class.Typed() || row.NPY == "" {
		why := row.NoNPY
		if why == "" {
			why = "ndview writes no bool or char arrays"
		}
		return descr{}, FormatError("%s (format %q) has no NumPy dtype (%s)", dt, dt.Format(), why)
	}
	d := descr{kind: row.NPY[0], size: row.Size()}
	switch {
	case d.size == 1:
		d.order = '|'
	case dt.ByteOrder() == ndview.LittleEndian, dt.ByteOrder() == ndview.NativeOrder && littleEndian:
		d.order = '<'
	default:
		d.order = '>'
	}
	return d, nil
}
