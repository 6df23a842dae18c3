package safetensors

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ndview/ndview"
)

// specTensor is a tensor as an independent reader of the specification sees it.
type specTensor struct {
	name   string
	dtype  string
	shape  []int
	begin  int
	end    int
	data   []byte
	keyPos int // position of its key in the header text
}

// readSpec parses a safetensors file by hand, from the specification alone (README
// "Format"): it shares no code with the package. It fails the test on anything the
// specification forbids or the reference writer does not do (unpadded headers, padding
// other than spaces, data not covered).
func readSpec(t *testing.T, file []byte) (hdr string, tensors []specTensor, metadata map[string]string) {
	t.Helper()
	if len(file) < 8 {
		t.Fatalf("file of %d bytes", len(file))
	}
	n := binary.LittleEndian.Uint64(file[:8])
	if n%8 != 0 || 8+n > uint64(len(file)) {
		t.Fatalf("header size %d: not a multiple of 8 or past the end", n)
	}
	hdr = string(file[8 : 8+n])
	if hdr[0] != '{' {
		t.Fatalf("header starts with %q", hdr[0])
	}
	body := strings.TrimRight(hdr, " ")
	if pad := len(hdr) - len(body); pad >= 8 || !strings.HasSuffix(body, "}") {
		t.Fatalf("header %q: %d spaces of padding", hdr, pad)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal([]byte(body), &top); err != nil {
		t.Fatalf("header is not a JSON object: %v", err)
	}
	data := file[8+n:]
	for k, raw := range top {
		if k == "__metadata__" {
			if err := json.Unmarshal(raw, &metadata); err != nil {
				t.Fatalf("__metadata__: %v", err)
			}
			continue
		}
		var e struct {
			DType       string `json:"dtype"`
			Shape       []int  `json:"shape"`
			DataOffsets []int  `json:"data_offsets"`
		}
		if err := json.Unmarshal(raw, &e); err != nil || len(e.DataOffsets) != 2 {
			t.Fatalf("tensor %q: %s (%v)", k, raw, err)
		}
		keyJSON, _ := json.Marshal(k)
		pos := strings.Index(body, string(keyJSON)+":{")
		tensors = append(tensors, specTensor{k, e.DType, e.Shape, e.DataOffsets[0], e.DataOffsets[1], data[e.DataOffsets[0]:e.DataOffsets[1]], pos})
	}
	// In key order the offsets must be contiguous from 0 to the end of the file.
	for i := range tensors {
		for j := i + 1; j < len(tensors); j++ {
			if tensors[j].keyPos < tensors[i].keyPos {
				tensors[i], tensors[j] = tensors[j], tensors[i]
			}
		}
	}
	at := 0
	for _, x := range tensors {
		if x.begin != at {
			t.Fatalf("tensor %q starts at %d, want %d", x.name, x.begin, at)
		}
		at = x.end
	}
	if at != len(data) {
		t.Fatalf("data section of %d bytes, tensors cover %d", len(data), at)
	}
	return hdr, tensors, metadata
}

// TestIndependentReader saves one tensor of every dtype ndview has, from non-contiguous
// views, and checks the file with readSpec: header text, padding, the reference writer's
// order, little-endian C-order data, __metadata__.
func TestIndependentReader(t *testing.T) {
	// Values 1, 2, 3 in a 3×1 column of a 3×2 view (strided), of every type, and their
	// little-endian bytes written out by hand.
	var tensors []Tensor
	want := map[string][]byte{}
	dtypes := map[string]string{}
	add := func(name, dtype string, v ndview.Array, le []byte) {
		tensors = append(tensors, Tensor{name, v})
		want[name] = le
		dtypes[name] = dtype
	}
	le16 := func(xs ...uint16) (b []byte) {
		for _, x := range xs {
			b = binary.LittleEndian.AppendUint16(b, x)
		}
		return b
	}
	le32 := func(xs ...uint32) (b []byte) {
		for _, x := range xs {
			b = binary.LittleEndian.AppendUint32(b, x)
		}
		return b
	}
	le64 := func(xs ...uint64) (b []byte) {
		for _, x := range xs {
			b = binary.LittleEndian.AppendUint64(b, x)
		}
		return b
	}
	add("u8", "U8", column([]uint8{1, 9, 2, 9, 3, 9}), []byte{1, 2, 3})
	add("i8", "I8", column([]int8{-1, 9, -2, 9, -3, 9}), []byte{0xFF, 0xFE, 0xFD})
	add("i16", "I16", column([]int16{-1, 9, 2, 9, 3, 9}), le16(0xFFFF, 2, 3))
	add("u16", "U16", column([]uint16{0x0102, 9, 2, 9, 3, 9}), le16(0x0102, 2, 3))
	add("f16", "F16", column([]ndview.Float16{0x3C00, 9, 0x4000, 9, 0x4200, 9}), le16(0x3C00, 0x4000, 0x4200))
	add("bf16", "BF16", column([]ndview.BFloat16{0x3F80, 9, 0x4000, 9, 0x4040, 9}), le16(0x3F80, 0x4000, 0x4040))
	add("i32", "I32", column([]int32{-1, 9, 2, 9, 3, 9}), le32(0xFFFFFFFF, 2, 3))
	add("u32", "U32", column([]uint32{0x01020304, 9, 2, 9, 3, 9}), le32(0x01020304, 2, 3))
	add("f32", "F32", column([]float32{1, 9, 2, 9, 3, 9}), le32(math.Float32bits(1), math.Float32bits(2), math.Float32bits(3)))
	add("c64", "C64", column([]complex64{1 + 2i, 9, 3, 9, -1i, 9}), le32(math.Float32bits(1), math.Float32bits(2), math.Float32bits(3), 0, math.Float32bits(0), math.Float32bits(-1)))
	add("f64", "F64", column([]float64{1, 9, 2, 9, 3, 9}), le64(math.Float64bits(1), math.Float64bits(2), math.Float64bits(3)))
	add("i64", "I64", column([]int64{-1, 9, 2, 9, 3, 9}), le64(math.MaxUint64, 2, 3))
	add("u64", "U64", column([]uint64{1 << 60, 9, 2, 9, 3, 9}), le64(1<<60, 2, 3))
	// Names that sort differently from their dtypes, and two of one dtype.
	add("a_f32", "F32", column([]float32{4, 0, 5, 0, 6, 0}), le32(math.Float32bits(4), math.Float32bits(5), math.Float32bits(6)))
	md := map[string]string{"z": "1", "a": "<&>\n\"é\\\x01", "format": "pt"}

	path := filepath.Join(t.TempDir(), "all.safetensors")
	if err := Save(path, tensors, md); err != nil {
		t.Fatal(err)
	}
	file, _ := os.ReadFile(path)
	hdr, got, gotMD := readSpec(t, file)

	// The reference writer's order: dtype by its enum descending, then name.
	order := []string{"u64", "i64", "f64", "c64", "a_f32", "f32", "u32", "i32", "bf16", "f16", "u16", "i16", "i8", "u8"}
	if len(got) != len(order) {
		t.Fatalf("%d tensors, want %d", len(got), len(order))
	}
	for i, x := range got {
		if x.name != order[i] || x.dtype != dtypes[x.name] || len(x.shape) != 1 || x.shape[0] != 3 {
			t.Errorf("tensor %d: %q %s %v, want %q %s [3]", i, x.name, x.dtype, x.shape, order[i], dtypes[order[i]])
		}
		if !bytes.Equal(x.data, want[x.name]) {
			t.Errorf("tensor %q: data % x, want % x", x.name, x.data, want[x.name])
		}
		if x.begin%(len(x.data)/3) != 0 {
			t.Errorf("tensor %q at data offset %d is not aligned", x.name, x.begin)
		}
	}
	if len(gotMD) != len(md) {
		t.Errorf("metadata %v, want %v", gotMD, md)
	}
	for k, v := range md {
		if gotMD[k] != v {
			t.Errorf("metadata[%q] = %q, want %q", k, gotMD[k], v)
		}
	}
	// serde_json's text: __metadata__ first (keys sorted here), escapes as serde writes them.
	wantStart := `{"__metadata__":{"a":"<&>\n\"é\\\u0001","format":"pt","z":"1"},"u64":{"dtype":"U64","shape":[3],"data_offsets":[0,24]},"i64":`
	if !strings.HasPrefix(hdr, wantStart) {
		t.Errorf("header starts\n%s\nwant\n%s", hdr[:min(len(hdr), len(wantStart))], wantStart)
	}

	// The package reads back what it wrote.
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	names := f.Names()
	for i := range order {
		if names[i] != order[i] {
			t.Fatalf("Names = %v, want %v", names, order)
		}
	}
}

// column returns the first column of s viewed as 3×2: a strided 1-D view of 3 elements.
func column[T ndview.Elem](s []T) ndview.Array {
	v, err := ndview.FromSlice(s, 3, 2)
	if err != nil {
		panic(err)
	}
	return v.Index(1, 0)
}
