package ndview

import (
	"reflect"
	"unsafe"

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
type DType struct {
	kind   Kind
	size   uint8
	align  uint8
	order  ByteOrder
	prefix byte   // the byte-order character of the format, 0 when there was none
	code   string // the struct code: "b", "d", "Zf", ...
}

// Kind returns the class of the element's values.
func (d DType) Kind() Kind { return d.kind }

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

// String returns a NumPy-style name such as "float64", "uint8" or "complex128", with the
// byte order behind it when the format named one explicitly.
func (d DType) String() string {
	if d.kind == KindInvalid {
		return "invalid"
	}
	name := d.kind.String()
	switch d.kind {
	case KindBool, KindChar:
	default:
		name += itoa(8 * int(d.size))
	}
	switch d.prefix {
	case '<':
		name += " (little-endian)"
	case '>', '!':
		name += " (big-endian)"
	}
	return name
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for ; n > 0; n /= 10 {
		i--
		b[i] = byte('0' + n%10)
	}
	return string(b[i:])
}

// codeInfo is one row of the struct module's table, in native ('@') mode.
type codeInfo struct {
	kind Kind
	size uint8
	// stdSize is the size in the standard modes ('=', '<', '>', '!'); 0 means the code
	// is not allowed there (n, N and P are native-only, as in struct).
	stdSize uint8
}

var codes = map[string]codeInfo{
	"b": {KindInt, 1, 1}, "B": {KindUint, 1, 1},
	"h": {KindInt, 2, 2}, "H": {KindUint, 2, 2},
	"i": {KindInt, 4, 4}, "I": {KindUint, 4, 4},
	"l": {KindInt, cLongSize, 4}, "L": {KindUint, cLongSize, 4},
	"q": {KindInt, 8, 8}, "Q": {KindUint, 8, 8},
	"n": {KindInt, ptrSize, 0}, "N": {KindUint, ptrSize, 0}, "P": {KindUint, ptrSize, 0},
	"e": {KindFloat, 2, 2}, "f": {KindFloat, 4, 4}, "d": {KindFloat, 8, 8},
	"Zf": {KindComplex, 8, 8}, "Zd": {KindComplex, 16, 16},
	"c": {KindChar, 1, 1}, "?": {KindBool, 1, 1},
}

const ptrSize = uint8(unsafe.Sizeof(uintptr(0)))

// ParseFormat parses the struct-module format of one item: an optional byte-order prefix
// ('@' native with alignment, '=' native standard, '<' little, '>' and '!' big), then one of
// b B h H i I l L q Q n N e f d P c ? or the PEP 3118 complex codes Zf and Zd.
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
	info, ok := codes[s]
	if !ok {
		return DType{}, errorf(ErrFormat, "bad struct format %q: want an optional byte order (@ = < > !) and one item code", format)
	}
	d := DType{kind: info.kind, size: info.size, align: info.size, order: order, prefix: prefix, code: s}
	if info.kind == KindComplex {
		d.align = info.size / 2
	}
	if std {
		if info.stdSize == 0 {
			return DType{}, errorf(ErrFormat, "bad struct format %q: %q has no standard size", format, s)
		}
		d.size, d.align = info.stdSize, 1
	}
	return d, nil
}

// DTypeOf returns the native DType of T. Named types map through their underlying type.
func DTypeOf[T Elem]() DType {
	var code string
	switch reflect.TypeFor[T]().Kind() {
	case reflect.Int8:
		code = "b"
	case reflect.Uint8:
		code = "B"
	case reflect.Int16:
		code = "h"
	case reflect.Uint16:
		code = "H"
	case reflect.Int32:
		code = "i"
	case reflect.Uint32:
		code = "I"
	case reflect.Int64:
		code = "q"
	case reflect.Uint64:
		code = "Q"
	case reflect.Int:
		code = "n"
	case reflect.Uint:
		code = "N"
	case reflect.Uintptr:
		code = "P"
	case reflect.Float32:
		code = "f"
	case reflect.Float64:
		code = "d"
	case reflect.Complex64:
		code = "Zf"
	case reflect.Complex128:
		code = "Zd"
	}
	d, err := ParseFormat(code)
	if err != nil {
		panic("ndview: unreachable: no format for " + reflect.TypeFor[T]().String())
	}
	// Go's alignment rules, not C's: they agree on every platform Go supports except for
	// 8-byte values on 32-bit ones, where Go aligns to 4.
	var z T
	d.align = uint8(unsafe.Alignof(z))
	return d
}
