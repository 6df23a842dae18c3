// Package npz reads and writes NumPy .npz archives (np.savez, np.savez_compressed) as
// ndview views, and views stored members in place.
//
// An .npz file is a zip archive of .npy arrays, one member "name.npy" per array. Open maps
// the file and reads its zip directory (with Go's archive/zip); Names lists the arrays;
// Load copies one into memory, inflating it if it is compressed; Map views a stored one
// where it lies in the mapping, without copying.
//
// # Lifetimes
//
// Views made by Map hold the archive's mapping: Close returns an error wrapping
// ndview.ErrExported while any of them (or any view derived from one) is alive, and
// succeeds once they are all released (or collected by the garbage collector). Release
// them, or Load instead: views made by Load own their memory and outlive the archive.
// After Close, Load and Map return errors wrapping ndview.ErrReleased. An Archive is safe
// for concurrent use.
//
// # In place or copied
//
// Map needs a member that is stored (not compressed), not encrypted, in this machine's byte
// order, with its data aligned for T. NumPy's np.savez stores members at whatever offset
// they fall (their data is usually misaligned for elements wider than a byte), so Map of
// NumPy's files mostly returns ndview.ErrMisaligned; Save pads each member so that its data
// starts on a 64-byte boundary of the file, and Map works on every member Save writes.
// Map does not verify the member's CRC-32 (that would read all of it); Load does.
//
// # Hostile files
//
// Every number in an archive is checked before it is trusted: a member's data must lie
// within the file, a stored member's sizes must agree, a deflated member may not claim more
// than deflate can produce from its compressed size, and the .npy header inside must
// account for the member's declared size exactly, before anything is allocated. Inflating
// stops at the declared size. Garbage, truncated or lying archives give errors wrapping
// ndview.ErrFormat (and io.ErrUnexpectedEOF where data ends early), never a panic. A member
// whose shape's dimensions other than 0, times its item size, overflow an int (an empty
// array no one can make) is refused, with an error wrapping ndview.ErrOverflow too, by Load
// and Map; the archive's other members are served as usual.
//
// Members have up to 64 dimensions (ndview.MaxDims), as NumPy 2 reads and writes them.
package npz

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"strings"
	"sync"

	"github.com/ndview/ndview"
	"github.com/ndview/ndview/internal/npyformat"
	"github.com/ndview/ndview/internal/pseudofs"
)

// Archive is an open .npz file.
type Archive struct {
	path  string
	names []string             // in archive (central directory) order
	files map[string]*zip.File // by name, without ".npy"

	mu     sync.RWMutex // Load and Map read the mapping under RLock; Close takes Lock
	m      *ndview.Mapping
	data   []byte // the mapping's bytes, lent by one export that Close gives back
	closed bool
}

// maxDeflateRatio bounds how many bytes deflate can produce from one compressed byte: a
// 258-byte match costs at least 2 bits, so no deflate stream expands more than 1032 times
// (plus a little for tiny streams).
const (
	maxDeflateRatio = 1032
	deflateSlack    = 1 << 10
)

// Open maps the .npz file at path read-only and reads its zip directory. The names of its
// members, without ".npy", must be distinct.
//
// Open returns the error of mapping the file (an *fs.PathError inside), and an error
// wrapping ndview.ErrFormat for a path that is not a regular file (a directory, a named pipe
// or a device: ndview.MapFile refuses them, without blocking on a pipe), for a file that is
// not a zip archive, and for one that has two members of the same name (NumPy never writes
// those; Python's zipfile would silently take the last).
func Open(path string) (*Archive, error) {
	if fs := pseudofs.Path(path); fs != "" {
		return nil, failf("Open", path, nil, "on %s, a pseudo file system whose files have no fixed size, so it cannot be mapped; npz reads only through a mapping: copy the file to a regular file system first", fs)
	}
	m, err := ndview.MapFile(path, false)
	if err != nil {
		return nil, rewrap(err, "Open", path)
	}
	data, _, err := m.Export()
	if err != nil {
		m.Close()
		return nil, rewrap(err, "Open", path)
	}
	a := &Archive{path: path, m: m, data: data}
	if err := a.readDirectory(); err != nil {
		m.Unexport()
		m.Close()
		return nil, err
	}
	return a, nil
}

func (a *Archive) readDirectory() error {
	zr, err := zip.NewReader(bytes.NewReader(a.data), int64(len(a.data)))
	// ErrInsecurePath (under GODEBUG=zipinsecurepath=0) is for extractors: members are
	// never written to disk here, so a name such as "../x.npy" is only a name.
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return failf("Open", a.path, err, "not a zip archive")
	}
	a.files = make(map[string]*zip.File, len(zr.File))
	a.names = make([]string, 0, len(zr.File))
	for _, f := range zr.File {
		name := strings.TrimSuffix(f.Name, ".npy")
		if g, dup := a.files[name]; dup {
			return failf("Open", a.path, nil, "members %q and %q are both named %q", g.Name, f.Name, name)
		}
		a.files[name] = f
		a.names = append(a.names, name)
	}
	return nil
}

