package ndview

import (
	"reflect"

	"github.com/ndview/ndview/internal/dtypes"
)

// This file is where the Go element types meet their rows of the dtype table
// (internal/dtypes): the one place in the package that switches on T. Everything else decides
// by a type's class (elemKind) or its DType. A new element type is a row in the table, an
// entry here, and its conversion code (as half.go and float8.go are); the kernels take it up
// through the class.

// goTypes are Go's own element types, with their struct codes. A named type is its
// underlying type, as everywhere in ndview.
var goTypes = [...]struct {
	t    reflect.Type
	code string
}{
	{reflect.TypeFor[int8](), "b"}, {reflect.TypeFor[uint8](), "B"},
	{reflect.TypeFor[int16](), "h"}, {reflect.TypeFor[uint16](), "H"},
	{reflect.TypeFor[int32](), "i"}, {reflect.TypeFor[uint32](), "I"},
	{reflect.TypeFor[int64](), "q"}, {reflect.TypeFor[uint64](), "Q"},
	{reflect.TypeFor[int](), "n"}, {reflect.TypeFor[uint](), "N"}, {reflect.TypeFor[uintptr](), "P"},
	{reflect.TypeFor[float32](), "f"}, {reflect.TypeFor[float64](), "d"},
	{reflect.TypeFor[complex64](), "Zf"}, {reflect.TypeFor[complex128](), "Zd"},
}

var (
	goDTypes = func() (a [reflect.Complex128 + 1]DType) { // by reflect.Kind
		for _, g := range goTypes {
			a[g.t.Kind()] = goDType(g.t, g.code)
		}
		return a
	}()
	goClasses = func() (a [len(goDTypes)]dtypes.Class) {
		for k, d := range goDTypes {
			a[k] = d.class
		}
		return a
	}()
)

// narrowClass returns the class of T if T is exactly one of the narrow float types (whose
// values are bit patterns: only these types themselves, not types defined from them, which
// are their underlying uint8 or uint16), and dtypes.Invalid otherwise.
func narrowClass[T Elem]() dtypes.Class {
	switch any((*T)(nil)).(type) {
	case *Float16:
		return dtypes.Float16
	case *BFloat16:
		return dtypes.BFloat16
	case *Float8E4M3:
		return dtypes.Float8E4M3
	case *Float8E5M2:
		return dtypes.Float8E5M2
	}
	return dtypes.Invalid
}

// narrowCodec is what kernels need to know of a narrow float class: its size, and its exact
// widening to float32 and float64 and its rounding from them, over bit patterns held in a
// uint16. Every narrow value widens exactly to float32.
type narrowCodec struct {
	t       reflect.Type
	size    int // 1 or 2
	toF32   func(uint16) float32
	toF64   func(uint16) float64
	fromF32 func(float32) uint16 // rounds once, to nearest even, as the type's own conversion
	fromF64 func(float64) uint16 // rounds once, never through float32
	// fromF64s is fromF64 over a run, dst[k] at byte k·ds: one call per run, the rounding
	// called directly (not through a func value) for each element.
	fromF64s func(dst mem, ds int, src []float64)
	fromF32s func(dst mem, ds int, src []float32) // fromF32 over a run, likewise
	dtype    DType
	table    *[256]float32 // toF32 of every pattern of a one-byte type, made once; nil otherwise
}

