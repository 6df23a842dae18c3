package arrowbridge

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/ndview/ndview"
)

// readEverything opens the IPC file at path and views every column of every batch as the
// element type its schema says (uint8 for columns no view reads), reading every value. Every
// error must wrap ErrFormat (OpenFile may also give an *fs.PathError) and name the public
// function; it reports how many calls were refused. A panic fails the caller. With maxAlloc
// > 0, no call may allocate more than maxAlloc bytes.
func readEverything(t testing.TB, path string, maxAlloc uint64) (opened bool, refused int, err error) {
	t.Helper()
	var before, after runtime.MemStats
	measure := func(what string, call func() error) error {
		if maxAlloc == 0 {
			return call()
		}
		runtime.ReadMemStats(&before)
		err := call()
		runtime.ReadMemStats(&after)
		if grew := after.TotalAlloc - before.TotalAlloc; grew > maxAlloc {
			t.Fatalf("%s allocated %d bytes", what, grew)
		}
		return err
	}
	var f *File
	err = measure("OpenFile", func() (err error) {
		f, err = OpenFile(path)
		return err
	})
	if err != nil {
		var pe *fs.PathError
		if !errors.As(err, &pe) {
			wantFormat(t, err, "OpenFile")
		}
		return false, 0, err
	}
	names := f.Names()
	if len(names) != f.Schema().NumFields() {
		t.Fatalf("%d names, %d fields", len(names), f.Schema().NumFields())
	}
	var first error
	for b := range f.NumBatches() {
		for i, name := range names {
			err := measure(fmt.Sprintf("ColumnIn(%d, %q)", b, name), func() error {
				return readColumn(f, b, name, f.Schema().Field(i).Type)
			})
			if err != nil {
				wantFormat(t, err, "ColumnIn")
				refused++
				if first == nil {
					first = err
				}
			}
		}
	}
	if len(names) > 0 && f.NumBatches() > 0 {
		if v, err := Column[uint8](f, names[0]); err == nil {
			v.Release()
		} else {
			wantFormat(t, err, "Column")
		}
	}
	if err := f.Close(); err != nil {
		t.Fatalf("Close after every view was released: %v", err)
	}
	return true, refused, first
}

// wantFormat fails unless err wraps ErrFormat and names fn.
func wantFormat(t testing.TB, err error, fn string) {
	t.Helper()
	if !errors.Is(err, ndview.ErrFormat) || !strings.HasPrefix(err.Error(), "ndview: arrowbridge."+fn+":") {
		t.Fatalf("%s: %v; want an error wrapping ErrFormat that names %s", fn, err, fn)
	}
}

// readColumn views column name of batch b as the element type of typ and reads its values.
func readColumn(f *File, b int, name string, typ arrow.DataType) error {
	leaf := typ
	for {
		switch dt := leaf.(type) {
		case arrow.ExtensionType:
			leaf = dt.StorageType()
			continue
		case *arrow.FixedSizeListType:
			leaf = dt.Elem()
			continue
		}
		break
	}
	switch leaf.ID() {
	case arrow.INT8:
		return readAs[int8](f, b, name)
	case arrow.INT16:
		return readAs[int16](f, b, name)
	case arrow.INT32:
		return readAs[int32](f, b, name)
	case arrow.INT64:
		return readAs[int64](f, b, name)
	case arrow.UINT16:
		return readAs[uint16](f, b, name)
	case arrow.UINT32:
		return readAs[uint32](f, b, name)
	case arrow.UINT64:
		return readAs[uint64](f, b, name)
	case arrow.FLOAT16:
		return readAs[ndview.Float16](f, b, name)
	case arrow.FLOAT32:
		return readAs[float32](f, b, name)
	case arrow.FLOAT64:
		return readAs[float64](f, b, name)
	}
	return readAs[uint8](f, b, name)
}

func readAs[T ndview.Elem](f *File, b int, name string) error {
	v, err := ColumnIn[T](f, b, name)
	if err != nil {
		return err
	}
	defer v.Release()
	var sink T
	for x := range v.Values() {
		sink = x
	}
	_ = sink
	return nil
}

