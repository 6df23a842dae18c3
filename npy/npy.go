// Package npy reads and writes NumPy .npy files as ndview views, and maps them in place.
//
// Map views a file's data where it lies, through a memory mapping: nothing is read until it
// is touched, and the mapping closes when the last view made from it is released or
// collected. Load and Read copy the data into memory and convert a non-native byte order to
// native values; Save and Write write what np.save writes for the same array, byte for byte.
// Formats 1.0, 2.0 and 3.0 are read; every Elem type in either byte order; C and Fortran
// order; 0-d and empty arrays.
//
// A file whose element type differs from T is refused (ErrFormat), never converted: use the
// T that matches its descr ('<f8' is float64, '|u1' uint8, '<c8' complex64, '<f2'
// ndview.Float16; int, uint and uintptr are '<i8'/'<u8' on 64-bit platforms). NumPy has no
// bfloat16, so ndview.BFloat16 views are neither read nor written (ErrFormat). Garbage,
// truncated or lying files give errors wrapping ndview.ErrFormat, and io.ErrUnexpectedEOF
// where the data ends early; nothing panics and nothing is read past the file.
package npy

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"os"

	"github.com/ndview/ndview"
)

// Read reads one .npy array from r into memory, with native values, consuming exactly the
// array's bytes (so arrays can be concatenated in one stream).
//
// Read returns an error wrapping ndview.ErrFormat for input that is not a .npy array of T.
func Read[T ndview.Elem](r io.Reader) (*ndview.View[T], error) {
	h, _, err := readHeader(r)
	if err != nil {
		return nil, err
	}
	if !matches[T](h.descr) {
		return nil, mismatch[T](h.descr)
	}
	data, err := readPayload[T](r, h.size)
	if err != nil {
		return nil, err
	}
	if !h.descr.native() {
		swap(data)
	}
	return viewOf(data, h)
}

func mismatch[T ndview.Elem](d descr) error {
	want, ok := descrOf[T]()
	if !ok {
		return errorf("file holds %s elements, not %s: NumPy has no %[2]s dtype, so no .npy file holds it; use the matching element type", d, ndview.DTypeOf[T]())
	}
	return errorf("file holds %s elements, not %s (%s); use the matching element type", d, ndview.DTypeOf[T](), want)
}

// viewOf makes the view of a file's shape and order over data.
func viewOf[T ndview.Elem](data []T, h header) (*ndview.View[T], error) {
	if !h.fortran || len(h.shape) < 2 {
		v, err := ndview.FromSlice(data, h.shape...)
		if err == nil && len(h.shape) == 0 {
			v, err = v.Reshape()
		}
		return v, err
	}
	rev := make([]int, len(h.shape))
	for i, d := range h.shape {
		rev[len(rev)-1-i] = d
	}
	v, err := ndview.FromSlice(data, rev...)
	if err != nil {
		return nil, err
	}
	return v.Transpose(), nil
}

// chunkBytes bounds what Read allocates ahead of the data actually arriving, so that a header
// that lies about a huge shape costs memory only as data comes in.
const chunkBytes = 16 << 20

// readPayload reads n elements of T from r.
func readPayload[T ndview.Elem](r io.Reader, n int) ([]T, error) {
	isz := ndview.DTypeOf[T]().ItemSize()
	capacity := min(n, max(1, chunkBytes/isz))
	if sz, ok := remaining(r); ok {
		if int64(n)*int64(isz) > sz {
			return nil, fmt.Errorf("ndview: npy: data ends after %d of %d bytes: %w (%w)", sz, n*isz, ndview.ErrFormat, io.ErrUnexpectedEOF)
		}
		capacity = n // the data is there: read it in one piece
	}
	data := make([]T, 0, capacity)
	for len(data) < n {
		if len(data) == cap(data) {
			grown := make([]T, len(data), min(n, 2*cap(data)))
			copy(grown, data)
			data = grown
		}
		k := min(cap(data), n) - len(data)
		part := data[len(data) : len(data)+k]
		if _, err := io.ReadFull(r, bytesOf(part)); err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return nil, fmt.Errorf("ndview: npy: data ends early: %d of %d elements: %w (%w)", len(data), n, ndview.ErrFormat, io.ErrUnexpectedEOF)
			}
			return nil, fmt.Errorf("ndview: npy: %w", err)
		}
		data = data[:len(data)+k]
	}
	return data, nil
}

// remaining returns how many bytes r has left, where it can tell.
func remaining(r io.Reader) (int64, bool) {
	type lenner interface{ Len() int }
	switch x := r.(type) {
	case lenner:
		return int64(x.Len()), true
	case *os.File:
		fi, err := x.Stat()
		if err != nil || !fi.Mode().IsRegular() {
			return 0, false
		}
		pos, err := x.Seek(0, io.SeekCurrent)
		if err != nil {
			return 0, false
		}
		return fi.Size() - pos, true
	}
	return 0, false
}

// bytesOf returns the bytes of s, through a view and a cast: the npy package needs no unsafe.
func bytesOf[T ndview.Elem](s []T) []byte {
	if len(s) == 0 {
		return nil
	}
	v, err := ndview.FromSlice(s)
	if err != nil {
		panic(err)
	}
	b, err := ndview.Cast[uint8](v)
	if err != nil {
		panic(err)
	}
	raw, _, err := b.Raw()
	if err != nil {
		panic(err)
	}
	return raw
}

