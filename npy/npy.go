// Package npy reads and writes NumPy .npy files as ndview views, and maps them in place.
//
// Map views a file's data where it lies, through a memory mapping: nothing is read until it
// is touched, and the mapping closes when the last view made from it is released or
// collected. Load and Read copy the data into memory and convert a non-native byte order to
// native values; Save and Write write what np.save writes for the same array, byte for byte.
// Formats 1.0, 2.0 and 3.0 are read; every Elem type in either byte order; C and Fortran
// order; 0-d and empty arrays; up to 64 dimensions (ndview.MaxDims), as NumPy 2 reads and
// writes them (NumPy 1.x stops at 32).
//
// A header is read as NumPy 1.24's np.load reads it, no more and no less, but for the number
// of dimensions, where NumPy 2's limit of 64 holds: the Python literal of a dict, spelled
// any way ast.literal_eval reads it (quotes, whitespace, comments, a repeated key of which
// the last counts, Python 2's 3L in format 1.0 and 2.0; only \N{name} escapes in strings
// are not read), and any descr NumPy reads for a type with a Go element type: '<f8', 'f8',
// '=f8', 'd', '<d', 'float64', 'f8,', '|u1', '>i1', 'B', ... A committed corpus of headers
// with NumPy's verdict on each (testdata/headers.json) keeps it so.
//
// A file whose element type differs from T is refused (ErrFormat), never converted: use the
// T that matches its descr ('<f8' is float64, '|u1' uint8, '<c8' complex64, '<f2'
// ndview.Float16; int, uint and uintptr are '<i8'/'<u8' on 64-bit platforms). ndview has no
// bool element type and NumPy no bfloat16, so bool files and ndview.BFloat16 views are
// refused. Garbage, truncated or lying files give errors wrapping ndview.ErrFormat, and
// io.ErrUnexpectedEOF where the data ends early; a shape whose dimensions other than 0,
// times the item size, overflow an int describes no array ndview (or NumPy) can make, even
// an empty one, and its errors wrap ndview.ErrOverflow too. Nothing panics, nothing is read
// past the array, and nothing is allocated for data that is not there. A copy (Load, Read,
// ReadSized) that would exceed ndview.MemoryLimit is refused, before anything is allocated,
// with an error wrapping ndview.ErrOverflow: Map such files instead.
//
// Every error names the function called ("ndview: npy.Load a.npy: ..."), wraps ndview's
// sentinels, and keeps the *fs.PathError of a failed system call inside.
package npy

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"os"

	"github.com/ndview/ndview"
	"github.com/ndview/ndview/internal/atomicfile"
	"github.com/ndview/ndview/internal/pseudofs"
)

// Read reads one .npy array from r into memory, with native values, consuming exactly the
// array's bytes (so arrays can be concatenated in one stream).
//
// Read returns an error if the input is not a .npy array of T (wrapping ndview.ErrFormat,
// and io.ErrUnexpectedEOF too if it ends early), if the array's bytes are more than
// ndview.MemoryLimit allows (ndview.ErrOverflow), or if r fails (wrapping r's error).
func Read[T ndview.Elem](r io.Reader) (*ndview.View[T], error) {
	v, err := read[T]("npy.Read", r)
	return v, withOp("npy.Read", "", err)
}

func read[T ndview.Elem](op string, r io.Reader) (*ndview.View[T], error) {
	h, _, err := readHeader(r)
	if err != nil {
		return nil, err
	}
	if !matches[T](h.descr) {
		return nil, mismatch[T](op, h.descr)
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

// firstChunk and maxChunk bound what Read allocates ahead of the data actually arriving
// from a stream of unknown length: a header that lies about a huge shape costs memory only
// as data comes in (at most about twice what came, and 64 KiB to start with).
const (
	firstChunk = 64 << 10
	maxChunk   = 16 << 20
)

// readPayload reads n elements of T from r. Where r's length is known (a regular file, a
// bytes.Reader), too short a file is refused before anything is allocated; otherwise the
// data is read in growing chunks. More bytes than ndview.MemoryLimit allows are refused
// before anything is read.
func readPayload[T ndview.Elem](r io.Reader, n int) ([]T, error) {
	isz := ndview.DTypeOf[T]().ItemSize()
	capacity := min(n, max(1, firstChunk/isz))
	if left, ok := remaining(r); ok {
		if uint64(n)*uint64(isz) > uint64(left) {
			return nil, truncated("the header promises %d bytes of data, and %d follow it", n*isz, left)
		}
		capacity = n // the data is there: read it in one piece
	}
	if err := checkMemory(n * isz); err != nil { // no overflow: parseHeader checked n*isz
		return nil, err
	}
	data := make([]T, 0, capacity)
	for len(data) < n {
		if len(data) == cap(data) {
			grown := make([]T, len(data), min(n, len(data)+min(len(data), maxChunk/isz)))
			copy(grown, data)
			data = grown
		}
		k := cap(data) - len(data)
		part := data[len(data) : len(data)+k]
		if _, err := io.ReadFull(r, bytesOf(part)); err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return nil, truncated("the data ends early: the header promises %d elements", n)
			}
			return nil, err
		}
		data = data[:len(data)+k]
	}
	return data, nil
}

