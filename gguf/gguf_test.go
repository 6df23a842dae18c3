package gguf

import (
	"errors"
	"math"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/ndview/ndview"
	"github.com/ndview/ndview/ggml"
)

// Meta gives a value only as its stored type; anything else names the type to use.
func TestMetaTypes(t *testing.T) {
	f := openT(t, "testdata/gguf-py/meta.gguf")
	if v, err := Meta[uint32](f, "u32"); err != nil || v != math.MaxUint32 {
		t.Errorf("Meta[uint32]: %v, %v", v, err)
	}
	if v, err := Meta[string](f, "string"); err != nil || v != "héllo, wörld 🦙" {
		t.Errorf("Meta[string]: %q, %v", v, err)
	}
	if v, err := Meta[string](f, "string.bytes"); err != nil || v != "\xff\xfe\x00not utf-8" {
		t.Errorf("Meta[string] of bytes that are not UTF-8: %q, %v", v, err)
	}
	toks, err := Meta[[]string](f, "tokenizer.ggml.tokens")
	if err != nil || len(toks) != 3000 || toks[0] != "" || toks[1] != "▁tok1x" || toks[2999] != "▁tok2999xxxxxxx" {
		t.Errorf("Meta[[]string] of 3000 tokens: %d, %v", len(toks), err)
	}
	for _, c := range []struct {
		key  string
		call func() error
		want string
	}{
		{"u32", func() error { _, err := Meta[int32](f, "u32"); return err }, "holds a uint32, not int32; use gguf.Meta[uint32]"},
		{"u32", func() error { _, err := Meta[[]uint32](f, "u32"); return err }, "holds a uint32, not []uint32; use gguf.Meta[uint32]"},
		{"arr.u32", func() error { _, err := Meta[uint32](f, "arr.u32"); return err }, "holds an array of 3 uint32, not uint32; use gguf.Meta[[]uint32]"},
		{"arr.u32", func() error { _, err := Meta[[]int32](f, "arr.u32"); return err }, "use gguf.Meta[[]uint32]"},
		{"i32", func() error { _, err := Meta[int64](f, "i32"); return err }, "holds an int32, not int64"},
		{"bool.true", func() error { _, err := Meta[uint8](f, "bool.true"); return err }, "holds a bool, not uint8; use gguf.Meta[bool]"},
		{"missing", func() error { _, err := Meta[string](f, "missing"); return err }, `has no key "missing"`},
	} {
		err := c.call()
		if !isFormat(err) || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "ndview: gguf.Meta") {
			t.Errorf("Meta of %q: %v, want ErrFormat saying %q", c.key, err, c.want)
		}
	}
	if k, err := f.Kind("arr.string"); err != nil || k != Array {
		t.Errorf("Kind of an array: %v, %v", k, err)
	}
	if _, _, err := f.ArrayOf("u8.max"); !isFormat(err) || !strings.Contains(err.Error(), "not an array; use gguf.Meta[uint8]") {
		t.Errorf("ArrayOf of a scalar: %v", err)
	}
	if _, err := f.Kind("nope"); !isFormat(err) || !strings.HasPrefix(err.Error(), "ndview: gguf.File.Kind: ") {
		t.Errorf("Kind of a missing key: %v", err)
	}
	// Meta's slices are the caller's: changing one changes nothing in the file.
	a, _ := Meta[[]uint8](f, "arr.u8")
	a[0] = 99
	if b, _ := Meta[[]uint8](f, "arr.u8"); b[0] != 0 {
		t.Errorf("Meta's slice aliases the header")
	}
}

