package npyformat

import (
	"errors"
	"io"
	"math/bits"
	"os"

	"github.com/ndview/ndview"
)

// Read reads one .npy array from r into memory, with native values, consuming exactly the
// array's bytes: what npy.Read and npy.Load do. op is the public function called, which
// the remedy for a wrong T names; the error has no function name in front (see WithOp).
func Read[T ndview.Elem](r io.Reader, op string) (*ndview.View[T], error) {
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
		return ErrorOf([]error{ndview.ErrOverflow}, "the array's %d bytes exceed the memory limit of %d bytes (ndview.MemoryLimit: physical memory, cgroup and Go memory limits); map the file instead of copying it (npy.Map, npz.Map)", nbytes, lim)
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

// bytesOf returns the bytes of s, through a view and a cast: the package needs no unsafe.
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