// checkMemory refuses a copy of nbytes that ndview.MemoryLimit does not allow, with an error
// wrapping ndview.ErrOverflow, as ndview's own copies (ndview.New, Clone) panic with one.
// Like them, it lets requests of up to a mebibyte through without asking.
func checkMemory(nbytes int) error {
	if nbytes <= 1<<20 {
		return nil
	}
	if lim := ndview.MemoryLimit(); nbytes > lim {
		return errorOf([]error{ndview.ErrOverflow}, "the array's %d bytes exceed the memory limit of %d bytes (ndview.MemoryLimit: physical memory, cgroup and Go memory limits); map the file instead of copying it (npy.Map, npy.MapAt, npz.Map)", nbytes, lim)
	}
	return nil
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
//
// Load returns an error if the file is not a .npy array of T (wrapping ndview.ErrFormat,
// and io.ErrUnexpectedEOF too if it is shorter than its header says), if its data is more
// than ndview.MemoryLimit allows (ndview.ErrOverflow; Map views it without copying), or if
// opening or reading it fails (wrapping the *fs.PathError).
func Load[T ndview.Elem](path string) (*ndview.View[T], error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, withOp("npy.Load", path, err)
	}
	defer f.Close()
	v, err := read[T]("npy.Load", f)
	return v, withOp("npy.Load", path, err)
}

// Map maps the .npy file at path and returns a view of its data in place: read-only unless
// writable, in which case writes reach the file. The mapping closes when the last view made
// from it (this one and any derived from it) is released or collected.
//
// The file must stay as it is while it is mapped: if another process truncates it, reading
// a view of the lost part kills the process with SIGBUS (a bus error), which no Go code can
// catch. That is inherent to mapping files; use Load for files that others may change.
// npy.Save replaces a file instead of writing into it, so saving over a mapped file is safe.
//
// Map returns an error if the file is not a .npy array of T in this machine's byte order
// (wrapping ndview.ErrFormat; Load converts other byte orders), if its data does not start
// on a boundary T needs (ndview.ErrMisaligned; NumPy aligns it to 64 bytes), if the path is
// not a regular file (ndview.ErrFormat, as ndview.MapFile answers: a directory, or a named
// pipe or a device, which Load reads), or if opening or mapping it fails (wrapping the
// *fs.PathError).
func Map[T ndview.Elem](path string, writable bool) (*ndview.View[T], error) {
	v, err := mapFile[T](path, writable)
	return v, withOp("npy.Map", path, err)
}

func mapFile[T ndview.Elem](path string, writable bool) (*ndview.View[T], error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	switch {
	case fi.IsDir():
		return nil, formatError("a directory, not a .npy file")
	case !fi.Mode().IsRegular():
		return nil, formatError("not a regular file (%v), and only regular files can be mapped: use npy.Load", fi.Mode().Type())
	}
	if fs := pseudofs.Path(path); fs != "" {
		return nil, formatError("%s is on %s, a pseudo file system whose files have no fixed size, so it cannot be mapped: use npy.Load", path, fs)
	}
	m, err := ndview.MapFile(path, writable)
	if err != nil {
		return nil, err
	}
	v, err := mapView[T](m, 0, m.Len(), "npy.Map", false)
	if err != nil {
		m.Close()
		return nil, err
	}
	if err := m.CloseWhenUnused(); err != nil {
		v.Release()
		return nil, err
	}
	return v, nil
}

// mapView returns the view of the data of the .npy array stored at bytes [base,
// base+limit) of a mapping (which must lie within it); with exact, the array must fill them.
// The header is read from the mapping itself, so that it describes the very bytes that are
// mapped, even if the file at the path is replaced meanwhile. op is the public function.
func mapView[T ndview.Elem](m *ndview.Mapping, base, limit int, op string, exact bool) (*ndview.View[T], error) {
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
		return nil, formatError("the file holds %s values in the other byte order (%s), which cannot be viewed in place: use npy.Load, which converts", h.descr.goName(), h.descr)
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
			return nil, errorOf([]error{err}, "the data at byte %d is not aligned for %s: use npy.Load, which copies it", off, ndview.DTypeOf[T]())
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

// Write writes v as one .npy array: the header NumPy writes for the same array and the data
// in C order, or in Fortran order for a view that is Fortran- but not C-contiguous, copied
// out through ndview's copy engine in chunks.
//
// Any view can be written: up to 64 dimensions (ndview.MaxDims), as NumPy 2 reads them
// (NumPy 1.x reads at most 32).
//
// Write returns an error if v is released (wrapping ndview.ErrReleased), if T is BFloat16,
// which NumPy has no dtype for (ndview.ErrFormat), or if w fails (wrapping w's error).
func Write[T ndview.Elem](w io.Writer, v *ndview.View[T]) error {
	return withOp("npy.Write", "", write(w, v))
}

func write[T ndview.Elem](w io.Writer, v *ndview.View[T]) error {
	if v.Released() {
		return errorOf([]error{ndview.ErrReleased}, "the view is released")
	}
	d, ok := descrOf[T]()
	if !ok {
		return noDescr[T]("Write")
	}
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

// Save writes v to the file at path as np.save would. It writes a temporary file in the
// same directory and renames it over path, so a failure leaves any old file as it was, and
// saving over the file a view was mapped from (even that very view) is safe: the old
// mapping keeps the old data. A new file gets the permission bits os.WriteFile gives; a
// replaced one keeps its own.
//
// Save returns an error if v is released (wrapping ndview.ErrReleased), if T is BFloat16
// (ndview.ErrFormat), or if creating, writing or renaming the file fails (wrapping the
// *fs.PathError); the file at path is then as it was.
func Save[T ndview.Elem](path string, v *ndview.View[T]) error {
	if v.Released() {
		return withOp("npy.Save", path, errorOf([]error{ndview.ErrReleased}, "the view is released"))
	}
	if _, ok := descrOf[T](); !ok {
		return withOp("npy.Save", path, noDescr[T]("Save"))
	}
	err := atomicfile.Write(path, func(w io.Writer) error { return write(w, v) })
	return withOp("npy.Save", path, err)
}