// compressedBuffers returns where the 8-byte uncompressed-length prefixes of an IPC file's
// compressed body buffers lie, found as an 8-aligned prefix followed by an LZ4 frame or
// Zstandard frame magic number.
func compressedBuffers(data []byte) []int {
	var at []int
	for i := 8; i+4 <= len(data); i += 8 {
		m := binary.LittleEndian.Uint32(data[i:])
		if m != 0x184D2204 && m != 0xFD2FB528 {
			continue
		}
		if n := int64(binary.LittleEndian.Uint64(data[i-8:])); n > 0 && n < 1<<31 {
			at = append(at, i-8)
		}
	}
	return at
}

// writeDictFile writes an IPC file, compressed with ZSTD, with a dictionary-encoded column
// (whose dictionary arrow-go decompresses when the file is opened) and a plain one.
func writeDictFile(t testing.TB, path string) {
	t.Helper()
	mem := memory.NewGoAllocator()
	dt := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.PrimitiveTypes.Float64}
	schema := arrow.NewSchema([]arrow.Field{{Name: "d", Type: dt}, {Name: "x", Type: arrow.PrimitiveTypes.Float64}}, nil)
	db := array.NewFloat64Builder(mem)
	for i := range 200 {
		db.Append(float64(i) * 1.5)
	}
	dict := db.NewArray()
	defer dict.Release()
	ib := array.NewInt32Builder(mem)
	xb := array.NewFloat64Builder(mem)
	for i := range 300 {
		ib.Append(int32(i % 200))
		xb.Append(float64(i))
	}
	idx, x := ib.NewArray(), xb.NewArray()
	defer idx.Release()
	defer x.Release()
	d := array.NewDictionaryArray(dt, idx, dict)
	defer d.Release()
	rec := array.NewRecordBatch(schema, []arrow.Array{d, x}, 300)
	defer rec.Release()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w, err := ipc.NewFileWriter(f, ipc.WithSchema(schema), ipc.WithAllocator(mem), ipc.WithZstd())
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestCompressedLengthLies patches the 8-byte uncompressed length in front of compressed body
// buffers with lies: sizes no memory holds, a size that fits in memory but not in what the
// batch's metadata says the buffer holds, a little more than the truth, and negative ones
// (-1 says "stored uncompressed"). Every column must then be viewed or refused with
// ErrFormat, no call allocating anywhere near what the lie claims.
func TestCompressedLengthLies(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(1 << 30))
	dir := t.TempDir()
	lies := []struct {
		name    string
		lie     func(truth int64) int64
		refused bool // some column must be refused
	}{
		{"2^45", func(int64) int64 { return 1 << 45 }, true},
		{"2^62", func(int64) int64 { return 1 << 62 }, true},
		{"MaxInt64", func(int64) int64 { return math.MaxInt64 }, true},
		{"256 MiB", func(int64) int64 { return 256 << 20 }, true}, // within the memory limit
		{"truth+1", func(n int64) int64 { return n + 1 }, true},
		{"truth+64", func(n int64) int64 { return n + 64 }, true},
		{"-1", func(int64) int64 { return -1 }, false}, // uncompressed: garbage, or too short
		{"-2", func(int64) int64 { return -2 }, true},
		{"MinInt64", func(int64) int64 { return math.MinInt64 }, true},
	}
	sources := []string{filepath.Join("testdata", "js_tensors_zstd.arrow")}
	if !raceEnabled {
		sources = append(sources, filepath.Join("testdata", "js_tensors_lz4.arrow"))
	}
	for _, w := range []struct {
		name string
		opt  ipc.Option
	}{{"zstd", ipc.WithZstd()}, {"lz4", ipc.WithLZ4()}} {
		p := filepath.Join(dir, "batches_"+w.name+".arrow") // written by arrow-go
		writeBatches(t, p, 3, w.opt)
		sources = append(sources, p)
	}
	path := filepath.Join(dir, "lie.arrow")
	for _, src := range sources {
		good, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		at := compressedBuffers(good)
		if len(at) < 3 {
			t.Fatalf("%s: %d compressed buffers found", src, len(at))
		}
		at = []int{at[0], at[len(at)/2], at[len(at)-1]}
		for _, lie := range lies {
			t.Run(filepath.Base(src)+"/"+lie.name, func(t *testing.T) {
				for _, p := range at {
					bad := append([]byte(nil), good...)
					truth := int64(binary.LittleEndian.Uint64(bad[p:]))
					binary.LittleEndian.PutUint64(bad[p:], uint64(lie.lie(truth)))
					if err := os.WriteFile(path, bad, 0o644); err != nil {
						t.Fatal(err)
					}
					t.Logf("buffer at byte %d (truly %d bytes) said to be %d", p, truth, lie.lie(truth))
					opened, refused, _ := readEverything(t, path, 64<<20)
					if lie.refused && opened && refused == 0 {
						t.Fatalf("buffer at byte %d (truly %d bytes) said to be %d: no column refused", p, truth, lie.lie(truth))
					}
				}
			})
		}
	}
}

