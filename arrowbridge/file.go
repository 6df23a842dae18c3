package arrowbridge

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/endian"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/ndview/ndview"
)

// WriteFile writes the columns as one record batch to an Arrow IPC file (the "Feather v2"
// file format) at path, named by names. Columns of any Arrow type may be written; tensor
// columns keep their TensorType, which other Arrow implementations read as
// arrow.fixed_shape_tensor. The write is atomic: the file is written under a temporary name
// in the same directory, synced, and renamed over path, so readers see the old file or the
// whole new one.
//
// WriteFile returns an error wrapping ErrShape if names and columns differ in number or the
// columns in length, ErrFormat for an empty or repeated name or a nil column, and the
// *fs.PathError of a failed write.
func WriteFile(path string, names []string, columns []arrow.Array) error {
	const fn = "WriteFile"
	if len(names) != len(columns) {
		return errorf(ndview.ErrShape, fn, "%d names for %d columns", len(names), len(columns))
	}
	fields := make([]arrow.Field, len(columns))
	rows := 0
	for i, c := range columns {
		switch {
		case c == nil:
			return errorf(ndview.ErrFormat, fn, "column %q is nil", names[i])
		case names[i] == "":
			return errorf(ndview.ErrFormat, fn, "column %d has no name", i)
		case slices.Contains(names[:i], names[i]):
			return errorf(ndview.ErrFormat, fn, "column name %q is repeated", names[i])
		case i > 0 && c.Len() != rows:
			return errorf(ndview.ErrShape, fn, "column %q has %d rows, column %q %d", names[i], c.Len(), names[0], rows)
		}
		rows = c.Len()
		fields[i] = arrow.Field{Name: names[i], Type: c.DataType(), Nullable: c.NullN() > 0}
	}
	schema := arrow.NewSchema(fields, nil)
	rec := array.NewRecordBatch(schema, columns, int64(rows))
	defer rec.Release()
	err := ndview.WriteFileAtomic(path, func(f io.Writer) error {
		w, err := ipc.NewFileWriter(f, ipc.WithSchema(schema))
		if err != nil {
			return err
		}
		if err := w.Write(rec); err != nil {
			w.Close()
			return err
		}
		return w.Close()
	})
	var ne *ndview.Error
	if err != nil && !errors.As(err, &ne) {
		return fmt.Errorf("ndview: arrowbridge.%s %s: %w", fn, path, err)
	}
	return err
}

// File is an Arrow IPC file mapped into memory. Column and ColumnIn view its columns in
// place; the views hold the mapping, and Close refuses while any of them is alive. A File is
// safe for concurrent use.
type File struct {
	mu     sync.Mutex
	path   string
	m      *ndview.Mapping // exported once by the File itself, and once per live view
	data   []byte          // the mapped bytes, valid while the File's export is held
	meta   *ipcMeta        // the checked metadata (ipcmeta.go)
	r      *ipc.FileReader
	schema *arrow.Schema
	names  []string
	nbatch int
	closed bool
}

// OpenFile maps the Arrow IPC file at path (read-only) and reads its footer and schema;
// record batches are read when Column asks for them. Arrow files written by any
// implementation are read, with any number of batches. The file's metadata is checked
// before anything is read through it, so that a damaged or hostile file is refused, never a
// reason to allocate what it claims or to read outside it.
//
// OpenFile returns the errors of ndview.MapFile, and an error wrapping ErrFormat for a file
// that is not an Arrow IPC file (or is damaged), is big-endian (mapped memory cannot be
// byte-swapped in place), or has dictionary-encoded columns (arrow-go's mapped reader cannot
// read them).
func OpenFile(path string) (*File, error) {
	const fn = "OpenFile"
	m, err := ndview.MapFile(path, false)
	if err != nil {
		return nil, wrapIO(fn, err)
	}
	data, _, err := m.Export() // the File's own export, given back by Close
	if err != nil {
		m.Close()
		return nil, wrap(fn, err)
	}
	fail := func(err error) (*File, error) {
		m.Unexport()
		m.Close()
		return nil, err
	}
	meta, err := checkFile(data)
	if err != nil {
		return fail(errorf(ndview.ErrFormat, fn, "%s: %v", path, err))
	}
	var (
		r      *ipc.FileReader
		schema *arrow.Schema
		names  []string
		nbatch int
	)
	err = guard(func() error {
		var err error
		r, err = ipc.NewMappedFileReader(data, ipc.WithEnsureNativeEndian(false), ipc.WithAllocator(new(boundedAllocator)))
		if err != nil {
			return err
		}
		schema, nbatch = r.Schema(), r.NumRecords()
		names = make([]string, schema.NumFields())
		for i, f := range schema.Fields() {
			names[i] = f.Name
		}
		return nil
	})
	if err == nil && (nbatch != len(meta.batches) || len(names) != len(meta.fields)) {
		err = fmt.Errorf("arrow-go reads %d batches and %d columns, the footer holds %d and %d", nbatch, len(names), len(meta.batches), len(meta.fields))
	}
	if err != nil {
		if r != nil {
			r.Close()
		}
		return fail(errorf(ndview.ErrFormat, fn, "%s: %v", path, err))
	}
	if !schema.IsNativeEndian() {
		r.Close()
		return fail(errorf(ndview.ErrFormat, fn, "%s is %s-endian; mapped memory cannot be byte-swapped, read it with ipc.NewFileReader instead", path, endianName(schema.Endianness())))
	}
	return &File{path: path, m: m, data: data, meta: meta, r: r, schema: schema, names: names, nbatch: nbatch}, nil
}

