package arrowbridge

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/ndview/ndview"
)

// The examples of docs/source/format/CanonicalExtensions.rst ("Fixed shape tensor",
// "Description of the serialization"), as printed there, and Arrow C++'s serialization of
// the type in cpp/src/arrow/extension/fixed_shape_tensor_test.cc.
var canonicalExamples = []struct {
	name, doc     string
	shape         []int
	dimNames      []string
	perm          []int
	logical       []int
	canonicalJSON string // compact, in C++'s key order
}{
	{"shape", `{ "shape": [2, 5]}`, []int{2, 5}, nil, nil, []int{2, 5}, `{"shape":[2,5]}`},
	{"dim_names NCHW", `{ "shape": [100, 200, 500], "dim_names": ["C", "H", "W"]}`,
		[]int{100, 200, 500}, []string{"C", "H", "W"}, nil, []int{100, 200, 500},
		`{"shape":[100,200,500],"dim_names":["C","H","W"]}`},
	// "This is the physical layout shape and the shape of the logical layout would in this
	// case be [500, 100, 200]."
	{"permutation", `{ "shape": [100, 200, 500], "permutation": [2, 0, 1]}`,
		[]int{100, 200, 500}, nil, []int{2, 0, 1}, []int{500, 100, 200},
		`{"shape":[100,200,500],"permutation":[2,0,1]}`},
	{"C++ test", `{"shape":[3,4],"dim_names":["x","y"]}`,
		[]int{3, 4}, []string{"x", "y"}, nil, []int{3, 4}, `{"shape":[3,4],"dim_names":["x","y"]}`},
}

func TestCanonicalMetadata(t *testing.T) {
	for _, ex := range canonicalExamples {
		t.Run(ex.name, func(t *testing.T) {
			size := 1
			for _, d := range ex.shape {
				size *= d
			}
			storage := arrow.FixedSizeListOf(int32(size), arrow.PrimitiveTypes.Float32)
			got, err := (&TensorType{}).Deserialize(storage, ex.doc)
			if err != nil {
				t.Fatal(err)
			}
			tt := got.(*TensorType)
			if !slices.Equal(tt.Shape(), ex.shape) || !slices.Equal(tt.DimNames(), ex.dimNames) ||
				!slices.Equal(tt.Permutation(), ex.perm) || !slices.Equal(tt.LogicalShape(), ex.logical) {
				t.Fatalf("parsed shape %v dim_names %q permutation %v logical %v", tt.Shape(), tt.DimNames(), tt.Permutation(), tt.LogicalShape())
			}
			if (ex.dimNames == nil) != (tt.DimNames() == nil) || (ex.perm == nil) != (tt.Permutation() == nil) {
				t.Fatal("absent keys must read as nil")
			}
			// The documentation's JSON with its insignificant spaces removed is exactly
			// what Serialize writes.
			compact := strings.ReplaceAll(ex.doc, " ", "")
			if s := tt.Serialize(); s != compact || s != ex.canonicalJSON {
				t.Fatalf("Serialize = %s, want %s", s, ex.canonicalJSON)
			}
			made, err := NewTensorType(arrow.PrimitiveTypes.Float32, ex.shape, ex.dimNames, ex.perm)
			if err != nil {
				t.Fatal(err)
			}
			if made.Serialize() != ex.canonicalJSON || !arrow.TypeEqual(made, tt) {
				t.Fatalf("NewTensorType serializes as %s", made.Serialize())
			}
		})
	}
}

func TestSerializeKeyOrderAndEscapes(t *testing.T) {
	tt, err := NewTensorType(arrow.PrimitiveTypes.Int8, []int{2, 3}, []string{`a"<b>`, "é"}, []int{1, 0})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"shape":[2,3],"permutation":[1,0],"dim_names":["a\"<b>","é"]}`
	if got := tt.Serialize(); got != want {
		t.Fatalf("Serialize = %s, want %s", got, want)
	}
	back, err := tt.Deserialize(tt.StorageType(), want)
	if err != nil || !arrow.TypeEqual(back, tt) {
		t.Fatalf("round trip: %v, %v", back, err)
	}
	if s := tt.String(); s != "extension<arrow.fixed_shape_tensor[value_type=int8, shape=[2,3], permutation=[1,0], dim_names=[a\"<b>,é]]>" {
		t.Fatalf("String = %s", s)
	}
}

func TestDeserializeRefuses(t *testing.T) {
	fsl6 := arrow.FixedSizeListOf(6, arrow.PrimitiveTypes.Float64)
	for _, tc := range []struct {
		name    string
		storage arrow.DataType
		json    string
	}{
		{"not JSON", fsl6, `{"shape":`},
		{"no shape", fsl6, `{"dim_names":["a"]}`},
		{"null shape", fsl6, `{"shape":null}`},
		{"shape not ints", fsl6, `{"shape":[2.5,3]}`},
		{"shape strings", fsl6, `{"shape":["2","3"]}`},
		{"zero dim", fsl6, `{"shape":[0,6]}`},
		{"negative dim", fsl6, `{"shape":[-2,-3]}`},
		{"size mismatch", fsl6, `{"shape":[2,4]}`},
		{"huge dim", fsl6, `{"shape":[99999999999,1]}`},
		{"overflow", fsl6, `{"shape":[65536,65536]}`},
		{"permutation length", fsl6, `{"shape":[2,3],"permutation":[0]}`},
		{"permutation repeat", fsl6, `{"shape":[2,3],"permutation":[1,1]}`},
		{"permutation range", fsl6, `{"shape":[2,3],"permutation":[0,2]}`},
		{"dim_names length", fsl6, `{"shape":[2,3],"dim_names":["a"]}`},
		{"dim_names not strings", fsl6, `{"shape":[2,3],"dim_names":[1,2]}`},
		{"storage not a list", arrow.PrimitiveTypes.Float64, `{"shape":[6]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := (&TensorType{}).Deserialize(tc.storage, tc.json)
			if err == nil {
				t.Fatal("accepted")
			}
			if !strings.HasPrefix(err.Error(), "ndview: arrowbridge.Deserialize") {
				t.Fatalf("message %q", err)
			}
		})
	}
	// Unknown keys are ignored, as Arrow C++ does.
	if _, err := (&TensorType{}).Deserialize(fsl6, `{"shape":[2,3],"future":{"x":1}}`); err != nil {
		t.Fatal(err)
	}
}

