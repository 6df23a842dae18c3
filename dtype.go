package ndview

import (
	"reflect"

	"github.com/ndview/ndview/internal/dtypes"
	"golang.org/x/exp/constraints"
)

// Elem is the set of element types a View can hold: Go's integer, floating-point and
// complex types, and named types over them. bool and anything holding pointers are left
// out on purpose: a []byte store is never scanned by the garbage collector, and a byte
// other than 0 or 1 is not a valid Go bool.
type Elem interface {
	constraints.Integer | constraints.Float | constraints.Complex
}

// Kind is the class of a DType's values.
type Kind uint8

const (
	KindInvalid Kind = iota
	KindInt          // signed integer
	KindUint         // unsigned integer (and uintptr, 'P')
	KindFloat        // IEEE 754 binary floating point
	KindComplex      // a pair of floats
	KindBool         // '?': parses, but no Go element type has it
	KindChar         // 'c': a single byte of text; parses, no Go element type has it
)

var kindNames = [...]string{"invalid", "int", "uint", "float", "complex", "bool", "char"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "invalid"
}

// ByteOrder is the byte order of a DType's values.
type ByteOrder uint8

const (
	NativeOrder ByteOrder = iota // the machine's own order
	LittleEndian
	BigEndian
)

// DType describes one element as Python's struct module and PEP 3118 do: its kind, size,
// alignment and byte order, and the format string it came from.
//
// What a DType is (its class, size, struct code, .npy descr, safetensors name) comes from
// one table, internal/dtypes: a new element type is a row there, not a new case here.
type DType struct {
	class  dtypes.Class
	size   uint8
	align  uint8
	order  ByteOrder
	prefix byte   // the byte-order character of the format, 0 when there was none
	code   string // the struct code: "b", "d", "Zf", "e", "E", ...
}

// classKinds is the public Kind of each class but the narrow floats (see Kind).
var classKinds = [...]Kind{
	dtypes.Int: KindInt, dtypes.Uint: KindUint, dtypes.Float: KindFloat, dtypes.Complex: KindComplex,
	dtypes.Bool: KindBool, dtypes.Char: KindChar,
	dtypes.Untyped: KindInvalid,
}

// Kind returns the class of the element's values: KindFloat for Float16, BFloat16 and the
// float8 types (every narrow float of the dtype table), which Code ("e", "E", "4", "5")
// tells apart.
func (d DType) Kind() Kind {
	if d.class.IsNarrow() {
		return KindFloat
	}
	if int(d.class) < len(classKinds) {
		return classKinds[d.class]
	}
	return KindInvalid
}

// ItemSize returns the element's size in bytes.
func (d DType) ItemSize() int { return int(d.size) }

// Align returns the alignment the element needs, in bytes (1 in struct's standard modes).
func (d DType) Align() int { return int(d.align) }

// ByteOrder returns the element's byte order as the format spelled it (NativeOrder for
// no prefix, '@' or '=').
func (d DType) ByteOrder() ByteOrder { return d.order }

// Code returns the struct code without a byte-order prefix: "d", "Zf", ...
func (d DType) Code() string { return d.code }

// Format returns the struct-module format string: the code, behind the byte-order prefix
// it was parsed with if any. Formats of Go element types have no prefix.
func (d DType) Format() string {
	if d.prefix == 0 {
		return d.code
	}
	return string(d.prefix) + d.code
}

// String returns a NumPy-style name such as "float64", "uint8", "complex128", "float16" or
// "bfloat16", with the byte order behind it when the format named one explicitly.
func (d DType) String() string {
	row, ok := dtypes.ByClassSize(d.class, int(d.size))
	if !ok {
		return "invalid"
	}
	name := row.Name
	switch d.prefix {
	case '<':
		name += " (little-endian)"
	case '>', '!':
		name += " (big-endian)"
	}
	return name
}

// ParseFormat parses the struct-module format of one item: an optional byte-order prefix
// ('@' native with alignment, '=' native standard, '<' little, '>' and '!' big), then one of
// b B h H i I l L q Q n N e f d P c ?, the PEP 3118 complex codes Zf and Zd, or ndview's
// codes for the narrow floats that have none: E (bfloat16), 4 (float8_e4m3fn) and 5
// (float8_e5m2).
//
// 'e' is IEEE binary16, Float16's format. BFloat16 and the float8 types have no struct or
// PEP 3118 code; ndview uses the type characters ml_dtypes gives them (np.dtype(t).char:
// 'E' for bfloat16, '4' for float8_e4m3fn, '5' for float8_e5m2), which no struct code and no
// NumPy built-in type uses (in a struct format a digit is a repeat count, but ParseFormat
// reads one item, so "4" alone is unambiguous). Python's struct module and NumPy refuse a
// memoryview of these formats; exporters outside ndview know them only by this note.
//
// ParseFormat returns an error wrapping ErrFormat for anything else, including n, N and P in
// a standard mode, which the struct module refuses too.
func ParseFormat(format string) (DType, error) {
	s := format
	var prefix byte
	order := NativeOrder
	std := false
	if len(s) > 0 {
		switch s[0] {
		case '@':
			prefix = '@'
		case '=':
			prefix, std = '=', true
		case '<':
			prefix, std, order = '<', true, LittleEndian
		case '>', '!':
			prefix, std, order = s[0], true, BigEndian
		}
		if prefix != 0 {
			s = s[1:]
		}
	}
	class, size, stdSize, ok := dtypes.ParseCode(s)
	if !ok {
		return DType{}, opErrorf("ParseFormat", ErrFormat, "bad struct format %q: want an optional byte order (@ = < > !) and one item code", format)
	}
	d := DType{class: class, size: uint8(size), align: uint8(size), order: order, prefix: prefix, code: s}
	if class == dtypes.Complex {
		d.align = d.size / 2
	}
	if std {
		if stdSize == 0 {
			return DType{}, opErrorf("ParseFormat", ErrFormat, "bad struct format %q: %q has no standard size", format, s)
		}
		d.size, d.align = uint8(stdSize), 1
	}
	return d, nil
}

func goDType(t reflect.Type, code string) DType {
	d, err := ParseFormat(code)
	if err != nil || int(t.Size()) != d.ItemSize() {
		panic("ndview: unreachable: no format for " + t.String())
	}
	// Go's alignment rules, not C's: they agree on every platform Go supports except for
	// 8-byte values on 32-bit ones, where Go aligns to 4.
	d.align = uint8(t.Align())
	return d
}
