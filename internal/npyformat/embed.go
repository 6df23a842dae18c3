package npyformat

import (
	"io"

	"github.com/ndview/ndview"
)

// This file serves .npy arrays that live inside something else: a member of a zip archive
// (npz), a byte range of a mapped file, a record of a container format. An embedded array
// occupies a byte range exactly, header and data, and the container's word for its size is
// checked against the header before anything is allocated.

// MapAt returns a view, in place, of the .npy array stored at bytes [offset, offset+size) of
// m: its header is parsed from the mapping's bytes, the array (header and data) must fill
// the range exactly, and the view holds the mapping (m cannot be closed while it, or a view
// derived from it, lives). The view is read-only unless writable, which needs a writable
// mapping; writes through it reach the file. op is the public function called (npz.Map),
// which the remedy for a wrong T names; the error has no function name in front: the
// caller adds its own context.
//
// MapAt returns an error wrapping ndview.ErrFormat if the range lies outside the mapping
// (with io.ErrUnexpectedEOF), does not hold one .npy array of T, holds one of a different
// size, or holds values in the other byte order (Read and ReadSized convert those);
// ndview.ErrMisaligned if the data does not start on a boundary T needs; ndview.ErrReadOnly
// if writable is asked of a read-only mapping; and ndview.ErrReleased if m is closed.
func MapAt[T ndview.Elem](m *ndview.Mapping, offset, size int64, writable bool, op string) (*ndview.View[T], error) {
	if writable && !m.Writable() {
		return nil, ErrorOf([]error{ndview.ErrReadOnly}, "a writable view of a read-only mapping")
	}
	n := int64(m.Len())
	if offset < 0 || size < 0 || offset > n || size > n-offset {
		return nil, truncated("bytes [%d, %d+%d) are not within the %d-byte mapping", offset, offset, size, n)
	}
	v, err := MapView[T](m, int(offset), int(size), op, true)
	if err != nil {
		return nil, err
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
		return FormatError("the array is said to take %d bytes, but its %d-byte header and %d elements of %s take %d", size, hlen, h.size, h.descr, uint64(hlen)+uint64(h.nbytes))
	}
	return nil
}

// ReadSized reads one .npy array that occupies exactly size bytes of r, header and data, as
// a container that records its members' sizes (a zip or tar archive) says it does, and
// returns it with native values (converting the other byte order, as Read does). It reads
// nothing past those size bytes. op is the public function called (npz.Load), which the
// remedy for a wrong T names; the error has no function name in front: the caller adds its
// own context.
//
// The header is checked against size before anything is allocated, so a header that lies
// about a huge shape costs nothing. If r has a Len() int method (as *bytes.Reader has, and
// as WithLen gives any reader), it is trusted to say how many bytes remain and the data is
// read in one allocation; otherwise memory is allocated as the data arrives, so that a size
// that lies costs memory only in proportion to the data actually there.
//
// ReadSized returns an error wrapping ndview.ErrFormat for input that is not one .npy
// array of T of exactly size bytes, with io.ErrUnexpectedEOF where the input ends early.
func ReadSized[T ndview.Elem](r io.Reader, size int64, op string) (*ndview.View[T], error) {
	if size < 0 {
		return nil, FormatError("an array of a negative size %d", size)
	}
	lr := &io.LimitedReader{R: r, N: size}
	h, hlen, err := readHeader(lr)
	if err != nil {
		return nil, err
	}
	if !matches[T](h.descr) {
		return nil, mismatch[T](op, h.descr)
	}
	if err := fits(h, hlen, size); err != nil {
		return nil, err
	}
	var pr io.Reader = lr
	if l, ok := r.(interface{ Len() int }); ok {
		pr = WithLen(lr, min(l.Len(), h.nbytes))
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

// WithLen returns a reader that reads from r and reports, through a Len() int method, the
// n bytes known to remain, as a container that knows its member's size can say: ReadSized
// then reads the data in one allocation.
func WithLen(r io.Reader, n int) io.Reader { return &lenReader{r: r, n: n} }

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