func endianName(e endian.Endianness) string {
	if e == endian.BigEndian {
		return "big"
	}
	return "little"
}

// wrapIO labels the error of an I/O call with fn, keeping the *fs.PathError inside.
func wrapIO(fn string, err error) error {
	var ne *ndview.Error
	if errors.As(err, &ne) {
		return wrap(fn, err)
	}
	return fmt.Errorf("ndview: arrowbridge.%s: %w", fn, err)
}

// guard runs f, turning a panic into an error: arrow-go's IPC reader panics on some damaged
// files (checkFile and checkBatch refuse those they know of first), and boundedAllocator
// panics with allocRefused.
func guard(f func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			if e, ok := p.(allocRefused); ok {
				err = e
				return
			}
			err = fmt.Errorf("damaged file: %v", p)
		}
	}()
	return f()
}

// boundedAllocator is the memory.Allocator of a File's IPC reader: arrow-go allocates through
// it the buffers it decompresses. checkBatch has bounded what each of them may claim before
// arrow-go reads a batch; should arrow-go ask for more than ndview.MemoryLimit all the same,
// the allocator panics with allocRefused, which guard turns into an error, instead of
// letting the runtime die of an allocation no memory holds.
type boundedAllocator struct{ mem memory.GoAllocator }

var _ memory.Allocator = (*boundedAllocator)(nil)

// allocRefused is the panic value of boundedAllocator.
type allocRefused struct{ n, limit int }

func (e allocRefused) Error() string {
	return fmt.Sprintf("an allocation of %d bytes exceeds the memory limit of %d bytes (ndview.MemoryLimit)", e.n, e.limit)
}

func (a *boundedAllocator) check(n int) {
	if lim := ndview.MemoryLimit(); n < 0 || n > lim {
		panic(allocRefused{n, lim})
	}
}

func (a *boundedAllocator) Allocate(n int) []byte {
	a.check(n)
	return a.mem.Allocate(n)
}

func (a *boundedAllocator) Reallocate(n int, b []byte) []byte {
	a.check(n)
	return a.mem.Reallocate(n, b)
}

func (a *boundedAllocator) Free(b []byte) { a.mem.Free(b) }

// Names returns the names of the file's columns, in schema order.
func (f *File) Names() []string { return slices.Clone(f.names) }

// Schema returns the file's Arrow schema.
func (f *File) Schema() *arrow.Schema { return f.schema }

// NumBatches returns the number of record batches in the file.
func (f *File) NumBatches() int { return f.nbatch }

// Close unmaps the file. It returns an error wrapping ErrExported while any reachable view of
// a column (or any view derived from one) is unreleased. Views the program has dropped do
// not count: Close collects them first, waiting up to the release timeout
// (ndview.AwaitRelease), which is what a refusal costs. Closing a closed File does nothing.
func (f *File) Close() error {
	const fn = "Close"
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return nil
	}
	// The File's own export is one; every view made by Column (with the views derived
	// from it) holds another. Views are made only under f.mu, so the count cannot rise
	// from 1 meanwhile.
	ndview.AwaitRelease(func() bool { return f.m.Exports() == 1 })
	if n := f.m.Exports() - 1; n > 0 {
		views := "live views"
		if n == 1 {
			views = "live view"
		}
		return errorf(ndview.ErrExported, fn, "%s has %d %s the program still uses; release them first; %s", f.path, n, views, ndview.ExportsHint(f.m))
	}
	f.closed = true
	f.r.Close()
	f.data = nil
	f.m.Unexport()
	if err := f.m.Close(); err != nil {
		return wrapIO(fn, err)
	}
	return nil
}

