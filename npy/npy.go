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
// with NumPy's verdict on each (internal/npyformat/testdata/headers.json) keeps it so.
//
// A file whose element type differs from T is refused (ErrFormat), never converted: use the
// T that matches its descr ('<f8' is float64, '|u1' uint8, '<c8' complex64, '<f2'
// ndview.Float16; int, uint and uintptr are '<i8'/'<u8' on 64-bit platforms). ndview has no
// bool element type and NumPy no bfloat16, so bool files and ndview.BFloat16 views are
// refused. Garbage, truncated or lying files give errors wrapping ndview.ErrFormat, and
// io.ErrUnexpectedEOF where the data ends early; a shape whose dimensions other than 0,
// times the item size, overflow an int describes no array ndview (or NumPy) can make, even
// an empty one, and its errors wrap ndview.ErrOverflow too. Nothing panics, nothing is read
// past the array, and nothing is allocated for data that is not there. A copy (Load, Read) that
// would exceed ndview.MemoryLimit is refused, before anything is allocated, with an error
// wrapping ndview.ErrOverflow: Map such files instead.
//
// Every error names the function called ("ndview: npy.Load a.npy: ..."), wraps ndview's
// sentinels, and keeps the *fs.PathError of a failed system call inside.
package npy

import (
	"io"
	"os"

	"github.com/ndview/ndview"
	"github.com/ndview/ndview/internal/atomicfile"
	"github.com/ndview/ndview/internal/npyformat"
	"github.com/ndview/ndview/internal/pseudofs"
)

// Read reads one .npy array from r into memory, with native values, consuming exactly the
// array's bytes (so arrays can be concatenated in one stream).
//
// Read returns an error if the input is not a .npy array of T (wrapping ndview.ErrFormat,
// and io.ErrUnexpectedEOF too if it ends early), if the array's bytes are more than
// ndview.MemoryLimit allows (ndview.ErrOverflow), or if r fails (wrapping r's error).
func Read[T ndview.Elem](r io.Reader) (*ndview.View[T], error) {
	v, err := npyformat.Read[T](r, "npy.Read")
	return v, npyformat.WithOp("npy.Read", "", err)
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
		return nil, npyformat.WithOp("npy.Load", path, err)
	}
	defer f.Close()
	v, err := npyformat.Read[T](f, "npy.Load")
	return v, npyformat.WithOp("npy.Load", path, err)
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
	return v, npyformat.WithOp("npy.Map", path, err)
}

func mapFile[T ndview.Elem](path string, writable bool) (*ndview.View[T], error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	switch {
	case fi.IsDir():
		return nil, npyformat.FormatError("a directory, not a .npy file")
	case !fi.Mode().IsRegular():
		return nil, npyformat.FormatError("not a regular file (%v), and only regular files can be mapped: use npy.Load", fi.Mode().Type())
	}
	if fs := pseudofs.Path(path); fs != "" {
		return nil, npyformat.FormatError("%s is on %s, a pseudo file system whose files have no fixed size, so it cannot be mapped: use npy.Load", path, fs)
	}
	m, err := ndview.MapFile(path, writable)
	if err != nil {
		return nil, err
	}
	v, err := npyformat.MapView[T](m, 0, m.Len(), "npy.Map", false)
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
	return npyformat.WithOp("npy.Write", "", npyformat.Write(w, v, "npy.Write"))
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
	if err := npyformat.CanWrite(v, "npy.Save"); err != nil {
		return npyformat.WithOp("npy.Save", path, err)
	}
	err := atomicfile.Write(path, func(w io.Writer) error { return npyformat.Write(w, v, "npy.Save") })
	return npyformat.WithOp("npy.Save", path, err)
}
