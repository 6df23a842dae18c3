package npy

import (
	"fmt"
	"io"
	"math/bits"

	"github.com/ndview/ndview"
	"github.com/ndview/ndview/internal/dtypes"
)

// This file serves .npy arrays that live inside something else: a member of a zip archive
// (npz), a byte range of a mapped file, a record of a container format. An embedded array
// occupies a byte range exactly, header and data, and the container's word for its size is
// checked against the header before anything is allocated.

// MapAt returns a view, in place, of the .npy array stored at bytes [offset, offset+size) of
// m: its header is parsed from the mapping's bytes, the array (header and data) must fill
// the range exactly, and the view holds the mapping (m cannot be closed while it, or a view
// derived from it, lives). The view is read-only unless writable, which needs a writable
// mapping; writes through it reach the file.
//
// MapAt returns an error wrapping ndview.ErrFormat if the range lies outside the mapping
// (with io.ErrUnexpectedEOF), does not hold one .npy array of T, holds one of a different
// size, or holds values in the other byte order (Load and ReadSized convert those);
// ndview.ErrMisaligned if the data does not start on a boundary T needs; ndview.ErrReadOnly
// if writable is asked of a read-only mapping; and ndview.ErrReleased if m is closed.
func MapAt[T ndview.Elem](m *ndview.Mapping, offset, size int64, writable bool) (*ndview.View[T], error) {
	if writable && !m.Writable() {
		return nil, withOp("npy.MapAt", "", errorOf([]error{ndview.ErrReadOnly}, "a writable view of a read-only mapping"))
	}
	n := int64(m.Len())
	if offset < 0 || size < 0 || offset > n || size > n-offset {
		return nil, withOp("npy.MapAt", "", truncated("bytes [%d, %d+%d) are not within the %d-byte mapping", offset, offset, size, n))
	}
	v, err := mapView[T](m, int(offset), int(size), "npy.MapAt", true)
	if err != nil {
		return nil, withOp("npy.MapAt", "", err)
	}
	if !writable && !v.ReadOnly() {
		w := v
		v = w.AsReadOnly()
		w.Release()
	}
	return v, nil
}

// fits checks that an array of header h, read in hlen bytes, is exactly size bytes long.
func fits(h header, hlen int, size int64) error {
	if size-int64(hlen) != int64(h.nbytes) { // size >= hlen: the header was read from those bytes
		return formatError("the array is said to take %d bytes, but its %d-byte header and %d elements of %s take %d", size, hlen, h.size, h.descr, uint64(hlen)+uint64(h.nbytes))
	}
	return nil
}

// ReadSized reads one .npy array that occupies exactly size bytes of r, header and data, as
// a container that records its members' sizes (a zip or tar archive) says it does, and
// returns it with native values (converting the other byte order, as Read does). It reads
// nothing past those size bytes.
//
// The header is checked against size before anything is allocated, so a header that lies
// about a huge shape costs nothing. If r has a Len() int method (as *bytes.Reader has), it
// is trusted to say how many bytes remain and the data is read in one allocation; otherwise
// memory is allocated as the data arrives, so that a size that lies costs memory only in
// proportion to the data actually there.
//
// ReadSized returns an error wrapping ndview.ErrFormat for input that is not one .npy
// array of T of exactly size bytes, with io.ErrUnexpectedEOF where the input ends early.
func ReadSized[T ndview.Elem](r io.Reader, size int64) (*ndview.View[T], error) {
	if size < 0 {
		return nil, formatError("ReadSized of a negative size %d", size)
	}
	lr := &io.LimitedReader{R: r, N: size}
	h, hlen, err := readHeader(lr)
	if err != nil {
		return nil, err
	}
	if !matches[T](h.descr) {
		return nil, withOp("npy.ReadSized", "", mismatch[T]("npy.ReadSized", h.descr))
	}
	if err := fits(h, hlen, size); err != nil {
		return nil, err
	}
	var pr io.Reader = lr
	if l, ok := r.(interface{ Len() int }); ok {
		pr = &lenReader{r: lr, n: min(l.Len(), h.nbytes)}
	}
	data, err := readPayload[T](pr, h.size)
	if err != nil {
		return nil, err
	}
	if !h.descr.native() {
		swap(data)
	}
	return viewOf(data, h)
}

// lenReader reads from r and reports (through Len) the n bytes known to remain.
type lenReader struct {
	r io.Reader
	n int
}

func (l *lenReader) Read(p []byte) (int, error) {
	k, err := l.r.Read(p)
	l.n = max(0, l.n-k)
	return k, err
}

func (l *lenReader) Len() int { return l.n }

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
	h, order, _, err := arrayHeader(a)
	return h, order, err
}

// WriteArray writes a, an array of any element type, as one .npy array: ArrayHeader's
// header, then a.ToBytes in its order. For a *View[T] it writes what Write writes.
//
// WriteArray returns ArrayHeader's errors, an error wrapping ndview.ErrShape if a.ToBytes
// gives a length other than its shape and dtype need, and w's errors.
func WriteArray(w io.Writer, a ndview.Array) error {
	h, order, nbytes, err := arrayHeader(a)
	if err != nil {
		return err
	}
	data := a.ToBytes(order)
	if len(data) != nbytes {
		return fmt.Errorf("ndview: npy: WriteArray: ToBytes gave %d bytes; shape %v of %s needs %d: %w", len(data), a.Shape(), a.DType(), nbytes, ndview.ErrShape)
	}
	if _, err := w.Write(h); err != nil {
		return fmt.Errorf("ndview: npy: %w", err)
	}
	if _, err := w.Write(data); err != nil {
		return fmt.Errorf("ndview: npy: %w", err)
	}
	return nil
}

func arrayHeader(a ndview.Array) (hdr []byte, order ndview.Order, nbytes int, err error) {
	if r, ok := a.(interface{ Released() bool }); ok && r.Released() {
		return nil, 0, 0, fmt.Errorf("ndview: npy: a released view has no header: %w", ndview.ErrReleased)
	}
	dt := a.DType()
	d, err := descrOfDType(dt)
	if err != nil {
		return nil, 0, 0, err
	}
	shape, strides := a.Shape(), a.Strides()
	if len(strides) != len(shape) {
		return nil, 0, 0, fmt.Errorf("ndview: npy: shape %v and strides %v differ in length: %w", shape, strides, ndview.ErrShape)
	}
	if len(shape) > maxDims {
		return nil, 0, 0, fmt.Errorf("ndview: npy: %d dimensions; NumPy 2 reads at most %d: %w", len(shape), maxDims, ndview.ErrShape)
	}
	n := uint64(d.size)
	for _, k := range shape {
		if k < 0 {
			return nil, 0, 0, fmt.Errorf("ndview: npy: shape %v has a negative dimension: %w", shape, ndview.ErrShape)
		}
		hi, lo := bits.Mul64(n, uint64(k))
		if hi != 0 || lo > uint64(maxInt) {
			return nil, 0, 0, fmt.Errorf("ndview: npy: shape %v of %s overflows: %w", shape, dt, ndview.ErrOverflow)
		}
		n = lo
	}
	fortran := !contiguous(shape, strides, d.size, false) && contiguous(shape, strides, d.size, true)
	order = ndview.COrder
	if fortran {
		order = ndview.FOrder
	}
	return headerBytes(d, fortran, shape), order, int(n), nil
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
		return descr{}, formatError("%s (format %q) has no NumPy dtype (%s)", dt, dt.Format(), why)
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