// Column returns a read-only view of the named column of the file's first record batch, in
// place in the mapping: see ColumnIn.
func Column[T ndview.Elem](f *File, name string) (*ndview.View[T], error) {
	return column[T]("Column", f, 0, name)
}

// ColumnIn returns a read-only view of the named column of record batch batch, as
// FromColumn views a column: shape (rows, logical tensor shape...) for a TensorType column,
// (rows, sizes...) for a FixedSizeList column, (rows) for a primitive one. The view points
// into the mapping (no copy) and holds it until the view and every view derived from it are
// released or collected. A batch with compressed buffers (LZ4 or ZSTD) is decompressed into
// memory: that view is a copy, and holds the mapping all the same.
//
// ColumnIn returns an error wrapping ErrReleased after Close, ErrIndex for a batch out of
// range, and ErrFormat for an unknown name, a damaged batch, and everything FromColumn
// refuses. A compressed buffer that says it decompresses to more than its column's metadata
// implies (length × width, for fixed-width buffers), than its compressed frames can hold, or
// (with the batch's other buffers) than ndview.MemoryLimit is a damaged batch: it is refused
// before anything is allocated.
func ColumnIn[T ndview.Elem](f *File, batch int, name string) (*ndview.View[T], error) {
	return column[T]("ColumnIn", f, batch, name)
}

func column[T ndview.Elem](fn string, f *File, batch int, name string) (*ndview.View[T], error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return nil, errorf(ndview.ErrReleased, fn, "%s is closed", f.path)
	}
	if batch < 0 || batch >= f.nbatch {
		return nil, errorf(ndview.ErrIndex, fn, "batch %d out of range [0:%d) in %s", batch, f.nbatch, f.path)
	}
	i := slices.Index(f.names, name)
	if i < 0 {
		return nil, errorf(ndview.ErrFormat, fn, "%s has no column %q; its columns are %q", f.path, name, f.names)
	}
	var (
		rec arrow.RecordBatch
		l   colLayout[T]
	)
	err := f.meta.checkBatch(f.data, batch)
	if err == nil {
		err = guard(func() error {
			var err error
			if rec, err = f.r.RecordBatchAt(batch); err != nil {
				return err
			}
			if rec.NumCols() != int64(len(f.names)) {
				return fmt.Errorf("%d columns, the schema has %d", rec.NumCols(), len(f.names))
			}
			l, err = layoutOf[T](fn, rec.Column(i))
			return err
		})
	}
	if rec != nil {
		defer rec.Release()
	}
	var ne *ndview.Error
	if errors.As(err, &ne) {
		return nil, err // layoutOf's, already labelled
	} else if err != nil {
		e := &ndview.Error{Op: "arrowbridge." + fn, Kind: ndview.ErrFormat, Msg: fmt.Sprintf("batch %d of %s: %v", batch, f.path, err)}
		if errors.Is(err, ndview.ErrOverflow) {
			e.Err = ndview.ErrOverflow // too large, and maybe a lie: both
		}
		return nil, e
	}
	off, inMap := offsetIn(f.data, l.b)
	if !inMap {
		// Decompressed (or empty): Arrow memory of its own, retained by the view, which
		// exports the mapping too, so that Close waits for it as for any other view.
		return l.view(fn, f.m)
	}
	whole, err := ndview.FromExporter[uint8](f.m) // the view's own export of the mapping
	if err != nil {
		return nil, wrap(fn, err)
	}
	sub := whole.Slice(0, off, off+len(l.b), 1)
	whole.Release()
	defer sub.Release()
	v, err := ndview.Cast[T](sub, l.shape...)
	if errors.Is(err, ndview.ErrMisaligned) {
		return l.view(fn, f.m) // a copy
	}
	if err != nil {
		return nil, wrap(fn, err)
	}
	return l.permute(v), nil
}