// narrows is indexed by class - dtypes.Float16.
var narrows = func() (a [dtypes.Float8E5M2 - dtypes.Float16 + 1]narrowCodec) {
	a[0] = narrowCodec{ // dtypes.Float16
		t: reflect.TypeFor[Float16](), size: 2,
		toF32:   func(h uint16) float32 { return Float16(h).Float32() },
		toF64:   func(h uint16) float64 { return Float16(h).Float64() },
		fromF32: func(f float32) uint16 { return uint16(ToFloat16(f)) },
		fromF64: func(f float64) uint16 { return uint16(Float16FromFloat64(f)) },
		fromF64s: func(dst mem, ds int, src []float64) {
			for k, x := range src {
				*at[uint16](dst, k*ds) = uint16(Float16FromFloat64(x))
			}
		},
		fromF32s: func(dst mem, ds int, src []float32) {
			for k, x := range src {
				*at[uint16](dst, k*ds) = uint16(ToFloat16(x))
			}
		},
	}
	a[dtypes.BFloat16-dtypes.Float16] = narrowCodec{
		t: reflect.TypeFor[BFloat16](), size: 2,
		toF32:   func(h uint16) float32 { return BFloat16(h).Float32() },
		toF64:   func(h uint16) float64 { return BFloat16(h).Float64() },
		fromF32: func(f float32) uint16 { return uint16(ToBFloat16(f)) },
		fromF64: func(f float64) uint16 { return uint16(BFloat16FromFloat64(f)) },
		fromF64s: func(dst mem, ds int, src []float64) {
			for k, x := range src {
				*at[uint16](dst, k*ds) = uint16(BFloat16FromFloat64(x))
			}
		},
		fromF32s: func(dst mem, ds int, src []float32) {
			for k, x := range src {
				*at[uint16](dst, k*ds) = uint16(ToBFloat16(x))
			}
		},
	}
	a[dtypes.Float8E4M3-dtypes.Float16] = narrowCodec{
		t: reflect.TypeFor[Float8E4M3](), size: 1,
		toF32:   func(h uint16) float32 { return Float8E4M3(h).Float32() },
		toF64:   func(h uint16) float64 { return Float8E4M3(h).Float64() },
		fromF32: func(f float32) uint16 { return uint16(ToFloat8E4M3(f)) },
		fromF64: func(f float64) uint16 { return uint16(Float8E4M3FromFloat64(f)) },
		fromF64s: func(dst mem, ds int, src []float64) {
			for k, x := range src {
				*at[uint8](dst, k*ds) = uint8(Float8E4M3FromFloat64(x))
			}
		},
		fromF32s: func(dst mem, ds int, src []float32) {
			for k, x := range src {
				*at[uint8](dst, k*ds) = uint8(ToFloat8E4M3(x))
			}
		},
	}
	a[dtypes.Float8E5M2-dtypes.Float16] = narrowCodec{
		t: reflect.TypeFor[Float8E5M2](), size: 1,
		toF32:   func(h uint16) float32 { return Float8E5M2(h).Float32() },
		toF64:   func(h uint16) float64 { return Float8E5M2(h).Float64() },
		fromF32: func(f float32) uint16 { return uint16(ToFloat8E5M2(f)) },
		fromF64: func(f float64) uint16 { return uint16(Float8E5M2FromFloat64(f)) },
		fromF64s: func(dst mem, ds int, src []float64) {
			for k, x := range src {
				*at[uint8](dst, k*ds) = uint8(Float8E5M2FromFloat64(x))
			}
		},
		fromF32s: func(dst mem, ds int, src []float32) {
			for k, x := range src {
				*at[uint8](dst, k*ds) = uint8(ToFloat8E5M2(x))
			}
		},
	}
	for i := range a {
		c := dtypes.Float16 + dtypes.Class(i)
		row, ok := dtypes.ByClassSize(c, a[i].size)
		if !ok || row.Class != c {
			panic("ndview: unreachable: no dtype row for " + a[i].t.String())
		}
		a[i].dtype = goDType(a[i].t, row.Code)
		if a[i].size == 1 {
			a[i].table = new([256]float32)
			for h := range a[i].table {
				a[i].table[h] = a[i].toF32(uint16(h))
			}
		}
	}
	return a
}()

// narrowOf returns the codec of a narrow class.
func narrowOf(c dtypes.Class) *narrowCodec { return &narrows[c-dtypes.Float16] }

// load returns the bits of the element at byte offset off from p (mem rule 3:
// off is the offset of an element of the view).
func (n *narrowCodec) load(p mem, off int) uint16 {
	if n.size == 1 {
		return uint16(*at[uint8](p, off))
	}
	return *at[uint16](p, off)
}

// DTypeOf returns the native DType of T. Float16, BFloat16, Float8E4M3 and Float8E5M2 are
// narrow floats ("e", "E", "4", "5"); every other named type maps through its underlying
// type, including types defined from the narrow floats (which are uint16 "H" or uint8 "B").
//
// DTypeOf does not allocate and takes constant time: kernels may call it on every call.
func DTypeOf[T Elem]() DType {
	if c := narrowClass[T](); c != dtypes.Invalid {
		return narrowOf(c).dtype
	}
	return goDTypes[reflect.TypeFor[T]().Kind()]
}

// elemKind returns the class of T's values, by which kernels decide: a narrow class
// (dtypes.Float16, ...) for exactly the narrow float types (whose values are bit patterns,
// never integers), dtypes.Int, Uint, Float or Complex for every other T by its underlying
// type. It does not allocate; use Class.IsFloat and Class.IsNarrow to group classes.
func elemKind[T Elem]() dtypes.Class {
	if c := narrowClass[T](); c != dtypes.Invalid {
		return c
	}
	return goClasses[reflect.TypeFor[T]().Kind()]
}