// TestOpenFileDictionary opens a file with a dictionary-encoded column, which arrow-go's
// mapped reader cannot read (it panics on a nil map): refused, saying why.
func TestOpenFileDictionary(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dict.arrow")
	writeDictFile(t, path)
	_, err := OpenFile(path)
	wantErr(t, err, ndview.ErrFormat, "OpenFile")
	if !strings.Contains(err.Error(), "dictionary-encoded") {
		t.Fatalf("%v does not say why", err)
	}
}

// damageSources returns valid IPC files to damage: the committed ones and some written here.
func damageSources(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	written := filepath.Join(dir, "written.arrow")
	writeTestFile(t, written)
	batches := filepath.Join(dir, "batches_lz4.arrow")
	writeBatches(t, batches, 2, ipc.WithLZ4())
	dict := filepath.Join(dir, "dict.arrow")
	writeDictFile(t, dict)
	paths := []string{
		filepath.Join("testdata", "js_tensors.arrow"),
		filepath.Join("testdata", "js_tensors_zstd.arrow"),
		written, batches, dict,
	}
	if !raceEnabled {
		paths = append(paths, filepath.Join("testdata", "js_tensors_lz4.arrow"))
	}
	out := map[string][]byte{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(p)] = b
	}
	return out
}

// TestOpenFileTruncated opens every valid file cut at every third byte: each must be refused
// with ErrFormat or read with nothing but ErrFormat refusals.
func TestOpenFileTruncated(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "cut.arrow")
	for _, good := range damageSources(t, dir) {
		if err := os.WriteFile(path, good, 0o644); err != nil {
			t.Fatal(err)
		}
		for n := len(good) - 1; n >= 0; n-- {
			if n%3 != 0 {
				continue
			}
			if err := os.Truncate(path, int64(n)); err != nil {
				t.Fatal(err)
			}
			readEverything(t, path, 0)
		}
	}
}

// TestOpenFileBitFlips flips one to three random bits (a fixed seed) of valid files, in 400
// cases, half of them in the footer, where the schema and the batch index lie: every
// damaged file must be refused with
// ErrFormat or read with nothing but ErrFormat refusals; never a panic, a hang or a fatal
// error.
func TestOpenFileBitFlips(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "flipped.arrow")
	rng := rand.New(rand.NewPCG(16, 6))
	sources := damageSources(t, dir)
	names := make([]string, 0, len(sources))
	for name := range sources {
		names = append(names, name)
	}
	slices.Sort(names)
	perFile := 400 / len(names)
	for _, name := range names {
		good := sources[name]
		footer := int(binary.LittleEndian.Uint32(good[len(good)-10:])) + 10
		for k := range perFile {
			bad := append([]byte(nil), good...)
			flips := 1 + rng.IntN(3)
			for range flips {
				var i int
				if k%2 == 0 && footer <= len(bad) {
					i = len(bad) - footer + rng.IntN(footer-10) // the footer's flatbuffer
				} else {
					i = rng.IntN(len(bad))
				}
				bad[i] ^= 1 << rng.IntN(8)
			}
			if err := os.WriteFile(path, bad, 0o644); err != nil {
				t.Fatal(err)
			}
			readEverything(t, path, 0)
		}
	}
}
