package arrowbridge

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/ndview/ndview"
)

// everyType is a column of each Arrow type arrow-go writes, as JSON values, with nulls
// where the type has a validity bitmap: the columns of writeEveryType.
var everyType = []struct {
	name string
	typ  arrow.DataType
	json string // three values
}{
	{"null", arrow.Null, `[null, null, null]`},
	{"bool", arrow.FixedWidthTypes.Boolean, `[true, null, false]`},
	{"int8", arrow.PrimitiveTypes.Int8, `[1, null, -3]`},
	{"uint16", arrow.PrimitiveTypes.Uint16, `[1, 2, 3]`},
	{"int32", arrow.PrimitiveTypes.Int32, `[1, 2, null]`},
	{"int64", arrow.PrimitiveTypes.Int64, `[1, 2, 3]`},
	{"float16", arrow.FixedWidthTypes.Float16, `[1.5, 2, 3]`},
	{"float32", arrow.PrimitiveTypes.Float32, `[1.5, 2, 3]`},
	{"float64", arrow.PrimitiveTypes.Float64, `[1.5, null, 3]`},
	{"decimal128", &arrow.Decimal128Type{Precision: 10, Scale: 2}, `["1.25", null, "3.00"]`},
	{"decimal256", &arrow.Decimal256Type{Precision: 40, Scale: 2}, `["1.25", "2", "3.00"]`},
	{"date32", arrow.FixedWidthTypes.Date32, `[1, null, 3]`},
	{"date64", arrow.FixedWidthTypes.Date64, `[86400000, 0, 0]`},
	{"time32", arrow.FixedWidthTypes.Time32ms, `[1, 2, 3]`},
	{"time64", arrow.FixedWidthTypes.Time64ns, `[1, 2, 3]`},
	{"timestamp", &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}, `[1, null, 3]`},
	{"duration", arrow.FixedWidthTypes.Duration_ms, `[1, 2, 3]`},
	{"month interval", arrow.FixedWidthTypes.MonthInterval, `[{"months": 1}, null, {"months": 3}]`},
	{"day-time interval", arrow.FixedWidthTypes.DayTimeInterval, `[{"days": 1, "milliseconds": 2}, null, {"days": 3, "milliseconds": 4}]`},
	{"month-day-nano interval", arrow.FixedWidthTypes.MonthDayNanoInterval, `[{"months": 1, "days": 2, "nanoseconds": 3}, null, {"months": 1, "days": 2, "nanoseconds": 3}]`},
	{"fixed-size binary", &arrow.FixedSizeBinaryType{ByteWidth: 3}, `["YWJj", null, "ZGVm"]`},
	{"string", arrow.BinaryTypes.String, `["a", null, "ccc"]`},
	{"large string", arrow.BinaryTypes.LargeString, `["a", "bb", "ccc"]`},
	{"binary", arrow.BinaryTypes.Binary, `["YQ==", null, "Yg=="]`},
	{"string view", arrow.BinaryTypes.StringView, `["short", null, "a string longer than twelve bytes, in a data buffer"]`},
	{"list", arrow.ListOf(arrow.PrimitiveTypes.Int32), `[[1, 2], null, [3]]`},
	{"large list", arrow.LargeListOf(arrow.PrimitiveTypes.Float64), `[[1.5], [], [2, 3]]`},
	{"list view", arrow.ListViewOf(arrow.PrimitiveTypes.Int32), `[[1, 2], null, [3]]`},
	{"fixed-size list", arrow.FixedSizeListOf(2, arrow.PrimitiveTypes.Int16), `[[1, 2], null, [5, 6]]`},
	{"struct", arrow.StructOf(arrow.Field{Name: "a", Type: arrow.PrimitiveTypes.Int32, Nullable: true}, arrow.Field{Name: "b", Type: arrow.BinaryTypes.String, Nullable: true}), `[{"a": 1, "b": "x"}, null, {"a": null, "b": "z"}]`},
	{"map", arrow.MapOf(arrow.BinaryTypes.String, arrow.PrimitiveTypes.Int32), `[[{"key": "a", "value": 1}], null, []]`},
	{"sparse union", arrow.SparseUnionOf([]arrow.Field{{Name: "i", Type: arrow.PrimitiveTypes.Int32, Nullable: true}, {Name: "s", Type: arrow.BinaryTypes.String, Nullable: true}}, []arrow.UnionTypeCode{0, 1}), `[[0, 5], [1, "x"], [0, null]]`},
	{"dense union", arrow.DenseUnionOf([]arrow.Field{{Name: "i", Type: arrow.PrimitiveTypes.Int32, Nullable: true}, {Name: "s", Type: arrow.BinaryTypes.String, Nullable: true}}, []arrow.UnionTypeCode{0, 1}), `[[0, 5], [1, "x"], [0, null]]`},
	{"run-end encoded", arrow.RunEndEncodedOf(arrow.PrimitiveTypes.Int32, arrow.PrimitiveTypes.Float64), `[1.5, 1.5, 2.5]`},
}

