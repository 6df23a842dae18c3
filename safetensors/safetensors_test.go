package safetensors

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ndview/ndview"
)

// layouts returns views of a 4×6 source of T in several layouts, by name.
func layouts[T ndview.Elem](gen func(i int) T) (names []string, views []*ndview.View[T]) {
	src := ndview.New[T](4, 6)
	for i := range 4 {
		for j := range 6 {
			src.Set(gen(i*6+j), i, j)
		}
	}
	add := func(name string, v *ndview.View[T]) {
		names = append(names, name)
		views = append(views, v)
	}
	add("c", src)
	add("transposed", src.Transpose())
	add("strided", src.Slice(1, 0, 6, 2))
	add("reversed_readonly", src.AsReadOnly().Slice(0, 0, 4, -1))
	add("scalar", src.Index(0, 1).Index(0, 2))
	add("empty", src.Slice(0, 2, 2, 1))
	add("one_d", src.Index(1, 5))
	return names, views
}

// roundTrip saves views of T in every layout, reopens the file and reads them back with View
// and Load, checking the dtype, the shape and the bytes.
func roundTrip[T ndview.Elem](t *testing.T, dtype string, gen func(i int) T) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "x.safetensors")
	names, views := layouts(gen)
	var tensors []Tensor
	for i, v := range views {
		tensors = append(tensors, Tensor{Name: names[i], Data: v})
	}
	if err := Save(path, tensors, map[string]string{"dtype": dtype}); err != nil {
		t.Fatal(err)
	}
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.Metadata(); got["dtype"] != dtype || len(got) != 1 {
		t.Errorf("Metadata = %v", got)
	}
	for i, name := range names {
		want := views[i]
		info, err := f.Info(name)
		if err != nil {
			t.Fatal(err)
		}
		if info.DType != dtype || !slices.Equal(info.Shape, want.Shape()) {
			t.Errorf("%s: Info = %+v, want %s %v", name, info, dtype, want.Shape())
		}
		v, err := View[T](f, name)
		if err != nil {
			t.Fatalf("%s: View: %v", name, err)
		}
		if !v.ReadOnly() || !slices.Equal(v.Shape(), want.Shape()) || !bytes.Equal(v.ToBytes(ndview.COrder), want.ToBytes(ndview.COrder)) {
			t.Errorf("%s: View gives %v %s, want %v %s", name, v.Shape(), v.Hex(), want.Shape(), want.Hex())
		}
		v.Release()
		l, err := Load[T](f, name)
		if err != nil {
			t.Fatalf("%s: Load: %v", name, err)
		}
		if l.ReadOnly() || !l.IsCContiguous() || !slices.Equal(l.Shape(), want.Shape()) || !bytes.Equal(l.ToBytes(ndview.COrder), want.ToBytes(ndview.COrder)) {
			t.Errorf("%s: Load gives %v %s, want %v %s", name, l.Shape(), l.Hex(), want.Shape(), want.Hex())
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestRoundTrip(t *testing.T) {
	i64, u64 := "I"+strconv.Itoa(strconv.IntSize), "U"+strconv.Itoa(strconv.IntSize)
	t.Run("int8", func(t *testing.T) { roundTrip(t, "I8", func(i int) int8 { return int8(i - 12) }) })
	t.Run("uint8", func(t *testing.T) { roundTrip(t, "U8", func(i int) uint8 { return uint8(i * 9) }) })
	t.Run("int16", func(t *testing.T) { roundTrip(t, "I16", func(i int) int16 { return int16(-1000 * i) }) })
	t.Run("uint16", func(t *testing.T) { roundTrip(t, "U16", func(i int) uint16 { return uint16(2731 * i) }) })
	t.Run("int32", func(t *testing.T) { roundTrip(t, "I32", func(i int) int32 { return int32(-70001 * i) }) })
	t.Run("uint32", func(t *testing.T) { roundTrip(t, "U32", func(i int) uint32 { return uint32(0x01020304 * i) }) })
	t.Run("int64", func(t *testing.T) { roundTrip(t, "I64", func(i int) int64 { return int64(-1) << (i + 30) }) })
	t.Run("uint64", func(t *testing.T) { roundTrip(t, "U64", func(i int) uint64 { return 0x0102030405060708 * uint64(i) }) })
	t.Run("int", func(t *testing.T) { roundTrip(t, i64, func(i int) int { return -i * 1e6 }) })
	t.Run("uint", func(t *testing.T) { roundTrip(t, u64, func(i int) uint { return uint(i) << 20 }) })
	t.Run("uintptr", func(t *testing.T) { roundTrip(t, u64, func(i int) uintptr { return uintptr(i) * 12345 }) })
	t.Run("float32", func(t *testing.T) { roundTrip(t, "F32", func(i int) float32 { return float32(i) / 3 }) })
	t.Run("float64", func(t *testing.T) { roundTrip(t, "F64", func(i int) float64 { return -float64(i) / 7 }) })
	t.Run("complex64", func(t *testing.T) {
		roundTrip(t, "C64", func(i int) complex64 { return complex(float32(i), -float32(i)/2) })
	})
	t.Run("float16", func(t *testing.T) {
		roundTrip(t, "F16", func(i int) ndview.Float16 { return ndview.Float16(0x3C00 + i*37) })
	})
	t.Run("bfloat16", func(t *testing.T) {
		roundTrip(t, "BF16", func(i int) ndview.BFloat16 { return ndview.BFloat16(0xBF80 - i*41) })
	})
	type celsius float64
	t.Run("named", func(t *testing.T) { roundTrip(t, "F64", func(i int) celsius { return celsius(i) }) })
}

// TestLoadAsSameSize checks that int and int64 read the same tensor (I64 on 64-bit).
func TestLoadIntAsInt64(t *testing.T) {
	if strconv.IntSize != 64 {
		t.Skip("int is I32 here")
	}
	path := filepath.Join(t.TempDir(), "x.safetensors")
	src, _ := ndview.FromSlice([]int{-1, 2, 3})
	if err := Save(path, []Tensor{{"a", src}}, nil); err != nil {
		t.Fatal(err)
	}
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	v, err := Load[int64](f, "a")
	if err != nil || !slices.Equal(v.ToSlice(), []int64{-1, 2, 3}) {
		t.Fatalf("Load[int64] = %v, %v", v, err)
	}
}

func TestWrongType(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.safetensors")
	src, _ := ndview.FromSlice([]float32{1, 2})
	h, _ := ndview.FromSlice([]ndview.Float16{1, 2})
	if err := Save(path, []Tensor{{"f", src}, {"h", h}}, nil); err != nil {
		t.Fatal(err)
	}
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, err := range []error{
		func() error { _, err := View[int32](f, "f"); return err }(),
		func() error { _, err := Load[uint32](f, "f"); return err }(),
		func() error { _, err := View[float64](f, "f"); return err }(),
		func() error { _, err := View[uint16](f, "h"); return err }(),
		func() error { _, err := View[ndview.BFloat16](f, "h"); return err }(),
		func() error { _, err := Load[complex128](f, "f"); return err }(),
		func() error { _, err := View[float32](f, "nope"); return err }(),
		func() error { _, err := f.Info("nope"); return err }(),
	} {
		if !errors.Is(err, ndview.ErrFormat) {
			t.Errorf("got %v, want ErrFormat", err)
		}
	}
	_, err = View[uint16](f, "h")
	if want := `ndview: safetensors.View: tensor "h" holds F16 elements, not uint16 (U16); use ndview.Float16`; err == nil || err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
}

// writeRaw writes a safetensors file of a header (used as it is, unpadded) and data.
func writeRaw(t testing.TB, dir, name, hdr string, data []byte) string {
	t.Helper()
	b := binary.LittleEndian.AppendUint64(nil, uint64(len(hdr)))
	b = append(append(b, hdr...), data...)
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestMisaligned(t *testing.T) {
	// An odd-sized U8 tensor first puts the F32 tensor at data offset 3, as writers that do
	// not sort (MLX, for one) do. The header is 64 bytes, so the data starts aligned.
	hdr := `{"b":{"dtype":"U8","shape":[3],"data_offsets":[0,3]},"w":{"dtype":"F32","shape":[2],"data_offsets":[3,11]}}`
	hdr += strings.Repeat(" ", (8-len(hdr)%8)%8)
	data := []byte{7, 8, 9}
	data = binary.LittleEndian.AppendUint32(data, 0x3F800000) // 1.0
	data = binary.LittleEndian.AppendUint32(data, 0xC0000000) // -2.0
	f, err := Open(writeRaw(t, t.TempDir(), "m.safetensors", hdr, data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.Names(); !slices.Equal(got, []string{"b", "w"}) {
		t.Errorf("Names = %v", got)
	}
	_, err = View[float32](f, "w")
	if !errors.Is(err, ndview.ErrMisaligned) || !strings.HasPrefix(err.Error(), "ndview: safetensors.View: ") || !strings.Contains(err.Error(), "Load") {
		t.Fatalf("View of a misaligned tensor: %v", err)
	}
	w, err := Load[float32](f, "w")
	if err != nil || !slices.Equal(w.ToSlice(), []float32{1, -2}) {
		t.Fatalf("Load = %v, %v", w, err)
	}
	b, err := View[uint8](f, "b")
	if err != nil || !slices.Equal(b.ToSlice(), []uint8{7, 8, 9}) {
		t.Fatalf("View[uint8] = %v, %v", b, err)
	}
	b.Release()
	if f.shards[0].m.Exports() != 0 {
		t.Errorf("a failed View left an export behind")
	}
}

func TestUnknownDTypes(t *testing.T) {
	// Dtypes ndview has no type for, known to the reference (F8_E8M0, F4, BOOL) or not
	// (F12_FUTURE: only its byte range is checked), sit beside an F32 tensor.
	hdr := `{"f32":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},` +
		`"fp8":{"dtype":"F8_E8M0","shape":[2,2],"data_offsets":[4,8]},` +
		`"fp4":{"dtype":"F4","shape":[4],"data_offsets":[8,10]},` +
		`"mask":{"dtype":"BOOL","shape":[2],"data_offsets":[10,12]},` +
		`"future":{"dtype":"F12_FUTURE","shape":[5],"data_offsets":[12,16]}}`
	hdr += strings.Repeat(" ", (8-len(hdr)%8)%8) // so that the F32 tensor is aligned
	data := []byte{0, 0, 0x80, 0x3F, 1, 2, 3, 4, 0x12, 0x34, 1, 0, 9, 9, 9, 9}
	f, err := Open(writeRaw(t, t.TempDir(), "u.safetensors", hdr, data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got, want := f.Names(), []string{"f32", "fp8", "fp4", "mask", "future"}; !slices.Equal(got, want) {
		t.Errorf("Names = %v, want %v", got, want)
	}
	info, err := f.Info("future")
	if err != nil || info.DType != "F12_FUTURE" || !slices.Equal(info.Shape, []int{5}) || info.Offsets != [2]int64{12, 16} {
		t.Errorf("Info = %+v, %v", info, err)
	}
	for _, name := range []string{"fp8", "fp4", "mask", "future"} {
		if _, err := View[uint8](f, name); !errors.Is(err, ndview.ErrFormat) || !strings.Contains(err.Error(), "Bytes") {
			t.Errorf("View[uint8](%s): %v", name, err)
		}
		if _, err := Load[int8](f, name); !errors.Is(err, ndview.ErrFormat) {
			t.Errorf("Load[int8](%s): %v", name, err)
		}
	}
	b, err := f.Bytes("fp8")
	if err != nil || !slices.Equal(b.ToSlice(), []uint8{1, 2, 3, 4}) || !b.ReadOnly() {
		t.Fatalf("Bytes = %v, %v", b, err)
	}
	if err := f.Close(); !errors.Is(err, ndview.ErrExported) {
		t.Errorf("Close with Bytes alive: %v", err)
	}
	b.Release()
	v, err := View[float32](f, "f32")
	if err != nil || v.At(0) != 1 {
		t.Fatalf("View[float32] = %v, %v", v, err)
	}
	v.Release()
}

// F8_E4M3 and F8_E5M2 tensors are viewed in place as ndview's float8 types, decoded exactly.
func TestFloat8Tensors(t *testing.T) {
	hdr := `{"a":{"dtype":"F8_E4M3","shape":[2,2],"data_offsets":[0,4]},` +
		`"b":{"dtype":"F8_E5M2","shape":[3],"data_offsets":[4,7]}}`
	data := []byte{0x38, 0xb8, 0x7e, 0x01, 0x3c, 0x7c, 0xfe}
	f, err := Open(writeRaw(t, t.TempDir(), "f8.safetensors", hdr, data))
	if err != nil {
		t.Fatal(err)
	}
	a, err := View[ndview.Float8E4M3](f, "a")
	if err != nil {
		t.Fatal(err)
	}
	if got := ndview.AsType[float32](a).ToSlice(); !slices.Equal(got, []float32{1, -1, 448, 0x1p-9}) {
		t.Errorf("F8_E4M3 values %v", got)
	}
	b, err := Load[ndview.Float8E5M2](f, "b")
	if err != nil {
		t.Fatal(err)
	}
	got := ndview.AsType[float64](b).ToSlice()
	if got[0] != 1 || !math.IsInf(got[1], 1) || !math.IsNaN(got[2]) {
		t.Errorf("F8_E5M2 values %v", got)
	}
	if _, err := View[uint8](f, "a"); !errors.Is(err, ndview.ErrFormat) || !strings.Contains(err.Error(), "use ndview.Float8E4M3") {
		t.Errorf("View[uint8] of F8_E4M3: %v", err)
	}
	a.Release()
	p := filepath.Join(t.TempDir(), "back.safetensors")
	if err := Save(p, []Tensor{{"b", b}}, nil); err != nil {
		t.Fatal(err)
	}
	g, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	if info, _ := g.Info("b"); info.DType != "F8_E5M2" {
		t.Errorf("saved as %s", info.DType)
	}
	c, _ := Load[ndview.Float8E5M2](g, "b")
	if !slices.Equal(c.ToSlice(), b.ToSlice()) {
		t.Errorf("round trip %v, want %v", c.ToSlice(), b.ToSlice())
	}
	if err := g.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestCloseWhileViewsLive(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.safetensors")
	src, _ := ndview.FromSlice([]float64{1, 2, 3, 4, 5, 6}, 2, 3)
	if err := Save(path, []Tensor{{"a", src}}, nil); err != nil {
		t.Fatal(err)
	}
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	v, err := View[float64](f, "a")
	if err != nil {
		t.Fatal(err)
	}
	d := v.Transpose()
	v.Release()
	err = f.Close()
	if !errors.Is(err, ndview.ErrExported) || !strings.HasPrefix(err.Error(), "ndview: safetensors.File.Close: ") {
		t.Fatalf("Close with a derived view alive: %v", err)
	}
	if d.At(2, 1) != 6 { // still mapped
		t.Errorf("derived view reads %v", d.At(2, 1))
	}
	l, err := Load[float64](f, "a") // the file still works
	if err != nil {
		t.Fatal(err)
	}
	d.Release()
	if err := f.Close(); err != nil {
		t.Fatalf("Close after Release: %v", err)
	}
	if err := f.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if l.At(1, 2) != 6 { // Load's copy owns its memory
		t.Errorf("loaded view reads %v", l.At(1, 2))
	}
	if _, err := View[float64](f, "a"); !errors.Is(err, ndview.ErrReleased) {
		t.Errorf("View after Close: %v", err)
	}
	if _, err := Load[float64](f, "a"); !errors.Is(err, ndview.ErrReleased) {
		t.Errorf("Load after Close: %v", err)
	}
	if _, err := f.Info("a"); err != nil {
		t.Errorf("Info after Close: %v", err)
	}
}

// TestSaveOverOpenFile checks that Save replaces a file whose old content is still viewed.
func TestSaveOverOpenFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.safetensors")
	old, _ := ndview.FromSlice([]int32{1, 2, 3})
	if err := Save(path, []Tensor{{"a", old}}, nil); err != nil {
		t.Fatal(err)
	}
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	v, err := View[int32](f, "a")
	if err != nil {
		t.Fatal(err)
	}
	updated, _ := ndview.FromSlice([]int32{7, 8, 9, 10})
	if err := Save(path, []Tensor{{"a", updated}}, nil); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(v.ToSlice(), []int32{1, 2, 3}) {
		t.Errorf("the old view reads %v", v.ToSlice())
	}
	v.Release()
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	g, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	w, err := Load[int32](g, "a")
	if err != nil || !slices.Equal(w.ToSlice(), []int32{7, 8, 9, 10}) {
		t.Errorf("reopened: %v, %v", w, err)
	}
	if ents, _ := os.ReadDir(filepath.Dir(path)); len(ents) != 1 {
		t.Errorf("directory holds %d files, want 1", len(ents))
	}
}

// lyingArray reports a shape its ToBytes does not fill.
type lyingArray struct{ *ndview.View[float32] }

func (l lyingArray) ToBytes(ndview.Order) []byte { return []byte{1} }

func TestSaveErrors(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.safetensors")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	a, _ := ndview.FromSlice([]float32{1, 2})
	released, _ := ndview.FromSlice([]float32{1})
	released.Release()
	c128, _ := ndview.FromSlice([]complex128{1})
	cases := []struct {
		name    string
		tensors []Tensor
		md      map[string]string
		want    error
	}{
		{"duplicate", []Tensor{{"a", a}, {"b", a}, {"a", a}}, nil, ndview.ErrFormat},
		{"reserved", []Tensor{{"__metadata__", a}}, nil, ndview.ErrFormat},
		{"complex128", []Tensor{{"c", c128}}, nil, ndview.ErrFormat},
		{"released", []Tensor{{"r", released}}, nil, ndview.ErrReleased},
		{"nil data", []Tensor{{"n", nil}}, nil, ndview.ErrFormat},
		{"bad utf-8 name", []Tensor{{"\xff", a}}, nil, ndview.ErrFormat},
		{"bad utf-8 metadata", nil, map[string]string{"k": "\xc3"}, ndview.ErrFormat},
		{"lying array", []Tensor{{"l", lyingArray{a}}}, nil, ndview.ErrFormat},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := Save(path, c.tensors, c.md)
			if !errors.Is(err, c.want) || !strings.HasPrefix(err.Error(), "ndview: safetensors.Save: ") {
				t.Fatalf("Save: %v, want %v", err, c.want)
			}
			if b, _ := os.ReadFile(path); string(b) != "old" {
				t.Errorf("a failed Save changed the file")
			}
			if ents, _ := os.ReadDir(dir); len(ents) != 1 {
				t.Errorf("a failed Save left %d files", len(ents))
			}
		})
	}
	if err := Save(filepath.Join(dir, "no", "such", "dir.safetensors"), nil, nil); err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Save into a missing directory: %v", err)
	}
}
