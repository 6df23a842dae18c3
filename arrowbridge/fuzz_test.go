package arrowbridge

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/ndview/ndview"
)

// FuzzOpenFile writes its input to a file and reads all of it as a program would: OpenFile,
// Names, NumBatches, Column and ColumnIn of every column of every batch (each as the
// element type its schema says), every value, Close. Nothing may panic, hang or die; every
// error wraps ErrFormat (or is the *fs.PathError of an I/O call) and names the function;
// and reading an input of a few KB allocates nothing like a GiB (a compressed buffer whose
// length and field node both lie once made every ColumnIn allocate 2 GiB).
// Seeded with the committed files (Arrow JS's, compressed and not) and files arrow-go
// writes: WriteFile's, batches compressed with LZ4 and ZSTD, a column of every type, a
// dictionary.
//
//	go test -run='^$' -fuzz='^FuzzOpenFile$' -fuzztime=15000x
func FuzzOpenFile(f *testing.F) {
	for _, name := range []string{"js_tensors.arrow", "js_tensors_lz4.arrow", "js_tensors_zstd.arrow", "js_tensors_zstd_badprefix.arrow"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	dir := f.TempDir()
	writers := []func(string){
		func(p string) { writeTestFile(f, p) },
		func(p string) { writeBatches(f, p, 2, ipc.WithLZ4()) },
		func(p string) { writeBatches(f, p, 2, ipc.WithZstd()) },
		func(p string) { writeEveryType(f, p) },
		func(p string) { writeEveryType(f, p, ipc.WithZstd()) },
		func(p string) { writeDictFile(f, p) },
	}
	for i, write := range writers {
		p := filepath.Join(dir, fmt.Sprintf("seed%d.arrow", i))
		write(p)
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	n := 0
	f.Fuzz(func(t *testing.T, data []byte) {
		n++ // a new file each time: a mapping of the last one may be alive until collected
		path := filepath.Join(dir, fmt.Sprintf("fuzz%d.arrow", n))
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		defer os.Remove(path)
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		readEverything(t, path, 0)
		runtime.ReadMemStats(&after)
		if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<30 {
			t.Fatalf("reading %d bytes allocated %d", len(data), grew)
		}
	})
}

// FuzzTensorMetadata deserializes arbitrary metadata of TensorType over a FixedSizeList of
// one of several sizes and value types, as a file's schema gives it: every error wraps
// ErrFormat and names Deserialize, and metadata it accepts serializes to canonical JSON
// that deserializes to an equal type and the same JSON.
//
//	go test -run='^$' -fuzz='^FuzzTensorMetadata$' -fuzztime=15000x
func FuzzTensorMetadata(f *testing.F) {
	for _, c := range canonicalExamples {
		size := 1
		for _, d := range c.shape {
			size *= d
		}
		f.Add(c.doc, int32(size), uint8(0))
		f.Add(c.canonicalJSON, int32(size), uint8(1))
	}
	for _, s := range []string{
		`{"shape":[2,3],"permutation":[1,0],"dim_names":["h","w"]}`,
		`{"shape":[6]}`,
		`{"shape":[1,2,3],"dim_names":["a","<b>","c\u00e9"],"future":{"x":[1,2]}}`,
		`{"shape":[2,3],"permutation":[0,1]}`,
		`{"shape":[65536,65536]}`,
		`{"shape":[2,3],"dim_names":null,"permutation":null}`,
		`{"shape":[]}`,
	} {
		f.Add(s, int32(6), uint8(2))
	}
	values := []arrow.DataType{arrow.PrimitiveTypes.Float32, arrow.PrimitiveTypes.Int64, arrow.FixedWidthTypes.Float16, arrow.BinaryTypes.String}
	f.Fuzz(func(t *testing.T, meta string, size int32, value uint8) {
		size = max(size&math.MaxInt32, 1) // arrow-go has no lists of fewer than 1 value
		storage := arrow.FixedSizeListOf(size, values[int(value)%len(values)])
		got, err := (&TensorType{}).Deserialize(storage, meta)
		if err != nil {
			if !errors.Is(err, ndview.ErrFormat) || !strings.HasPrefix(err.Error(), "ndview: arrowbridge.Deserialize: ") {
				t.Fatalf("Deserialize(%q): %v; want an error wrapping ErrFormat that names Deserialize", meta, err)
			}
			return
		}
		tt := got.(*TensorType)
		if p, _ := product(tt.Shape(), maxInt); p != int(size) {
			t.Fatalf("Deserialize(%q) over %s: shape %v", meta, storage, tt.Shape())
		}
		canon := tt.Serialize()
		again, err := (&TensorType{}).Deserialize(storage, canon)
		if err != nil {
			t.Fatalf("Deserialize(%q) (the serialization of %q): %v", canon, meta, err)
		}
		if !again.ExtensionEquals(tt) || again.Serialize() != canon || !slices.Equal(again.(*TensorType).LogicalShape(), tt.LogicalShape()) {
			t.Fatalf("%q gives %s, which serializes to %q, which gives %s", meta, tt, canon, again)
		}
	})
}
