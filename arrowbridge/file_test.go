package arrowbridge

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/ndview/ndview"
)

// inMapping reports whether v's elements lie in f's mapping.
func inMapping[T ndview.Elem](f *File, v *ndview.View[T]) bool {
	var first []T
	for r := range v.UnsafeRuns() {
		first = r
		break
	}
	b := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(first))), len(first)*v.ItemSize())
	_, ok := offsetIn(f.data, b)
	return ok
}

func writeTestFile(t testing.TB, path string) (*ndview.View[float32], *ndview.View[int64]) {
	t.Helper()
	images := arange[float32](4, 3, 5).Transpose(0, 2, 1) // a permuted batch
	labels := arange[int64](4, 1)
	ci, err := ToColumn(images, "w", "h")
	if err != nil {
		t.Fatal(err)
	}
	defer ci.Release()
	cl, err := ToColumn(labels)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Release()
	if err := WriteFile(path, []string{"images", "labels"}, []arrow.Array{ci, cl}); err != nil {
		t.Fatal(err)
	}
	return images, labels
}

func TestFileRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "batch.arrow")
	images, labels := writeTestFile(t, path)
	f, err := OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(f.Names(), []string{"images", "labels"}) || f.NumBatches() != 1 {
		t.Fatalf("names %q, %d batches", f.Names(), f.NumBatches())
	}
	tt, ok := f.Schema().Field(0).Type.(*TensorType)
	if !ok || !slices.Equal(tt.Permutation(), []int{1, 0}) || !slices.Equal(tt.DimNames(), []string{"h", "w"}) {
		t.Fatalf("images read as %s", f.Schema().Field(0).Type)
	}
	v, err := Column[float32](f, "images")
	if err != nil {
		t.Fatal(err)
	}
	if !ndview.Equal(v, images) || !slices.Equal(v.Shape(), images.Shape()) || !v.ReadOnly() {
		t.Fatalf("images read as %v", v)
	}
	if !inMapping(f, v) {
		t.Fatal("images were copied out of the mapping")
	}
	l, err := ColumnIn[int64](f, 0, "labels")
	if err != nil {
		t.Fatal(err)
	}
	if !ndview.Equal(l, labels) || !inMapping(f, l) {
		t.Fatalf("labels read as %v", l)
	}
	sub := l.Slice(0, 1, 3, 1) // a derived view holds the mapping too
	l.Release()
	v.Release()
	err = f.Close()
	wantErr(t, err, ndview.ErrExported, "Close")
	if sub.At(0, 0) != 1 {
		t.Fatal("mapping changed under a live view")
	}
	// A refused Close leaves the File open.
	again, err := Column[int64](f, "labels")
	if err != nil {
		t.Fatal(err)
	}
	again.Release()
	sub.Release()
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if f.m.Exports() != 0 || f.m.Len() != 0 {
		t.Fatalf("after Close the mapping has %d exports and %d bytes", f.m.Exports(), f.m.Len())
	}
	if err := f.Close(); err != nil {
		t.Fatal("second Close:", err)
	}
	_, err = Column[float32](f, "images")
	wantErr(t, err, ndview.ErrReleased, "Column")
}

func TestFileDroppedViewsLetClose(t *testing.T) {
	path := filepath.Join(t.TempDir(), "batch.arrow")
	writeTestFile(t, path)
	f, err := OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	func() {
		if _, err := Column[float32](f, "images"); err != nil { // dropped without Release
			t.Fatal(err)
		}
	}()
	eventually(t, "closing after the only view was dropped", func() bool { return f.Close() == nil })
}

