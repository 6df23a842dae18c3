package gguf

import (
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/ndview/ndview"
	"github.com/ndview/ndview/ggml"
)

// textOf is a metadata value as the manifests write it: integers in decimal, floats as the
// hex of their bits, bools as true/false, strings as the hex of their bytes; an array as a
// []string of its elements.
func textOf(t testing.TB, f *File, key string) any {
	t.Helper()
	k, err := f.Kind(key)
	if err != nil {
		t.Fatal(err)
	}
	if k != Array {
		return scalarText(t, f, key, k)
	}
	elem, n, err := f.ArrayOf(key)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	switch elem {
	case Uint8:
		out = texts(must(Meta[[]uint8](f, key))(t), func(x uint8) string { return strconv.FormatUint(uint64(x), 10) })
	case Int8:
		out = texts(must(Meta[[]int8](f, key))(t), func(x int8) string { return strconv.FormatInt(int64(x), 10) })
	case Uint16:
		out = texts(must(Meta[[]uint16](f, key))(t), func(x uint16) string { return strconv.FormatUint(uint64(x), 10) })
	case Int16:
		out = texts(must(Meta[[]int16](f, key))(t), func(x int16) string { return strconv.FormatInt(int64(x), 10) })
	case Uint32:
		out = texts(must(Meta[[]uint32](f, key))(t), func(x uint32) string { return strconv.FormatUint(uint64(x), 10) })
	case Int32:
		out = texts(must(Meta[[]int32](f, key))(t), func(x int32) string { return strconv.FormatInt(int64(x), 10) })
	case Float32:
		out = texts(must(Meta[[]float32](f, key))(t), f32Text)
	case Bool:
		out = texts(must(Meta[[]bool](f, key))(t), strconv.FormatBool)
	case String:
		out = texts(must(Meta[[]string](f, key))(t), func(s string) string { return hex.EncodeToString([]byte(s)) })
	case Uint64:
		out = texts(must(Meta[[]uint64](f, key))(t), func(x uint64) string { return strconv.FormatUint(x, 10) })
	case Int64:
		out = texts(must(Meta[[]int64](f, key))(t), func(x int64) string { return strconv.FormatInt(x, 10) })
	case Float64:
		out = texts(must(Meta[[]float64](f, key))(t), f64Text)
	default:
		t.Fatalf("key %q: array of %v", key, elem)
	}
	if len(out) != n {
		t.Fatalf("key %q: ArrayOf says %d elements, Meta gave %d", key, n, len(out))
	}
	return out
}

func f32Text(x float32) string { return fmt.Sprintf("0x%08x", math.Float32bits(x)) }
func f64Text(x float64) string { return fmt.Sprintf("0x%016x", math.Float64bits(x)) }

func texts[E any](xs []E, text func(E) string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = text(x)
	}
	return out
}

func scalarText(t testing.TB, f *File, key string, k ValueKind) string {
	t.Helper()
	must := func(s string, err error) string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	switch k {
	case Uint8:
		v, err := Meta[uint8](f, key)
		return must(strconv.FormatUint(uint64(v), 10), err)
	case Int8:
		v, err := Meta[int8](f, key)
		return must(strconv.FormatInt(int64(v), 10), err)
	case Uint16:
		v, err := Meta[uint16](f, key)
		return must(strconv.FormatUint(uint64(v), 10), err)
	case Int16:
		v, err := Meta[int16](f, key)
		return must(strconv.FormatInt(int64(v), 10), err)
	case Uint32:
		v, err := Meta[uint32](f, key)
		return must(strconv.FormatUint(uint64(v), 10), err)
	case Int32:
		v, err := Meta[int32](f, key)
		return must(strconv.FormatInt(int64(v), 10), err)
	case Float32:
		v, err := Meta[float32](f, key)
		return must(f32Text(v), err)
	case Bool:
		v, err := Meta[bool](f, key)
		return must(strconv.FormatBool(v), err)
	case String:
		v, err := Meta[string](f, key)
		return must(hex.EncodeToString([]byte(v)), err)
	case Uint64:
		v, err := Meta[uint64](f, key)
		return must(strconv.FormatUint(v, 10), err)
	case Int64:
		v, err := Meta[int64](f, key)
		return must(strconv.FormatInt(v, 10), err)
	case Float64:
		v, err := Meta[float64](f, key)
		return must(f64Text(v), err)
	}
	t.Fatalf("key %q: kind %v", key, k)
	return ""
}

// metaValue is a metadata value as Meta returns it, for Save.
func metaValue(t testing.TB, f *File, key string) any {
	t.Helper()
	k, err := f.Kind(key)
	if err != nil {
		t.Fatal(err)
	}
	if k == Array {
		elem, _, _ := f.ArrayOf(key)
		switch elem {
		case Uint8:
			return must(Meta[[]uint8](f, key))(t)
		case Int8:
			return must(Meta[[]int8](f, key))(t)
		case Uint16:
			return must(Meta[[]uint16](f, key))(t)
		case Int16:
			return must(Meta[[]int16](f, key))(t)
		case Uint32:
			return must(Meta[[]uint32](f, key))(t)
		case Int32:
			return must(Meta[[]int32](f, key))(t)
		case Float32:
			return must(Meta[[]float32](f, key))(t)
		case Bool:
			return must(Meta[[]bool](f, key))(t)
		case String:
			return must(Meta[[]string](f, key))(t)
		case Uint64:
			return must(Meta[[]uint64](f, key))(t)
		case Int64:
			return must(Meta[[]int64](f, key))(t)
		case Float64:
			return must(Meta[[]float64](f, key))(t)
		}
	}
	switch k {
	case Uint8:
		return must(Meta[uint8](f, key))(t)
	case Int8:
		return must(Meta[int8](f, key))(t)
	case Uint16:
		return must(Meta[uint16](f, key))(t)
	case Int16:
		return must(Meta[int16](f, key))(t)
	case Uint32:
		return must(Meta[uint32](f, key))(t)
	case Int32:
		return must(Meta[int32](f, key))(t)
	case Float32:
		return must(Meta[float32](f, key))(t)
	case Bool:
		return must(Meta[bool](f, key))(t)
	case String:
		return must(Meta[string](f, key))(t)
	case Uint64:
		return must(Meta[uint64](f, key))(t)
	case Int64:
		return must(Meta[int64](f, key))(t)
	case Float64:
		return must(Meta[float64](f, key))(t)
	}
	t.Fatalf("key %q: kind %v", key, k)
	return nil
}

