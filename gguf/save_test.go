package gguf

import (
	"bytes"
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/ndview/ndview"
	"github.com/ndview/ndview/ggml"
)

// Save of every value type and every plain element type reads back unchanged, tensors of
// any layout are written in C order, and int is I64 on 64-bit platforms.
func TestSaveRoundTrip(t *testing.T) {
	meta := []KV{
		{"general.architecture", "test"},
		{"u8", uint8(200)}, {"i8", int8(-5)}, {"u16", uint16(60000)}, {"i16", int16(-300)},
		{"u32", uint32(1 << 31)}, {"i32", int32(-1 << 31)}, {"f32", float32(1.5)}, {"bool", true},
		{"s", "héllo"}, {"empty", ""}, {"u64", uint64(math.MaxUint64)}, {"i64", int64(math.MinInt64)},
		{"f64", math.Pi},
		{"au8", []uint8{1, 2}}, {"ai8", []int8{-1}}, {"au16", []uint16{7}}, {"ai16", []int16{-7, 8}},
		{"au32", []uint32{}}, {"ai32", []int32{1, 2, 3}}, {"af32", []float32{0.25}}, {"abool", []bool{true, false}},
		{"as", []string{"", "a", "\xff"}}, {"au64", []uint64{1 << 60}}, {"ai64", []int64{-1 << 60}}, {"af64", []float64{math.Inf(-1)}},
	}
	x, _ := ndview.FromSlice([]float32{1, 2, 3, 4, 5, 6}, 2, 3)
	h := ndview.New[ndview.Float16](3, 2)
	for i := range 3 {
		for j := range 2 {
			h.Set(ndview.ToFloat16(float32(10*i+j)), i, j)
		}
	}
	ints, _ := ndview.FromSlice([]int{-1, pow2(40), 3})
	tensors := []Tensor{
		{Name: "x.T", Data: x.Transpose()}, // strided: written in C order
		{Name: "h", Data: h.Slice(0, 0, 3, 2).AsReadOnly()},
		{Name: "bf", Data: ndview.New[ndview.BFloat16](1, 1, 1, 2)},
		{Name: "f64", Data: ndview.New[float64]()},
		{Name: "i8", Data: ndview.New[int8](5)},
		{Name: "i16", Data: ndview.New[int16](0, 4)},
		{Name: "i32", Data: ndview.New[int32](2)},
		{Name: "i64", Data: ndview.New[int64](1)},
		{Name: "q", Type: ggml.Q8_0, Shape: []int{2, 32}, Blocks: bytes.Repeat([]byte{1}, 68)},
		{Name: "f16blocks", Type: ggml.F16, Shape: []int{2}, Blocks: []byte{0, 0x3c, 0, 0xc0}},
	}
	if math.MaxInt == math.MaxInt64 {
		tensors = append(tensors, Tensor{Name: "int", Data: ints})
	}
	f := openT(t, save(t, meta, tensors))
	if f.Version() != 3 || f.Alignment() != 32 {
		t.Errorf("version %d, alignment %d", f.Version(), f.Alignment())
	}
	if keys := f.Keys(); len(keys) != len(meta) {
		t.Errorf("Keys: %q", keys)
	}
	for _, kv := range meta {
		if got := metaValue(t, f, kv.Key); !reflect.DeepEqual(got, kv.Value) {
			t.Errorf("key %q = %#v, want %#v", kv.Key, got, kv.Value)
		}
	}
	xt, err := View[float32](f, "x.T")
	if err != nil || !slices.Equal(xt.Shape(), []int{3, 2}) || !slices.Equal(xt.ToSlice(), []float32{1, 4, 2, 5, 3, 6}) {
		t.Errorf("a transposed view reads back as %v, %v", xt, err)
	}
	hv, _ := View[ndview.Float16](f, "h")
	if !ndview.Equal(hv, h.Slice(0, 0, 3, 2)) {
		t.Errorf("a strided Float16 view reads back as %v", hv)
	}
	for name, typ := range map[string]ggml.Type{"bf": ggml.BF16, "f64": ggml.F64, "i8": ggml.I8, "i16": ggml.I16, "i32": ggml.I32, "i64": ggml.I64, "q": ggml.Q8_0, "f16blocks": ggml.F16} {
		if info, err := f.Info(name); err != nil || info.Type != typ {
			t.Errorf("tensor %q: %+v, %v; want %v", name, info, err, typ)
		}
	}
	if info, _ := f.Info("f64"); len(info.Shape) != 0 || info.Size != 8 {
		t.Errorf("a 0-d tensor: %+v", info)
	}
	if math.MaxInt == math.MaxInt64 {
		info, _ := f.Info("int")
		v, _ := View[int64](f, "int")
		if info.Type != ggml.I64 || v.At(1) != int64(pow2(40)) {
			t.Errorf("a View[int] is saved as %v %v", info.Type, v)
		}
	}
	if b := blocksOf(t, f, "q"); !bytes.Equal(b, bytes.Repeat([]byte{1}, 68)) {
		t.Errorf("blocks read back as %v", b)
	}
}

