// Package dtypes is ndview's one table of element types: for each its class, width, struct
// format code, .npy descr and safetensors name. The root package (DType, ParseFormat,
// DTypeOf and the kernels), npy, npz and safetensors all decide by these rows, so a new
// element type (an 8-bit float, say) is a new row here, not an edit in every package.
//
// Rows are unique by (Class, Bits) for every class but Untyped, so two rows are the same
// element type exactly when they are equal (==). The struct codes whose native size
// depends on the platform (l L n N P) are aliases that resolve to the row of their size.
package dtypes

import (
	"strconv"
	"unsafe"
)

// Class is how values of an element type are interpreted.
type Class uint8

const (
	Invalid    Class = iota
	Int              // signed two's-complement integer
	Uint             // unsigned integer (and uintptr)
	Float            // IEEE 754 binary32 or binary64 (Go's float32 and float64)
	Complex          // a pair of Float
	Float16          // IEEE 754 binary16: ndview.Float16, stored as uint16
	BFloat16         // bfloat16, the top half of a binary32: ndview.BFloat16, stored as uint16
	Float8E4M3       // float8 e4m3fn (no infinities): ndview.Float8E4M3, stored as uint8
	Float8E5M2       // float8 e5m2 (IEEE-like): ndview.Float8E5M2, stored as uint8
	Bool             // struct '?', safetensors BOOL: no ndview element type
	Char             // struct 'c': no ndview element type
	Untyped          // known to a file format (F8_E4M3, F4, ...), no ndview element type
)

var classNames = [...]string{"invalid", "int", "uint", "float", "complex", "float16", "bfloat16", "float8_e4m3fn", "float8_e5m2", "bool", "char", "untyped"}

func (c Class) String() string {
	if int(c) < len(classNames) {
		return classNames[c]
	}
	return "invalid"
}

// IsFloat reports whether c is a floating-point class: Float or a narrow float.
func (c Class) IsFloat() bool { return c == Float || c.IsNarrow() }

// IsNarrow reports whether c is a float narrower than float32 (Float16, BFloat16 and the
// float8 types), whose values are uint8 or uint16 bit patterns that kernels must decode
// (every one widens exactly to float32), never treat as integers.
func (c Class) IsNarrow() bool { return c >= Float16 && c <= Float8E5M2 }

// Typed reports whether ndview has an element type (an Elem) of class c.
func (c Class) Typed() bool { return c >= Int && c <= Float8E5M2 }

// Row is one element type.
type Row struct {
	Name        string // NumPy / ml_dtypes name: "int8", "float16", "bfloat16", "float8_e4m3fn"
	Class       Class
	Bits        int    // bits per element: 4 and 6 for safetensors' packed F4 and F6 types
	Code        string // struct-module / PEP 3118 code ParseFormat accepts; "" for none
	NPY         string // .npy descr without its byte-order character ("f2"); "" if NumPy has none
	Safetensors string // safetensors dtype name ("BF16"); "" if safetensors has none
	Go          string // the Go element type that holds the values, for messages; "" if none
	NoNPY       string // why NumPy has no dtype for a typed row without NPY, for messages
}

// Size returns the row's size in bytes, 0 for the sub-byte types.
func (r Row) Size() int { return r.Bits / 8 }

// Rows is the table. Its order means nothing (SafetensorsOrder gives the writer's order).
var Rows = [...]Row{
	{"int8", Int, 8, "b", "i1", "I8", "int8", ""},
	{"uint8", Uint, 8, "B", "u1", "U8", "uint8", ""},
	{"int16", Int, 16, "h", "i2", "I16", "int16", ""},
	{"uint16", Uint, 16, "H", "u2", "U16", "uint16", ""},
	{"int32", Int, 32, "i", "i4", "I32", "int32", ""},
	{"uint32", Uint, 32, "I", "u4", "U32", "uint32", ""},
	{"int64", Int, 64, "q", "i8", "I64", "int64", ""},
	{"uint64", Uint, 64, "Q", "u8", "U64", "uint64", ""},
	{"float16", Float16, 16, "e", "f2", "F16", "ndview.Float16", ""},
	// NumPy has no bfloat16 or float8 types (ml_dtypes' are user dtypes that np.save writes
	// as raw bytes, '<V2' and '|V1', losing the type), and the struct module has no codes for
	// them: 'E', '4' and '5' are ml_dtypes' type characters (kNumPy1DescrType in
	// ml_dtypes/_src/floats.h), used by no struct or PEP 3118 code and by no NumPy built-in.
	{"bfloat16", BFloat16, 16, "E", "", "BF16", "ndview.BFloat16", "ml_dtypes saves it as an untyped '<V2'"},
	{"float8_e4m3fn", Float8E4M3, 8, "4", "", "F8_E4M3", "ndview.Float8E4M3", "ml_dtypes saves it as an untyped '|V1'"},
	{"float8_e5m2", Float8E5M2, 8, "5", "", "F8_E5M2", "ndview.Float8E5M2", "ml_dtypes saves it as an untyped '|V1'"},
	{"float32", Float, 32, "f", "f4", "F32", "float32", ""},
	{"float64", Float, 64, "d", "f8", "F64", "float64", ""},
	{"complex64", Complex, 64, "Zf", "c8", "C64", "complex64", ""},
	{"complex128", Complex, 128, "Zd", "c16", "", "complex128", ""},
	{"bool", Bool, 8, "?", "b1", "BOOL", "", ""},
	{"char", Char, 8, "c", "", "", "", ""},
	// Types of safetensors files that ndview lists but has no element type for; names as in
	// ml_dtypes.
	{"float8_e8m0fnu", Untyped, 8, "", "", "F8_E8M0", "", ""},
	{"float8_e4m3fnuz", Untyped, 8, "", "", "F8_E4M3FNUZ", "", ""},
	{"float8_e5m2fnuz", Untyped, 8, "", "", "F8_E5M2FNUZ", "", ""},
	{"float4_e2m1fn", Untyped, 4, "", "", "F4", "", ""},
	{"float6_e2m3fn", Untyped, 6, "", "", "F6_E2M3", "", ""},
	{"float6_e3m2fn", Untyped, 6, "", "", "F6_E3M2", "", ""},
}