func must[V any](v V, err error) func(testing.TB) V {
	return func(t testing.TB) V {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// metaOf is every metadata pair of f, in file order, for Save.
func metaOf(t testing.TB, f *File) []KV {
	var kvs []KV
	for _, k := range f.Keys() {
		kvs = append(kvs, KV{k, metaValue(t, f, k)})
	}
	return kvs
}

// blocksOf is the named tensor's bytes as stored.
func blocksOf(t testing.TB, f *File, name string) []byte {
	t.Helper()
	b, err := Blocks(f, name)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Release()
	return b.ToBytes(ndview.COrder)
}

// tensorsOf is every tensor of f as Blocks, for Save.
func tensorsOf(t testing.TB, f *File) []Tensor {
	var ts []Tensor
	for _, name := range f.Names() {
		info, err := f.Info(name)
		if err != nil {
			t.Fatal(err)
		}
		ts = append(ts, Tensor{Name: name, Type: info.Type, Shape: info.Shape, Blocks: blocksOf(t, f, name)})
	}
	return ts
}

// viewBytes returns the bytes of View[T] of a plain tensor, through the T of its type, or
// the error of View.
func viewBytes(f *File, name string, typ ggml.Type) ([]byte, error) {
	switch typ {
	case ggml.F32:
		return viewBytesOf[float32](f, name)
	case ggml.F16:
		return viewBytesOf[ndview.Float16](f, name)
	case ggml.BF16:
		return viewBytesOf[ndview.BFloat16](f, name)
	case ggml.F64:
		return viewBytesOf[float64](f, name)
	case ggml.I8:
		return viewBytesOf[int8](f, name)
	case ggml.I16:
		return viewBytesOf[int16](f, name)
	case ggml.I32:
		return viewBytesOf[int32](f, name)
	case ggml.I64:
		return viewBytesOf[int64](f, name)
	}
	return nil, fmt.Errorf("%v is not plain", typ)
}

func viewBytesOf[T ndview.Elem](f *File, name string) ([]byte, error) {
	v, err := View[T](f, name)
	if err != nil {
		return nil, err
	}
	defer v.Release()
	return v.ToBytes(ndview.COrder), nil
}

// alignOf is the alignment the Go element type of a plain ggml type needs.
func alignOf(typ ggml.Type) int {
	switch typ {
	case ggml.F32:
		return ndview.DTypeOf[float32]().Align()
	case ggml.F64:
		return ndview.DTypeOf[float64]().Align()
	case ggml.I32:
		return ndview.DTypeOf[int32]().Align()
	case ggml.I64:
		return ndview.DTypeOf[int64]().Align()
	}
	return typ.BlockBytes() // 1 or 2 bytes
}

// viewData returns View[T] of a plain tensor as an ndview.Array copied into Fortran order
// (a transposed view of a transposed copy), for Save to write in C order.
func viewData(f *File, name string, typ ggml.Type) (ndview.Array, error) {
	switch typ {
	case ggml.F32:
		return fortran[float32](f, name)
	case ggml.F16:
		return fortran[ndview.Float16](f, name)
	case ggml.BF16:
		return fortran[ndview.BFloat16](f, name)
	case ggml.F64:
		return fortran[float64](f, name)
	case ggml.I8:
		return fortran[int8](f, name)
	case ggml.I16:
		return fortran[int16](f, name)
	case ggml.I32:
		return fortran[int32](f, name)
	case ggml.I64:
		return fortran[int64](f, name)
	}
	return nil, fmt.Errorf("%v is not plain", typ)
}

func fortran[T ndview.Elem](f *File, name string) (ndview.Array, error) {
	v, err := View[T](f, name)
	if err != nil {
		return nil, err
	}
	defer v.Release()
	return v.Transpose().Clone().Transpose(), nil
}

// save writes meta and tensors to a new file in a temporary directory and returns its path.
func save(t testing.TB, meta []KV, tensors []Tensor) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "m.gguf")
	if err := Save(path, meta, tensors); err != nil {
		t.Fatal(err)
	}
	return path
}

// openT opens path or fails the test, closing the file when the test ends.
func openT(t testing.TB, path string) *File {
	t.Helper()
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// noPanic calls fn and fails the test if it panics.
func noPanic(t testing.TB, what string, fn func() error) (err error) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("%s panicked: %v", what, r)
		}
	}()
	return fn()
}

// pow2 is 2**n as an int, for constants that do not fit a 32-bit int (whose tests run on
// 64-bit platforms only).
func pow2(n uint) int { return 1 << n }

func isFormat(err error) bool { return errors.Is(err, ndview.ErrFormat) }

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
