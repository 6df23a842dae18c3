package safetensors

import (
	"encoding/binary"
	"reflect"

	"github.com/ndview/ndview"
)

// refDTypes are the dtypes of the reference implementation, in the declaration order of its
// `pub enum Dtype` (huggingface/safetensors, safetensors/src/tensor.rs), with their sizes in
// bits. The order matters: the reference writer sorts tensors by this enum, descending, then
// by name (`right.dtype().cmp(&left.dtype()).then(lname.cmp(rname))` in `prepare`), and Save
// does the same so that it writes the reference layout byte for byte.
var refDTypes = [...]struct {
	name string
	bits int
}{
	{"BOOL", 8},
	{"F4", 4},
	{"F6_E2M3", 6},
	{"F6_E3M2", 6},
	{"U8", 8},
	{"I8", 8},
	{"F8_E5M2", 8},
	{"F8_E4M3", 8},
	{"F8_E8M0", 8},
	{"F8_E4M3FNUZ", 8},
	{"F8_E5M2FNUZ", 8},
	{"I16", 16},
	{"U16", 16},
	{"F16", 16},
	{"BF16", 16},
	{"I32", 32},
	{"U32", 32},
	{"F32", 32},
	{"C64", 64},
	{"F64", 64},
	{"I64", 64},
	{"U64", 64},
}

// dtypeRank returns name's position in the reference enum and its size in bits; ok is false
// for a dtype the reference does not know (a newer one), whose size is then unknown.
func dtypeRank(name string) (rank, bits int, ok bool) {
	for i, d := range refDTypes {
		if d.name == name {
			return i, d.bits, true
		}
	}
	return -1, 0, false
}

// goTypes names the Go element type of each dtype that ndview has one for, for messages.
var goTypes = map[string]string{
	"U8": "uint8", "I8": "int8", "I16": "int16", "U16": "uint16", "F16": "ndview.Float16",
	"BF16": "ndview.BFloat16", "I32": "int32", "U32": "uint32", "F32": "float32",
	"C64": "complex64", "F64": "float64", "I64": "int64", "U64": "uint64",
}

// dtypeOf returns the safetensors dtype of T. The two half-precision types are recognized
// by their exact Go types first (a type defined from them is its underlying uint16, as
// everywhere in ndview), then T's DType decides.
func dtypeOf[T ndview.Elem]() (string, error) {
	switch reflect.TypeFor[T]() {
	case reflect.TypeFor[ndview.Float16]():
		return "F16", nil
	case reflect.TypeFor[ndview.BFloat16]():
		return "BF16", nil
	}
	return dtypeNameOf(ndview.DTypeOf[T]())
}

// arrayDType returns the safetensors dtype of an Array: exact half-precision views by their
// type, then by the DType.
func arrayDType(a ndview.Array) (string, error) {
	switch a.(type) {
	case *ndview.View[ndview.Float16]:
		return "F16", nil
	case *ndview.View[ndview.BFloat16]:
		return "BF16", nil
	}
	return dtypeNameOf(a.DType())
}

// dtypeNameOf is the one place where an ndview DType becomes a safetensors dtype name.
func dtypeNameOf(d ndview.DType) (string, error) {
	if d.ByteOrder() == ndview.BigEndian || (d.ByteOrder() == ndview.LittleEndian && !littleEndian) {
		return "", errorf(ndview.ErrFormat, "%s is not in this machine's byte order", d)
	}
	switch d.Kind() {
	case ndview.KindInt, ndview.KindUint:
		prefix := "I"
		if d.Kind() == ndview.KindUint {
			prefix = "U"
		}
		switch d.ItemSize() {
		case 1:
			return prefix + "8", nil
		case 2:
			return prefix + "16", nil
		case 4:
			return prefix + "32", nil
		case 8:
			return prefix + "64", nil
		}
	case ndview.KindFloat:
		switch d.ItemSize() {
		case 2:
			switch d.Code() {
			case "e": // Float16
				return "F16", nil
			case "E": // BFloat16
				return "BF16", nil
			}
		case 4:
			return "F32", nil
		case 8:
			return "F64", nil
		}
	case ndview.KindComplex:
		if d.ItemSize() == 8 {
			return "C64", nil
		}
	}
	return "", errorf(ndview.ErrFormat, "safetensors has no dtype for %s elements", d)
}

// littleEndian reports the host's byte order. Safetensors data is little-endian: on a
// big-endian host View refuses multi-byte elements and Load and Save swap bytes.
var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// swapBytes reverses the bytes of every scalar of size n (2, 4 or 8) in b, in place.
func swapBytes(b []byte, n int) {
	if n < 2 {
		return
	}
	for i := 0; i+n <= len(b); i += n {
		s := b[i : i+n]
		for j, k := 0, n-1; j < k; j, k = j+1, k-1 {
			s[j], s[k] = s[k], s[j]
		}
	}
}

// scalarSize is the size of one scalar of a dtype: half an element for complex ones.
func scalarSize(dtype string, itemSize int) int {
	if dtype == "C64" {
		return itemSize / 2
	}
	return itemSize
}