func TestNewTensorTypeRefuses(t *testing.T) {
	f32 := arrow.PrimitiveTypes.Float32
	_, err := NewTensorType(f32, []int{2, 0}, nil, nil)
	wantErr(t, err, ndview.ErrShape, "NewTensorType")
	_, err = NewTensorType(f32, []int{2, 3}, []string{"a"}, nil)
	wantErr(t, err, ndview.ErrShape, "NewTensorType")
	_, err = NewTensorType(f32, []int{2, 3}, nil, []int{0, 0})
	wantErr(t, err, ndview.ErrShape, "NewTensorType")
	_, err = NewTensorType(f32, []int{1 << 16, 1 << 15}, nil, nil)
	wantErr(t, err, ndview.ErrOverflow, "NewTensorType")
	_, err = NewTensorType(nil, []int{2}, nil, nil)
	wantErr(t, err, ndview.ErrFormat, "NewTensorType")
}

func TestExtensionEquals(t *testing.T) {
	f32 := arrow.PrimitiveTypes.Float32
	a, _ := NewTensorType(f32, []int{2, 3}, nil, nil)
	b, _ := NewTensorType(f32, []int{2, 3}, nil, []int{0, 1}) // identity, written out
	c, _ := NewTensorType(f32, []int{2, 3}, nil, []int{1, 0})
	d, _ := NewTensorType(f32, []int{3, 2}, nil, nil)
	e, _ := NewTensorType(f32, []int{2, 3}, []string{"x", "y"}, nil)
	g, _ := NewTensorType(arrow.PrimitiveTypes.Float64, []int{2, 3}, nil, nil)
	if !a.ExtensionEquals(b) || a.ExtensionEquals(c) || a.ExtensionEquals(d) || a.ExtensionEquals(e) || a.ExtensionEquals(g) {
		t.Fatal("ExtensionEquals disagrees with Arrow C++")
	}
	if a.Fingerprint() == d.Fingerprint() {
		t.Fatal("fingerprints of different shapes are equal")
	}
}

func TestRegistered(t *testing.T) {
	if _, ok := arrow.GetExtensionType(TensorName).(*TensorType); !ok {
		t.Fatalf("%s is not registered as *TensorType", TensorName)
	}
}

// TestIPCMetadata writes a tensor column to an IPC stream: the stream carries the extension
// name and the canonical JSON as field metadata, and reads back as the same type.
func TestIPCMetadata(t *testing.T) {
	v := arange[float32](2, 3, 4).Transpose(0, 2, 1)
	col, err := ToColumn(v, "w", "h")
	if err != nil {
		t.Fatal(err)
	}
	defer col.Release()
	schema := arrow.NewSchema([]arrow.Field{{Name: "t", Type: col.DataType()}}, nil)
	rec := array.NewRecordBatch(schema, []arrow.Array{col}, 2)
	defer rec.Release()
	var buf bytes.Buffer
	w := ipc.NewWriter(&buf, ipc.WithSchema(schema))
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	w.Close()
	want := `{"shape":[3,4],"permutation":[1,0],"dim_names":["h","w"]}`
	for _, s := range []string{"ARROW:extension:name", TensorName, "ARROW:extension:metadata", want} {
		if !bytes.Contains(buf.Bytes(), []byte(s)) {
			t.Fatalf("stream lacks %q", s)
		}
	}
	r, err := ipc.NewReader(&buf, ipc.WithAllocator(memory.NewGoAllocator()))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	if !r.Next() {
		t.Fatal(r.Err())
	}
	got := r.RecordBatch().Column(0)
	if !arrow.TypeEqual(got.DataType(), col.DataType()) {
		t.Fatalf("read back %s, wrote %s", got.DataType(), col.DataType())
	}
	back, err := FromColumn[float32](got)
	if err != nil {
		t.Fatal(err)
	}
	defer back.Release()
	if !ndview.Equal(back, v) {
		t.Fatalf("read back %v, wrote %v", back, v)
	}
}