// View refuses quantized tensors and a T that is not the tensor's, naming what to use.
func TestViewErrors(t *testing.T) {
	plain := openT(t, "testdata/gguf-py/plain.gguf")
	quant := openT(t, "testdata/gguf-py/quant.gguf")
	for _, c := range []struct {
		what string
		err  error
		want string
	}{
		{"quantized", func() error { _, err := View[float32](quant, "q4_k"); return err }(), "tensor \"q4_k\" is Q4_K, a type stored in blocks, which no element type holds; gguf.Dequantize gives its values as float32, gguf.Blocks its blocks"},
		{"F16 as float32", func() error { _, err := View[float32](plain, "f16.2d"); return err }(), "tensor \"f16.2d\" is F16, not F32 (float32); use gguf.View[ndview.Float16]"},
		{"BF16 as Float16", func() error { _, err := View[ndview.Float16](plain, "bf16.1d"); return err }(), "use gguf.View[ndview.BFloat16]"},
		{"I8 as uint8", func() error { _, err := View[uint8](plain, "i8.1d"); return err }(), "use gguf.View[int8] (GGUF has no unsigned tensor types"},
		{"F32 as complex64", func() error { _, err := View[complex64](plain, "f32.1d"); return err }(), "use gguf.View[float32]"},
		{"missing", func() error { _, err := View[float32](plain, "nope"); return err }(), "has no tensor \"nope\""},
		{"Blocks of missing", func() error { _, err := Blocks(plain, "nope"); return err }(), "has no tensor \"nope\""},
	} {
		if !isFormat(c.err) || !strings.Contains(c.err.Error(), c.want) {
			t.Errorf("%s: %v, want ErrFormat saying %q", c.what, c.err, c.want)
		}
	}
	// A named type over the element type, and int for I64 on 64-bit platforms.
	type celsius float32
	if v, err := View[celsius](plain, "f32.2d"); err != nil || !slices.Equal(v.Shape(), []int{4, 6}) {
		t.Errorf("View[celsius]: %v, %v", v, err)
	}
	if math.MaxInt == math.MaxInt64 {
		v, err := View[int](plain, "i64.1d")
		w, _ := View[int64](plain, "i64.1d")
		if err != nil || v.At(3) != int(w.At(3)) {
			t.Errorf("View[int] of I64: %v, %v", v, err)
		}
	}
	// Views are read-only and zero-copy: View and Blocks allocate a few hundred bytes of
	// view headers, whatever the tensor's size (here 6 MiB).
	v, _ := View[float32](plain, "f32.4d")
	if !v.ReadOnly() || !slices.Equal(v.Shape(), []int{2, 3, 4, 5}) {
		t.Errorf("View: read-only %v, shape %v", v.ReadOnly(), v.Shape())
	}
	v.Release()
	big := openT(t, save(t, nil, []Tensor{{Name: "big", Data: ndview.New[float32](1024, 1536)}}))
	if n := allocBytes(func() {
		v, _ := View[float32](big, "big")
		v.Release()
		b, _ := Blocks(big, "big")
		b.Release()
	}); n > 4096 {
		t.Errorf("View and Blocks of a 6 MiB tensor allocate %d bytes", n)
	}
}

// allocBytes is the bytes fn allocates, on average over 20 calls.
func allocBytes(fn func()) uint64 {
	fn()
	var a, b runtime.MemStats
	runtime.ReadMemStats(&a)
	for range 20 {
		fn()
	}
	runtime.ReadMemStats(&b)
	return (b.TotalAlloc - a.TotalAlloc) / 20
}

// Blocks gives the raw rows of any tensor: Info.Shape with its last axis in bytes.
func TestBlocks(t *testing.T) {
	f := openT(t, "testdata/gguf-py/quant.gguf")
	for name, want := range map[string][]int{"q8_0": {4, 68}, "q8_0.3d": {2, 3, 34}, "q4_k": {3, 288}, "iq4_nl": {18}, "q2_k.4d": {1, 2, 1, 84}} {
		b, err := Blocks(f, name)
		if err != nil || !slices.Equal(b.Shape(), want) || !b.ReadOnly() {
			t.Errorf("Blocks(%q): %v, %v; want shape %v", name, b, err, want)
			continue
		}
		info, _ := f.Info(name)
		if int64(b.NBytes()) != info.Size {
			t.Errorf("Blocks(%q) has %d bytes, Info says %d", name, b.NBytes(), info.Size)
		}
		b.Release()
	}
	p := openT(t, "testdata/gguf-py/plain.gguf")
	b, err := Blocks(p, "f16.3d")
	if err != nil || !slices.Equal(b.Shape(), []int{3, 4, 10}) {
		t.Errorf("Blocks of F16 [3 4 5]: %v, %v", b, err)
	}
}