// everyTypeRows is the rows of the first batch of writeEveryType: enough that the buffers of
// a column (validity, offsets, values) differ in size, so that a checker that mistook one
// for another would refuse the file.
const everyTypeRows = 99

// repeatJSON returns the values of the JSON array js repeated n times, as a JSON array.
func repeatJSON(t testing.TB, js string, n int) string {
	t.Helper()
	var vals []json.RawMessage
	if err := json.Unmarshal([]byte(js), &vals); err != nil {
		t.Fatal(err)
	}
	var all []json.RawMessage
	for range n {
		all = append(all, vals...)
	}
	b, err := json.Marshal(all)
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		return `[]`
	}
	return string(b)
}

// writeEveryType writes a file of two batches (everyTypeRows rows, then none) of every type
// of everyType, plus a tensor column, with the writer options given (compression).
func writeEveryType(t testing.TB, path string, opts ...ipc.Option) {
	t.Helper()
	mem := memory.NewGoAllocator()
	tt, _ := NewTensorType(arrow.PrimitiveTypes.Float32, []int{2, 2}, nil, nil)
	fields := []arrow.Field{{Name: "tensor", Type: tt}}
	for _, c := range everyType {
		fields = append(fields, arrow.Field{Name: c.name, Type: c.typ, Nullable: true})
	}
	schema := arrow.NewSchema(fields, nil)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w, err := ipc.NewFileWriter(f, append(opts, ipc.WithSchema(schema), ipc.WithAllocator(mem))...)
	if err != nil {
		t.Fatal(err)
	}
	for _, rows := range []int{everyTypeRows, 0} {
		v := ndview.New[float32](rows, 2, 2)
		tc, err := ToColumn(v)
		if err != nil {
			tc, _, err = array.FromJSON(mem, tt, strings.NewReader(`[]`)) // no rows
		}
		if err != nil {
			t.Fatal(err)
		}
		cols := []arrow.Array{tc}
		for _, c := range everyType {
			js := repeatJSON(t, c.json, rows/3)
			var a arrow.Array
			if c.typ.ID() == arrow.RUN_END_ENCODED {
				a = runEndEncoded(t, mem, c.typ.(*arrow.RunEndEncodedType), rows)
			} else if a, _, err = array.FromJSON(mem, c.typ, strings.NewReader(js)); err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			cols = append(cols, a)
		}
		rec := array.NewRecordBatch(schema, cols, int64(rows))
		if err := w.Write(rec); err != nil {
			t.Fatal(err)
		}
		rec.Release()
		for _, c := range cols {
			c.Release()
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// runEndEncoded returns rows values 1.5, 1.5, 2.5, 1.5, 1.5, 2.5, ... as run-end encoded
// runs.
func runEndEncoded(t testing.TB, mem memory.Allocator, dt *arrow.RunEndEncodedType, rows int) arrow.Array {
	t.Helper()
	var es, vs []string
	for i := 0; i < rows; i += 3 {
		es = append(es, strconv.Itoa(i+2), strconv.Itoa(i+3))
		vs = append(vs, "1.5", "2.5")
	}
	ends, values := "["+strings.Join(es, ",")+"]", "["+strings.Join(vs, ",")+"]"
	e, _, err := array.FromJSON(mem, dt.RunEnds(), strings.NewReader(ends))
	if err != nil {
		t.Fatal(err)
	}
	defer e.Release()
	v, _, err := array.FromJSON(mem, dt.Encoded(), strings.NewReader(values))
	if err != nil {
		t.Fatal(err)
	}
	defer v.Release()
	return array.NewRunEndEncodedArray(e, v, rows, 0)
}

// TestCheckBatchEveryType checks that the metadata checker takes the field nodes and buffers
// of every Arrow type in the order arrow-go's loader takes them, bounds each compressed
// buffer by what its column needs and no less: files arrow-go writes, uncompressed and
// compressed, with nulls and an empty batch, pass it, and every column of them reads as
// arrow-go reads it.
func TestCheckBatchEveryType(t *testing.T) {
	dir := t.TempDir()
	for name, opts := range map[string][]ipc.Option{"plain": nil, "lz4": {ipc.WithLZ4()}, "zstd": {ipc.WithZstd()}} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name+".arrow")
			writeEveryType(t, path, opts...)
			f, err := OpenFile(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if f.NumBatches() != 2 || len(f.Names()) != len(everyType)+1 {
				t.Fatalf("%d batches, %d columns", f.NumBatches(), len(f.Names()))
			}
			for b := range f.NumBatches() {
				if err := f.meta.checkBatch(f.data, b); err != nil {
					t.Fatalf("batch %d: %v", b, err)
				}
				for i, n := range f.Names() {
					err := readColumn(f, b, n, f.Schema().Field(i).Type)
					var ne *ndview.Error
					if err != nil && (!errors.As(err, &ne) || strings.Contains(err.Error(), ": batch ")) {
						t.Fatalf("batch %d column %s: %v", b, n, err) // refused as a damaged batch
					}
				}
			}
			v, err := Column[float32](f, "tensor")
			if err != nil {
				t.Fatal(err)
			}
			v.Release()
		})
	}
}