func TestFileErrors(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "batch.arrow")
	writeTestFile(t, path)
	f, err := OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	_, err = Column[float32](f, "nope")
	wantErr(t, err, ndview.ErrFormat, "Column")
	_, err = Column[float64](f, "images")
	wantErr(t, err, ndview.ErrFormat, "Column")
	_, err = ColumnIn[float32](f, 1, "images")
	wantErr(t, err, ndview.ErrIndex, "ColumnIn")
	_, err = ColumnIn[float32](f, -1, "images")
	wantErr(t, err, ndview.ErrIndex, "ColumnIn")

	_, err = OpenFile(filepath.Join(dir, "missing.arrow"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("OpenFile of a missing file: %v", err)
	}
	var pe *fs.PathError
	if !errors.As(err, &pe) {
		t.Fatalf("%v does not keep the *fs.PathError", err)
	}

	good, _ := os.ReadFile(path)
	for name, data := range map[string][]byte{
		"empty":     nil,
		"garbage":   []byte("this is not an Arrow file, not at all, not even close"),
		"truncated": good[:len(good)/2],
		"no footer": good[:len(good)-10],
		"bad body":  corrupt(good),
	} {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(dir, name+".arrow")
			if err := os.WriteFile(p, data, 0o644); err != nil {
				t.Fatal(err)
			}
			f, err := OpenFile(p)
			if err != nil {
				wantErr(t, err, ndview.ErrFormat, "OpenFile")
				return
			}
			defer f.Close()
			for _, n := range f.Names() {
				if v, err := Column[float32](f, n); err == nil {
					v.Release()
				} else if !errors.Is(err, ndview.ErrFormat) {
					t.Fatalf("Column %q: %v", n, err)
				}
			}
		})
	}
}

// corrupt returns a copy of an IPC file whose record batch body offsets are damaged: every
// 8-byte aligned int64 that is a small buffer offset or length becomes huge.
func corrupt(good []byte) []byte {
	b := slices.Clone(good)
	for i := 8; i+8 <= len(b)/2; i += 8 {
		if b[i+7] == 0 && b[i+6] == 0 && b[i+5] == 0 && b[i+4] == 0 && b[i] != 0 {
			b[i+6] = 0x7f
		}
	}
	return b
}

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "batch.arrow")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	images, _ := writeTestFile(t, path) // replaces the old file
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("directory holds %v; temporary files left behind", entries)
	}
	f, err := OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	v, err := Column[float32](f, "images")
	if err != nil || !ndview.Equal(v, images) {
		t.Fatalf("%v %v", v, err)
	}
	v.Release()
	f.Close()

	// A failed write leaves the old file and nothing else.
	col, _ := ToColumn(arange[float32](2, 2))
	defer col.Release()
	err = WriteFile(filepath.Join(dir, "nodir", "x.arrow"), []string{"a"}, []arrow.Array{col})
	var pe *fs.PathError
	if !errors.As(err, &pe) {
		t.Fatalf("WriteFile into a missing directory: %v", err)
	}
	entries, _ = os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("directory holds %v after a failed write", entries)
	}
}

func TestWriteFileRefuses(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.arrow")
	a, _ := ToColumn(arange[float32](2, 2))
	defer a.Release()
	b, _ := ToColumn(arange[float32](3, 2))
	defer b.Release()
	wantErr(t, WriteFile(path, []string{"a"}, []arrow.Array{a, a}), ndview.ErrShape, "WriteFile")
	wantErr(t, WriteFile(path, []string{"a", "b"}, []arrow.Array{a, b}), ndview.ErrShape, "WriteFile")
	wantErr(t, WriteFile(path, []string{"a", "a"}, []arrow.Array{a, a}), ndview.ErrFormat, "WriteFile")
	wantErr(t, WriteFile(path, []string{""}, []arrow.Array{a}), ndview.ErrFormat, "WriteFile")
	wantErr(t, WriteFile(path, []string{"a"}, []arrow.Array{nil}), ndview.ErrFormat, "WriteFile")
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Fatal("a refused write created the file")
	}
}