// DequantizeRows gathers rows (negative ones from the end) into dst of any layout, with
// the values Dequantize gives; it checks dst's shape and every row first.
func TestDequantizeRows(t *testing.T) {
	f := openT(t, "testdata/gguf-py/plain.gguf")
	for _, name := range []string{"f16.3d", "bf16.2d", "f32.4d", "i32.2d", "f64.1d", "i8.4d"} {
		all, err := Dequantize(f, name)
		if err != nil {
			t.Fatal(err)
		}
		info, _ := f.Info(name)
		width := info.Shape[len(info.Shape)-1]
		table, _ := all.Reshape(-1, width)
		n := table.Len()
		rows := []int{0, n - 1, -1, -n, n / 2, 0}
		var idx []int
		for _, r := range rows {
			idx = append(idx, (r+n)%n)
		}
		want := ndview.Take(table, idx, 0)

		// C-contiguous, strided (every other column of a wider table), reversed (negative
		// strides) and transposed destinations.
		c := ndview.New[float32](len(rows), width)
		wide := ndview.New[float32](len(rows), 2*width)
		strided := wide.Slice(1, 0, 2*width, 2)
		rev := ndview.New[float32](len(rows), width).Slice(0, 0, len(rows), -1).Slice(1, 0, width, -1)
		tr := ndview.New[float32](width, len(rows)).Transpose()
		for what, dst := range map[string]*ndview.View[float32]{"C": c, "strided": strided, "reversed": rev, "transposed": tr} {
			if err := DequantizeRows(dst, f, name, rows); err != nil {
				t.Errorf("%s, %s dst: %v", name, what, err)
				continue
			}
			if !sameBits(dst, want) {
				t.Errorf("%s, %s dst: rows %v = %v, want %v", name, what, rows, dst, want)
			}
		}
		if err := DequantizeRows(c, f, name, []int{0, 0, 0, 0, 0, n}); !errors.Is(err, ndview.ErrIndex) || !strings.HasPrefix(err.Error(), "ndview: gguf.DequantizeRows: row") {
			t.Errorf("row %d of %d: %v, want ErrIndex", n, n, err)
		}
		if err := DequantizeRows(c, f, name, []int{0, 0, 0, 0, 0, -n - 1}); !errors.Is(err, ndview.ErrIndex) {
			t.Errorf("row %d of %d: %v, want ErrIndex", -n-1, n, err)
		}
	}
	c := ndview.New[float32](2, 5)
	if err := DequantizeRows(c, f, "f16.3d", []int{0}); !errors.Is(err, ndview.ErrShape) || !strings.Contains(err.Error(), "need (1, 5)") {
		t.Errorf("dst of the wrong shape: %v", err)
	}
	if err := DequantizeRows(c.AsReadOnly(), f, "f16.3d", []int{0, 1}); !errors.Is(err, ndview.ErrReadOnly) {
		t.Errorf("read-only dst: %v", err)
	}
	if err := DequantizeRows(ndview.New[float32](0, 5), f, "f16.3d", nil); err != nil {
		t.Errorf("no rows: %v", err)
	}
	c.Release()
	if err := DequantizeRows(c, f, "f16.3d", []int{0, 1}); !errors.Is(err, ndview.ErrReleased) {
		t.Errorf("released dst: %v", err)
	}
	// A tensor with no dimensions is one row of one element.
	e := openT(t, "testdata/gguf-py/empty_tensor.gguf")
	one := ndview.New[float32](2, 1)
	if err := DequantizeRows(one, e, "scalar", []int{0, -1}); err != nil || one.At(1, 0) != 2.5 {
		t.Errorf("rows of a tensor with no dimensions: %v, %v", one, err)
	}
	// Rows of an empty tensor: (4, 0) has 4 rows of nothing, (0, 3) none.
	if err := DequantizeRows(ndview.New[float32](2, 0), e, "empty.i8", []int{3, -4}); err != nil {
		t.Errorf("rows of a (4, 0) tensor: %v", err)
	}
	if err := DequantizeRows(ndview.New[float32](1, 3), e, "empty.f32", []int{0}); !errors.Is(err, ndview.ErrIndex) {
		t.Errorf("a row of a (0, 3) tensor: %v, want ErrIndex", err)
	}
}

// sameBits compares two float32 views bit for bit (NaN payloads included).
func sameBits(a, b *ndview.View[float32]) bool {
	if !slices.Equal(a.Shape(), b.Shape()) {
		return false
	}
	x, y := a.ToSlice(), b.ToSlice()
	for i := range x {
		if math.Float32bits(x[i]) != math.Float32bits(y[i]) {
			return false
		}
	}
	return true
}