// Names returns the names of the archive's members in archive order, each without its
// ".npy" suffix (a member not named *.npy is listed under its whole name; Load and Map
// refuse it unless it holds a .npy array).
func (a *Archive) Names() []string { return append([]string(nil), a.names...) }

// Close unmaps the file. It returns an error wrapping ndview.ErrExported while any reachable
// view made by Map (or derived from one) is unreleased, and then leaves the archive open.
// Views the program has dropped do not count: Close collects them first, waiting up to the
// release timeout (ndview.AwaitRelease), which is what a refusal costs.
// Closing a closed archive does nothing.
func (a *Archive) Close() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		return nil
	}
	// Every other export is a view made by Map; none can start while the lock is held.
	ndview.AwaitRelease(func() bool { return a.m.Exports() == 1 })
	if n := a.m.Exports() - 1; n > 0 {
		views := "views made by Map still hold"
		if n == 1 {
			views = "view made by Map still holds"
		}
		return &ndview.Error{Op: "npz.Archive.Close", Path: a.path, Kind: ndview.ErrExported, Msg: fmt.Sprintf("%d %s the mapping; release them first (or Load, which copies); %s", n, views, ndview.ExportsHint(a.m))}
	}
	a.closed = true
	a.data = nil
	a.m.Unexport()
	if err := a.m.Close(); err != nil {
		return rewrap(err, "Archive.Close", a.path)
	}
	return nil
}

// member finds the member called name (as Names lists it, or by its whole zip name) and
// returns it with the offset of its data, checked to lie within the file. The caller holds
// a.mu.
func (a *Archive) member(fn, name string) (*zip.File, int64, error) {
	if a.closed {
		return nil, 0, &ndview.Error{Op: "npz." + fn, Path: a.path, Kind: ndview.ErrReleased, Msg: fmt.Sprintf("member %q: the archive is closed", name)}
	}
	f, ok := a.files[name]
	if !ok {
		if g, ok2 := a.files[strings.TrimSuffix(name, ".npy")]; ok2 && g.Name == name {
			f, ok = g, true
		}
	}
	if !ok {
		return nil, 0, failf(fn, a.path, nil, "member %q: no such member (Names lists them)", name)
	}
	if f.Flags&0x1 != 0 {
		return nil, 0, failf(fn, a.path, nil, "member %q is encrypted", name)
	}
	off, err := f.DataOffset()
	if err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, 0, failf(fn, a.path, err, "member %q: bad local header", name)
	}
	n := uint64(len(a.data))
	if off < 0 || uint64(off) > n || f.CompressedSize64 > n-uint64(off) {
		return nil, 0, failf(fn, a.path, io.ErrUnexpectedEOF, "member %q: its %d bytes at offset %d lie outside the %d-byte file", name, f.CompressedSize64, off, n)
	}
	switch f.Method {
	case zip.Store:
		if f.CompressedSize64 != f.UncompressedSize64 {
			return nil, 0, failf(fn, a.path, nil, "member %q: stored in %d bytes, it claims %d uncompressed", name, f.CompressedSize64, f.UncompressedSize64)
		}
	case zip.Deflate:
		if u := f.UncompressedSize64; u > deflateSlack && (u-deflateSlack)/maxDeflateRatio > f.CompressedSize64 {
			return nil, 0, failf(fn, a.path, nil, "member %q: %d deflated bytes cannot inflate to the %d it claims", name, f.CompressedSize64, f.UncompressedSize64)
		}
	default:
		return nil, 0, failf(fn, a.path, nil, "member %q: compression method %d is not supported (NumPy writes stored, 0, or deflated, 8)", name, f.Method)
	}
	return f, off, nil
}