// Save takes its alignment from general.alignment, pads the header to it even without
// tensors (as gguf-py does), and pads every tensor to it.
func TestSaveAlignment(t *testing.T) {
	for _, a := range []uint32{1, 2, 64, 4096} {
		meta := []KV{{"general.alignment", a}}
		path := save(t, meta, []Tensor{{Name: "a", Data: ndview.New[int8](3)}, {Name: "b", Data: ndview.New[float32](5)}})
		f := openT(t, path)
		ia, _ := f.Info("a")
		ib, _ := f.Info("b")
		if f.Alignment() != int(a) || ia.Offset%int64(a) != 0 || ib.Offset != ia.Offset+max(3, int64(a))+(int64(a)-max(3, int64(a))%int64(a))%int64(a) {
			t.Errorf("alignment %d: offsets %d, %d", a, ia.Offset, ib.Offset)
		}
		if size := int64(len(readFile(t, path))); size%int64(a) != 0 {
			t.Errorf("alignment %d: the file is %d bytes, not padded", a, size)
		}
		none := readFile(t, save(t, meta, nil))
		if len(none)%int(a) != 0 {
			t.Errorf("alignment %d: a file without tensors is %d bytes", a, len(none))
		}
	}
}

// Save refuses, with ErrFormat (or ErrReleased, ErrOverflow), what GGUF or ggml cannot hold,
// naming the file, and leaves no file behind.
func TestSaveRefuses(t *testing.T) {
	f32 := ndview.New[float32](2)
	released := ndview.New[float32](2)
	released.Release()
	ok := Tensor{Name: "ok", Data: f32}
	for _, c := range []struct {
		what    string
		meta    []KV
		tensors []Tensor
		kind    error
		want    string
	}{
		{"int value", []KV{{"k", 1}}, nil, ndview.ErrFormat, "Go's int has no GGUF value type"},
		{"uint value", []KV{{"k", uint(1)}}, nil, ndview.ErrFormat, "use int32, int64, uint32 or uint64"},
		{"[]int value", []KV{{"k", []int{1}}}, nil, ndview.ErrFormat, "Go's []int has no GGUF value type"},
		{"nested", []KV{{"k", [][]int32{{1}}}}, nil, ndview.ErrFormat, "no nested arrays"},
		{"[]any", []KV{{"k", []any{int32(1)}}}, nil, ndview.ErrFormat, "[]interface {} has no GGUF value type"},
		{"complex", []KV{{"k", complex64(1)}}, nil, ndview.ErrFormat, "complex64 has no GGUF value type"},
		{"named type", []KV{{"k", ggml.Q4_K}}, nil, ndview.ErrFormat, "ggml.Type has no GGUF value type"},
		{"nil", []KV{{"k", nil}}, nil, ndview.ErrFormat, "the value is nil"},
		{"empty key", []KV{{"", uint8(1)}}, nil, ndview.ErrFormat, "a metadata key is empty"},
		{"duplicate key", []KV{{"k", uint8(1)}, {"k", "x"}}, nil, ndview.ErrFormat, `key "k" is given twice`},
		{"alignment int32", []KV{{"general.alignment", int32(32)}}, nil, ndview.ErrFormat, "it must be a uint32 power of two"},
		{"alignment 0", []KV{{"general.alignment", uint32(0)}}, nil, ndview.ErrFormat, "it must be a uint32 power of two"},
		{"alignment 48", []KV{{"general.alignment", uint32(48)}}, nil, ndview.ErrFormat, "it must be a uint32 power of two"},
		{"alignment array", []KV{{"general.alignment", []uint32{32}}}, nil, ndview.ErrFormat, "it must be a uint32 power of two"},
		{"Data and Blocks", nil, []Tensor{{Name: "t", Data: f32, Blocks: []byte{0}}}, ndview.ErrFormat, "has Data and also Blocks or Shape"},
		{"Data and Shape", nil, []Tensor{{Name: "t", Data: f32, Shape: []int{2}}}, ndview.ErrFormat, "has Data and also Blocks or Shape"},
		{"Data and another Type", nil, []Tensor{{Name: "t", Data: f32, Type: ggml.F16}}, ndview.ErrFormat, "Save does not convert"},
		{"short blocks", nil, []Tensor{{Name: "t", Type: ggml.Q8_0, Shape: []int{2, 32}, Blocks: make([]byte, 67)}}, ndview.ErrFormat, "takes 68 bytes (2 rows of 34), but Blocks has 67"},
		{"long blocks", nil, []Tensor{{Name: "t", Type: ggml.F32, Shape: []int{2}, Blocks: make([]byte, 9)}}, ndview.ErrFormat, "but Blocks has 9"},
		{"row not whole blocks", nil, []Tensor{{Name: "t", Type: ggml.Q4_K, Shape: []int{100}, Blocks: make([]byte, 144)}}, ndview.ErrFormat, "not a whole number of Q4_K blocks of 256"},
		{"removed type", nil, []Tensor{{Name: "t", Type: 4, Shape: []int{32}}}, ndview.ErrFormat, "removed from ggml"},
		{"unknown type", nil, []Tensor{{Name: "t", Type: 99, Shape: []int{32}}}, ndview.ErrFormat, "not a type ggml defines"},
		{"negative dim", nil, []Tensor{{Name: "t", Type: ggml.I8, Shape: []int{-1}}}, ndview.ErrFormat, "negative dimension"},
		{"uint8 view", nil, []Tensor{{Name: "t", Data: ndview.New[uint8](2)}}, ndview.ErrFormat, "GGUF has no unsigned tensor types"},
		{"uint16 view", nil, []Tensor{{Name: "t", Data: ndview.New[uint16](2)}}, ndview.ErrFormat, "GGUF has no unsigned tensor types"},
		{"uint view", nil, []Tensor{{Name: "t", Data: ndview.New[uint](2)}}, ndview.ErrFormat, "GGUF has no unsigned tensor types"},
		{"complex view", nil, []Tensor{{Name: "t", Data: ndview.New[complex64](2)}}, ndview.ErrFormat, "ggml has no tensor type for"},
		{"float8 view", nil, []Tensor{{Name: "t", Data: ndview.New[ndview.Float8E4M3](2)}}, ndview.ErrFormat, "ggml has no tensor type for"},
		{"float8 e5m2 view", nil, []Tensor{{Name: "t", Data: ndview.New[ndview.Float8E5M2](2)}}, ndview.ErrFormat, "ggml has no tensor type for"},
		{"duplicate name", nil, []Tensor{ok, ok}, ndview.ErrFormat, `tensor "ok" is given twice`},
		{"duplicate as C strings", nil, []Tensor{{Name: "a\x00x", Data: f32}, {Name: "a\x00y", Data: f32}}, ndview.ErrFormat, `tensor "a" is given twice`},
		{"name of 64 bytes", nil, []Tensor{{Name: strings.Repeat("n", 64), Data: f32}}, ndview.ErrFormat, "is 64 bytes; ggml allows at most 63"},
		{"5 dims", nil, []Tensor{{Name: "t", Data: ndview.New[float32](1, 1, 1, 1, 2)}}, ndview.ErrFormat, "has 5 dimensions; ggml allows at most 4"},
		{"5 dims of blocks", nil, []Tensor{{Name: "t", Type: ggml.I8, Shape: []int{1, 1, 1, 1, 1}, Blocks: []byte{1}}}, ndview.ErrFormat, "has 5 dimensions"},
		{"released", nil, []Tensor{{Name: "t", Data: released}}, ndview.ErrReleased, "released view"},
		{"too large", nil, []Tensor{{Name: "t", Type: ggml.I8, Shape: []int{math.MaxInt / 2, 4, 0}}}, ndview.ErrOverflow, "too large"},
	} {
		path := filepath.Join(t.TempDir(), "x.gguf")
		err := noPanic(t, c.what, func() error { return Save(path, c.meta, c.tensors) })
		var e *ndview.Error
		if !errors.Is(err, c.kind) || !strings.Contains(err.Error(), c.want) || !errors.As(err, &e) || e.Op != "gguf.Save" || e.Path != path {
			t.Errorf("%s: %v, want %v saying %q, naming %s", c.what, err, c.kind, c.want, path)
		}
		if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s: a file was left behind: %v", c.what, err)
		}
	}
	// Writing errors keep their *fs.PathError, which names the path.
	path := filepath.Join(t.TempDir(), "missing", "x.gguf")
	err := Save(path, nil, nil)
	var pe *fs.PathError
	if !errors.As(err, &pe) || !strings.HasPrefix(err.Error(), "ndview: gguf.Save: ") || !strings.Contains(err.Error(), path) {
		t.Errorf("Save into a missing directory: %v", err)
	}
}

// Save replaces a file atomically: a File open on the old one keeps reading it.
func TestSaveOverOpenFile(t *testing.T) {
	a, _ := ndview.FromSlice([]float32{1, 2})
	path := save(t, nil, []Tensor{{Name: "a", Data: a}})
	f := openT(t, path)
	v, err := View[float32](f, "a")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := ndview.FromSlice([]float32{3, 4, 5})
	if err := Save(path, []KV{{"k", "v"}}, []Tensor{{Name: "b", Data: b}}); err != nil {
		t.Fatal(err)
	}
	if v.At(1) != 2 {
		t.Errorf("the old view reads %v", v)
	}
	v.Release()
	g := openT(t, path)
	if names := g.Names(); !slices.Equal(names, []string{"b"}) {
		t.Errorf("the new file has %q", names)
	}
}