// Dequantize of the plain types converts as ggml.Dequantize does, into a new writable
// C-contiguous view that holds nothing of the file.
func TestDequantizePlain(t *testing.T) {
	f := openT(t, "testdata/gguf-py/plain.gguf")
	for _, name := range f.Names() {
		info, _ := f.Info(name)
		v, err := Dequantize(f, name)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if v.ReadOnly() || !v.IsCContiguous() || !slices.Equal(v.Shape(), info.Shape) || v.Obj() == nil {
			t.Errorf("%s: Dequantize gave %v", name, v.Shape())
		}
		want := make([]float32, v.Size())
		if err := ggml.Dequantize(want, blocksOf(t, f, name), info.Type); err != nil {
			t.Fatal(err)
		}
		w, _ := ndview.FromSlice(want, info.Shape...)
		if !sameBits(v, w) {
			t.Errorf("%s: Dequantize differs from ggml.Dequantize", name)
		}
	}
	// It does not hold the file: Close succeeds with the result alive.
	v, _ := Dequantize(f, "f32.2d")
	if err := f.Close(); err != nil {
		t.Errorf("Close with a Dequantize result alive: %v", err)
	}
	if v.At(0, 2) != 1 {
		t.Errorf("f32.2d[0, 2] = %v", v.At(0, 2))
	}
}

// Above 4 MiB of output, Dequantize and DequantizeRows split the work across goroutines:
// the result is the one ggml.Dequantize gives in one call.
func TestDequantizeParallel(t *testing.T) {
	const rows, width = 1031, 1536 // 6.0 MiB of float32, blocks not divisible by the workers
	h := make([]ndview.Float16, rows*width)
	for i := range h {
		h[i] = ndview.Float16(uint16(i * 40503))
	}
	v, _ := ndview.FromSlice(h, rows, width)
	f := openT(t, save(t, nil, []Tensor{{Name: "big", Data: v}}))
	got, err := Dequantize(f, "big")
	if err != nil {
		t.Fatal(err)
	}
	want := make([]float32, rows*width)
	if err := ggml.Dequantize(want, blocksOf(t, f, "big"), ggml.F16); err != nil {
		t.Fatal(err)
	}
	w, _ := ndview.FromSlice(want, rows, width)
	if !sameBits(got, w) {
		t.Errorf("Dequantize in parallel differs from one ggml.Dequantize")
	}
	idx := make([]int, 900)
	for i := range idx {
		idx[i] = (i * 7919) % rows
	}
	dst := ndview.New[float32](len(idx), width)
	if err := DequantizeRows(dst, f, "big", idx); err != nil {
		t.Fatal(err)
	}
	if !sameBits(dst, ndview.Take(w, idx, 0)) {
		t.Errorf("DequantizeRows in parallel differs from one ggml.Dequantize")
	}
}

// Info reports each tensor's absolute offset and size; Names and Keys are in file order.
func TestInfo(t *testing.T) {
	f := openT(t, "testdata/gguf-py/empty_tensor.gguf")
	if names := f.Names(); !slices.Equal(names, []string{"empty.f32", "empty.i8", "scalar", "after"}) {
		t.Errorf("Names: %q", names)
	}
	info, err := f.Info("scalar")
	if err != nil || len(info.Shape) != 0 || info.Size != 4 || info.Type != ggml.F32 {
		t.Errorf("Info of a 0-d tensor: %+v, %v", info, err)
	}
	if _, err := f.Info("nope"); !isFormat(err) || !strings.HasPrefix(err.Error(), "ndview: gguf.File.Info: ") {
		t.Errorf("Info of a missing tensor: %v", err)
	}
	v, err := View[float32](f, "empty.f32")
	if err != nil || !slices.Equal(v.Shape(), []int{0, 3}) {
		t.Errorf("View of an empty tensor: %v, %v", v, err)
	}
	s, err := View[float32](f, "scalar")
	if err != nil || s.NDim() != 0 || s.At() != 2.5 {
		t.Errorf("View of a 0-d tensor: %v, %v", s, err)
	}
	// Info's shape is the caller's.
	info.Shape = append(info.Shape, 9)
	if again, _ := f.Info("scalar"); len(again.Shape) != 0 {
		t.Errorf("Info's shape aliases the file's")
	}
}