// TestFrameBound checks the bound on what compressed frames hold against the compressed
// buffers of real files (Arrow JS's, and arrow-go's of every type, LZ4 and ZSTD): never
// below the length they decompress to, and 0 for what is not a frame or a frame cut short
// before its first block.
func TestFrameBound(t *testing.T) {
	dir := t.TempDir()
	files := map[string]int64{
		filepath.Join("testdata", "js_tensors_lz4.arrow"):  0,
		filepath.Join("testdata", "js_tensors_zstd.arrow"): 1,
	}
	for name, opts := range map[string]ipc.Option{"lz4": ipc.WithLZ4(), "zstd": ipc.WithZstd()} {
		p := filepath.Join(dir, name+".arrow")
		writeEveryType(t, p, opts)
		files[p] = map[string]int64{"lz4": 0, "zstd": 1}[name]
	}
	for path, codec := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		at := compressedBuffers(data)
		if len(at) == 0 {
			t.Fatalf("%s: no compressed buffers", path)
		}
		for _, p := range at {
			truth := int64(binary.LittleEndian.Uint64(data[p:]))
			// The buffer ends where the next 8-aligned buffer starts, or further: the
			// bound must hold with padding or the next buffer after the frame.
			frames := data[p+8 : min(len(data), p+8+int(truth)+1024)]
			if got := frameBound(codec, frames); got < truth {
				t.Fatalf("%s: buffer at %d holds %d bytes; bound %d", path, p, truth, got)
			}
			if got := frameBound(codec, frames[:6]); got != 0 {
				t.Fatalf("%s: a frame cut after its header holds %d bytes", path, got)
			}
			if got := frameBound(1-codec, frames); got != 0 {
				t.Fatalf("%s: read with the other codec, a frame holds %d bytes", path, got)
			}
		}
	}
	for _, b := range [][]byte{nil, {1, 2, 3}, []byte("not a frame at all")} {
		if frameBound(0, b) != 0 || frameBound(1, b) != 0 {
			t.Fatalf("%q holds bytes", b)
		}
	}
}