// SafetensorsOrder is the declaration order of `pub enum Dtype` in the safetensors reference
// (huggingface/safetensors, safetensors/src/tensor.rs, checked at commit 24b0b28, May 2026).
// Its writer lays tensors out by this order descending, then by name ascending
// (`right.dtype().cmp(&left.dtype()).then(lname.cmp(rname))` in `prepare`): U64 first.
var SafetensorsOrder = [...]string{
	"BOOL", "F4", "F6_E2M3", "F6_E3M2", "U8", "I8", "F8_E5M2", "F8_E4M3", "F8_E8M0",
	"F8_E4M3FNUZ", "F8_E5M2FNUZ", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "C64",
	"F64", "I64", "U64",
}

// PtrSize is the size of a pointer, of Go's int and uint, and of struct's n, N and P.
const PtrSize = int(unsafe.Sizeof(uintptr(0)))

// code is one struct item code: the class and native size of its values, and its size in the
// standard modes ('=', '<', '>', '!'); stdSize 0 means native only (n, N and P, as in struct).
type code struct {
	class         Class
	size, stdSize int
}

// aliases are the struct codes with no row of their own: their native size is the
// platform's. Every other code is its row's Code, the same size in every mode.
var aliases = map[string]code{
	"l": {Int, CLongSize, 4}, "L": {Uint, CLongSize, 4},
	"n": {Int, PtrSize, 0}, "N": {Uint, PtrSize, 0}, "P": {Uint, PtrSize, 0},
}

type classBits struct {
	class Class
	bits  int
}

var (
	codes         = map[string]code{}
	byClassBits   = map[classBits]int{}
	byNPY         = map[string]int{}
	bySafetensors = map[string]int{}
	stRank        = map[string]int{}
)

func init() {
	for i, r := range Rows {
		if r.Code != "" {
			codes[r.Code] = code{r.Class, r.Size(), r.Size()}
		}
		if r.Class != Untyped {
			byClassBits[classBits{r.Class, r.Bits}] = i
		}
		if r.NPY != "" {
			byNPY[r.NPY] = i
		}
		if r.Safetensors != "" {
			bySafetensors[r.Safetensors] = i
		}
	}
	for c, info := range aliases {
		codes[c] = info
	}
	for i, name := range SafetensorsOrder {
		stRank[name] = i
	}
}

// ParseCode returns the class of a struct item code's values, its native size in bytes and
// its size in the standard modes (0 when the code is native only), or ok false for a code
// the struct module and PEP 3118 do not have here.
func ParseCode(c string) (class Class, size, stdSize int, ok bool) {
	info, ok := codes[c]
	return info.class, info.size, info.stdSize, ok
}

// ByClassSize returns the row of the typed (non-Untyped) element of this class and size in
// bytes.
func ByClassSize(c Class, size int) (Row, bool) {
	i, ok := byClassBits[classBits{c, 8 * size}]
	if !ok {
		return Row{}, false
	}
	return Rows[i], true
}

// ByCode returns the row of a struct item code's values at their native size: ByCode("n")
// is the int64 row on 64-bit platforms. This is the row of a DType from ndview.DTypeOf or
// an Array's DType method (whose Code has no byte-order prefix).
func ByCode(c string) (Row, bool) {
	class, size, _, ok := ParseCode(c)
	if !ok {
		return Row{}, false
	}
	return ByClassSize(class, size)
}

// ByFormat returns the row of a DType by its struct code (without the byte-order prefix)
// and its item size: ByFormat("l", 4) is int32 (a '<l'), ByFormat("l", 8) int64 (a native
// 'l' on 64-bit Linux).
func ByFormat(c string, size int) (Row, bool) {
	class, _, _, ok := ParseCode(c)
	if !ok {
		return Row{}, false
	}
	return ByClassSize(class, size)
}

// ByNPY returns the row of a .npy descr's kind character and size in bytes ('f', 2 is
// float16); ok is false for any dtype without a row (strings, records, bfloat16 saved by
// ml_dtypes as 'V2', long double, ...).
func ByNPY(kind byte, size int) (Row, bool) {
	if size <= 0 || size > 1<<10 {
		return Row{}, false
	}
	i, ok := byNPY[string(kind)+strconv.Itoa(size)]
	if !ok {
		return Row{}, false
	}
	return Rows[i], true
}

// BySafetensors returns the row of a safetensors dtype name (exact, case-sensitive),
// Untyped rows included; ok is false for a name the reference does not declare.
func BySafetensors(name string) (Row, bool) {
	i, ok := bySafetensors[name]
	if !ok {
		return Row{}, false
	}
	return Rows[i], true
}

// SafetensorsRank returns the position of a safetensors dtype name in SafetensorsOrder.
func SafetensorsRank(name string) (int, bool) {
	i, ok := stRank[name]
	return i, ok
}