// swap reverses the bytes of every scalar in data (each half of a complex).
func swap[T ndview.Elem](data []T) {
	b := bytesOf(data)
	switch ndview.DTypeOf[T]().ItemSize() / scalars[T]() {
	case 2:
		s := castSlice[uint16](b)
		for i, x := range s {
			s[i] = bits.ReverseBytes16(x)
		}
	case 4:
		s := castSlice[uint32](b)
		for i, x := range s {
			s[i] = bits.ReverseBytes32(x)
		}
	case 8:
		s := castSlice[uint64](b)
		for i, x := range s {
			s[i] = bits.ReverseBytes64(x)
		}
	}
}

// scalars is the number of scalars in one T: 2 for complex, 1 otherwise.
func scalars[T ndview.Elem]() int {
	if ndview.DTypeOf[T]().Kind() == ndview.KindComplex {
		return 2
	}
	return 1
}

// castSlice views bytes (aligned for U: they come from a []T) as []U.
func castSlice[U ndview.Elem](b []byte) []U {
	v, err := ndview.FromBytes[U](b)
	if err != nil {
		panic(err)
	}
	s, _, err := v.Raw()
	if err != nil {
		panic(err)
	}
	return s
}

// Load reads the .npy file at path into memory, with native values.
func Load[T ndview.Elem](path string) (*ndview.View[T], error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("ndview: npy: %w", err)
	}
	defer f.Close()
	return Read[T](f)
}

// Map maps the .npy file at path and returns a view of its data in place: read-only unless
// writable, in which case writes reach the file. The mapping closes when the last view made
// from it (this one and any derived from it) is released or collected.
//
// Map returns an error wrapping ndview.ErrFormat for a file that is not a .npy array of T in
// native byte order (Load converts other byte orders), and ndview.ErrMisaligned if the data
// does not start on a boundary T needs (NumPy aligns it to 64 bytes).
func Map[T ndview.Elem](path string, writable bool) (*ndview.View[T], error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("ndview: npy: %w", err)
	}
	h, off, err := readHeader(bufio.NewReader(f))
	f.Close()
	if err != nil {
		return nil, err
	}
	if !matches[T](h.descr) {
		return nil, mismatch[T](h.descr)
	}
	if !h.descr.native() {
		return nil, errorf("%s is not in this machine's byte order, so it cannot be viewed in place; use npy.Load, which converts", h.descr)
	}
	m, err := ndview.MapFile(path, writable)
	if err != nil {
		return nil, err
	}
	v, err := mapView[T](m, h, off)
	if err != nil {
		m.Close()
		return nil, err
	}
	if err := m.CloseWhenUnused(); err != nil {
		return nil, err
	}
	return v, nil
}

func mapView[T ndview.Elem](m *ndview.Mapping, h header, off int) (*ndview.View[T], error) {
	if m.Len()-off < h.nbytes {
		return nil, fmt.Errorf("ndview: npy: the header promises %d data bytes, the file has %d: %w (%w)", h.nbytes, max(0, m.Len()-off), ndview.ErrFormat, io.ErrUnexpectedEOF)
	}
	all, err := ndview.FromExporter[uint8](m)
	if err != nil {
		return nil, err
	}
	defer all.Release()
	payload := all.Slice(0, off, off+h.nbytes, 1)
	defer payload.Release()
	shape := h.shape
	if h.fortran {
		shape = make([]int, len(h.shape))
		for i, d := range h.shape {
			shape[len(shape)-1-i] = d
		}
	}
	v, err := ndview.Cast[T](payload, shape...)
	if len(shape) == 0 && err == nil {
		one := v
		v, err = one.Reshape()
		one.Release()
	}
	if err != nil {
		return nil, fmt.Errorf("ndview: npy: data at byte %d: %w", off, err)
	}
	if h.fortran && len(shape) > 1 {
		c := v
		v = c.Transpose()
		c.Release()
	}
	return v, nil
}

// Write writes v as one .npy array: the header NumPy writes for the same array and the data
// in C order, or in Fortran order for a view that is Fortran- but not C-contiguous, copied
// out through ndview's copy engine in chunks.
//
// Write returns an error wrapping ndview.ErrReleased for a released view, one wrapping
// ndview.ErrFormat for a BFloat16 view (NumPy has no bfloat16 dtype), and w's errors.
func Write[T ndview.Elem](w io.Writer, v *ndview.View[T]) error {
	if v.Released() {
		return fmt.Errorf("ndview: npy: Write of a released view: %w", ndview.ErrReleased)
	}
	d, ok := descrOf[T]()
	if !ok {
		return noDescr[T]("Write")
	}
	fortran := !v.IsCContiguous() && v.IsFContiguous()
	if _, err := w.Write(headerBytes(d, fortran, v.Shape())); err != nil {
		return fmt.Errorf("ndview: npy: %w", err)
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
				return fmt.Errorf("ndview: npy: %w", err)
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
	step := max(1, chunkBytes/max(1, src.NBytes()/n))
	for i := 0; i < n; i += step {
		blk := src.Slice(0, i, min(n, i+step), 1)
		_, err := w.Write(blk.ToBytes(ndview.COrder))
		blk.Release()
		if err != nil {
			return fmt.Errorf("ndview: npy: %w", err)
		}
	}
	return nil
}

// Save writes v to the file at path as np.save would.
func Save[T ndview.Elem](path string, v *ndview.View[T]) error {
	if v.Released() {
		return fmt.Errorf("ndview: npy: Save of a released view: %w", ndview.ErrReleased)
	}
	if _, ok := descrOf[T](); !ok {
		return noDescr[T]("Save")
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("ndview: npy: %w", err)
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	if err := Write(bw, v); err != nil {
		f.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("ndview: npy: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("ndview: npy: %w", err)
	}
	return nil
}