// writeBatches writes an IPC file of several batches with arrow-go's writer directly, as
// another program would, with the given writer options (compression).
func writeBatches(t testing.TB, path string, batches int, opts ...ipc.Option) [][]float64 {
	t.Helper()
	mem := memory.NewGoAllocator()
	tt, _ := NewTensorType(arrow.PrimitiveTypes.Float64, []int{2, 3}, nil, nil)
	schema := arrow.NewSchema([]arrow.Field{{Name: "t", Type: tt}, {Name: "x", Type: arrow.PrimitiveTypes.Float64}}, nil)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w, err := ipc.NewFileWriter(f, append(opts, ipc.WithSchema(schema), ipc.WithAllocator(mem))...)
	if err != nil {
		t.Fatal(err)
	}
	var all [][]float64
	for k := range batches {
		rows := 3 + k
		vals := make([]float64, rows*6)
		for i := range vals {
			vals[i] = float64(1000*k + i)
		}
		all = append(all, vals)
		v, _ := ndview.FromSlice(vals, rows, 2, 3)
		col, _ := ToColumn(v)
		xb := array.NewFloat64Builder(mem)
		xb.AppendValues(vals[:rows], nil)
		x := xb.NewArray()
		rec := array.NewRecordBatch(schema, []arrow.Array{col, x}, int64(rows))
		if err := w.Write(rec); err != nil {
			t.Fatal(err)
		}
		rec.Release()
		col.Release()
		x.Release()
		xb.Release()
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return all
}

func TestFileBatches(t *testing.T) {
	for name, opts := range map[string][]ipc.Option{
		"plain": nil,
		"zstd":  {ipc.WithZstd()},
		"lz4":   {ipc.WithLZ4()},
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "batches.arrow")
			want := writeBatches(t, path, 3, opts...)
			f, err := OpenFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if f.NumBatches() != 3 {
				t.Fatalf("%d batches", f.NumBatches())
			}
			var views []*ndview.View[float64]
			for k := range 3 {
				v, err := ColumnIn[float64](f, k, "t")
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(v.Shape(), []int{3 + k, 2, 3}) {
					t.Fatalf("batch %d shape %v", k, v.Shape())
				}
				equalValues(t, v, want[k])
				if inMapping(f, v) != (name == "plain") {
					t.Fatalf("batch %d in the mapping: %v", k, inMapping(f, v))
				}
				x, err := ColumnIn[float64](f, k, "x")
				if err != nil {
					t.Fatal(err)
				}
				equalValues(t, x, want[k][:3+k])
				views = append(views, v, x)
			}
			// Every view holds the mapping, decompressed or not.
			wantErr(t, f.Close(), ndview.ErrExported, "Close")
			for _, v := range views {
				v.Release()
			}
			if err := f.Close(); err != nil {
				t.Fatal(err)
			}
			for _, v := range views[:1] {
				if !v.Released() {
					t.Fatal("view not released")
				}
			}
		})
	}
}

// TestFileColumnToArrow re-exports a column of a mapped file to Arrow (as a Flight server
// does): the Arrow column holds the mapping, so Close waits for Arrow too.
func TestFileColumnToArrow(t *testing.T) {
	path := filepath.Join(t.TempDir(), "batch.arrow")
	writeTestFile(t, path)
	f, err := OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	v, err := Column[float32](f, "images")
	if err != nil {
		t.Fatal(err)
	}
	col, err := ToColumn(v)
	if err != nil {
		t.Fatal(err)
	}
	v.Release()
	if !slices.Equal(col.DataType().(*TensorType).Permutation(), []int{1, 0}) {
		t.Fatalf("re-exported as %s", col.DataType())
	}
	wantErr(t, f.Close(), ndview.ErrExported, "Close")
	col.Release()
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestFileConcurrent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "batch.arrow")
	images, _ := writeTestFile(t, path)
	f, err := OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				v, err := Column[float32](f, "images")
				if err != nil {
					errs <- err
					return
				}
				if !ndview.Equal(v, images) {
					errs <- errors.New("wrong values")
				}
				v.Release()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}