// Load reads the member called name into memory as a view of T with native values,
// inflating a compressed member and converting the other byte order. The view owns its
// memory: it outlives Close.
//
// The member's declared size must be exactly what its .npy header says (checked before
// anything is allocated), and its CRC-32 must match, as Python's zipfile requires.
//
// Load returns an error wrapping ndview.ErrFormat for a name that is not in the archive, a
// member that is not a .npy array of T (the element type must match the stored dtype; it
// is never converted), and a member that is damaged or lies about its size (with
// io.ErrUnexpectedEOF where its data ends early); one wrapping ndview.ErrOverflow, without
// ErrFormat, for a member whose copy would exceed ndview.MemoryLimit (checked before
// anything is allocated; Map views a stored one without copying); and one wrapping
// ndview.ErrReleased after Close.
func Load[T ndview.Elem](a *Archive, name string) (*ndview.View[T], error) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	f, _, err := a.member("Load", name)
	if err != nil {
		return nil, err
	}
	rc, err := f.Open()
	if err != nil {
		return nil, failf("Load", a.path, err, "member %q", name)
	}
	defer rc.Close()
	var r io.Reader = rc
	// archive/zip skips the check of a CRC-32 of 0; Python's zipfile (and so np.load)
	// makes it, and so does Load.
	var sum *crcReader
	if f.CRC32 == 0 {
		sum = &crcReader{r: rc}
		r = sum
	}
	size := int64(f.UncompressedSize64) // no overflow: member bounded it by the file's length
	if f.Method == zip.Store {
		r = npyformat.WithLen(r, int(size)) // the data is in the file: read it in one piece
	}
	v, err := npyformat.ReadSized[T](r, size, "npz.Load")
	if err != nil {
		return nil, loadError(err, a.path, f, name)
	}
	// The member must end here, and its CRC-32 match (checked at the end of the data).
	var one [1]byte
	if _, err = io.ReadFull(rc, one[:]); err == io.EOF && sum != nil && sum.crc != 0 {
		err = zip.ErrChecksum
	}
	if err != io.EOF {
		v.Release()
		if err == nil {
			err = errors.New("data after the array")
		}
		return nil, loadError(err, a.path, f, name)
	}
	return v, nil
}

// loadError says what went wrong reading member f.
func loadError(err error, path string, f *zip.File, name string) error {
	switch {
	case errors.Is(err, zip.ErrChecksum):
		return failf("Load", path, err, "member %q: its CRC-32 does not match its data: it is damaged", name)
	case errors.Is(err, zip.ErrFormat): // archive/zip's word for inflating past the size
		return failf("Load", path, err, "member %q inflates to more than the %d bytes it declares", name, f.UncompressedSize64)
	}
	return failf("Load", path, err, "member %q", name)
}

// crcReader computes the CRC-32 of what it reads.
type crcReader struct {
	r   io.Reader
	crc uint32
}

func (c *crcReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.crc = crc32.Update(c.crc, crc32.IEEETable, p[:n])
	return n, err
}

// Map returns a read-only view of the member called name where it lies in the archive's
// mapping, without copying. The view holds the mapping: Close refuses until it, and every
// view derived from it, is released.
//
// Map returns an error wrapping ndview.ErrMisaligned if the member's data is not aligned
// for T (as in most files np.savez writes; Load copies it), and ndview.ErrFormat for a
// compressed member (Load inflates it), a member in the other byte order (Load converts
// it), and for everything Load refuses. Map does not check the member's CRC-32.
func Map[T ndview.Elem](a *Archive, name string) (*ndview.View[T], error) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	f, off, err := a.member("Map", name)
	if err != nil {
		return nil, err
	}
	if f.Method != zip.Store {
		return nil, failf("Map", a.path, nil, "member %q is compressed (method %d), so it cannot be viewed in place; use npz.Load, which inflates it", name, f.Method)
	}
	v, err := npyformat.MapAt[T](a.m, off, int64(f.UncompressedSize64), false, "npz.Map")
	if err != nil {
		if errors.Is(err, ndview.ErrMisaligned) {
			return nil, rewrapf(err, "Map", a.path, "member %q: its data is not aligned for %s; use npz.Load, which copies", name, ndview.DTypeOf[T]())
		}
		return nil, rewrapf(err, "Map", a.path, "member %q", name)
	}
	return v, nil
}

// rewrap returns err, from a call npz made, as the error of the public call npz.<fn> on the
// archive at path, keeping err (its sentinels, its *fs.PathError) in the chain.
func rewrap(err error, fn, path string) error {
	return rewrapf(err, fn, path, "")
}

// rewrapf is rewrap with context in front of err's message.
func rewrapf(err error, fn, path, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if e, ok := err.(*ndview.Error); ok {
		// ndview's own error (MapFile's, npyformat's): relabelled with the call the user
		// made, not the one npz made inside.
		c := *e
		c.Op, c.Path = "npz."+fn, path
		if msg != "" {
			c.Msg = msg + ": " + c.Msg
		}
		return &c
	}
	return &ndview.Error{Op: "npz." + fn, Path: path, Msg: msg, Err: err}
}

// failf returns the error of npz.<fn> on the archive at path: ndview.ErrFormat with cause
// (if any) inside, unless cause already says what kind of error this is (ErrFormat,
// ErrReleased, or ErrOverflow for a sound member too big to copy), when it only adds context.
func failf(fn, path string, cause error, format string, args ...any) error {
	e := &ndview.Error{Op: "npz." + fn, Path: path, Kind: ndview.ErrFormat, Msg: fmt.Sprintf(format, args...), Err: cause}
	if cause != nil && (errors.Is(cause, ndview.ErrFormat) || errors.Is(cause, ndview.ErrReleased) || errors.Is(cause, ndview.ErrOverflow)) {
		e.Kind = nil
	}
	return e
}
