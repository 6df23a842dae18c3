package gguf

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/ndview/ndview"
)

// Meta returns the value of the named metadata key as V, which must be exactly its stored
// type (see ValueKind): a uint32 is a uint32 and nothing else, an array of strings a
// []string. Strings are returned as stored: GGUF does not promise UTF-8 and neither ggml
// nor Meta checks it. A bool is true for any byte but 0, as ggml reads it. Meta decodes
// from a copy of the header that Open made, so it works after Close and its results share
// nothing with the file.
//
// Meta returns an error wrapping ndview.ErrFormat if the file has no such key, or if V is
// not the stored type (the error names the stored type and the V to use).
func Meta[V MetaValue](f *File, key string) (V, error) {
	var v V
	e, err := f.kv(key)
	if err != nil {
		return v, public("Meta", "", err)
	}
	kind, array := kindOf[V]()
	if (e.kind == Array) != array || (array && e.elem != kind) || (!array && e.kind != kind) {
		return v, public("Meta", "", errorf(ndview.ErrFormat, "key %s holds %s, not %T; use gguf.Meta[%s]", quote(key), describeKind(*e), v, goName(*e)))
	}
	b := f.hdr[e.at:]
	le := binary.LittleEndian
	switch p := any(&v).(type) {
	case *uint8:
		*p = b[0]
	case *int8:
		*p = int8(b[0])
	case *uint16:
		*p = le.Uint16(b)
	case *int16:
		*p = int16(le.Uint16(b))
	case *uint32:
		*p = le.Uint32(b)
	case *int32:
		*p = int32(le.Uint32(b))
	case *float32:
		*p = math.Float32frombits(le.Uint32(b))
	case *bool:
		*p = b[0] != 0
	case *uint64:
		*p = le.Uint64(b)
	case *int64:
		*p = int64(le.Uint64(b))
	case *float64:
		*p = math.Float64frombits(le.Uint64(b))
	case *string:
		*p = string(b[8 : 8+le.Uint64(b)]) // checked by Open
	case *[]uint8:
		*p = append([]uint8{}, b[:e.n]...)
	case *[]int8:
		*p = decode(b, e.n, 1, func(b []byte) int8 { return int8(b[0]) })
	case *[]uint16:
		*p = decode(b, e.n, 2, le.Uint16)
	case *[]int16:
		*p = decode(b, e.n, 2, func(b []byte) int16 { return int16(le.Uint16(b)) })
	case *[]uint32:
		*p = decode(b, e.n, 4, le.Uint32)
	case *[]int32:
		*p = decode(b, e.n, 4, func(b []byte) int32 { return int32(le.Uint32(b)) })
	case *[]float32:
		*p = decode(b, e.n, 4, func(b []byte) float32 { return math.Float32frombits(le.Uint32(b)) })
	case *[]bool:
		*p = decode(b, e.n, 1, func(b []byte) bool { return b[0] != 0 })
	case *[]uint64:
		*p = decode(b, e.n, 8, le.Uint64)
	case *[]int64:
		*p = decode(b, e.n, 8, func(b []byte) int64 { return int64(le.Uint64(b)) })
	case *[]float64:
		*p = decode(b, e.n, 8, func(b []byte) float64 { return math.Float64frombits(le.Uint64(b)) })
	case *[]string:
		*p = decodeStrings(b, e.n)
	default:
		panic(fmt.Sprintf("gguf: Meta of %T", v)) // MetaValue has no other types
	}
	return v, nil
}

// kindOf returns the ValueKind of V, or of its elements and true for a slice.
func kindOf[V MetaValue]() (ValueKind, bool) {
	var v V
	switch any(v).(type) {
	case uint8:
		return Uint8, false
	case int8:
		return Int8, false
	case uint16:
		return Uint16, false
	case int16:
		return Int16, false
	case uint32:
		return Uint32, false
	case int32:
		return Int32, false
	case float32:
		return Float32, false
	case bool:
		return Bool, false
	case string:
		return String, false
	case uint64:
		return Uint64, false
	case int64:
		return Int64, false
	case float64:
		return Float64, false
	case []uint8:
		return Uint8, true
	case []int8:
		return Int8, true
	case []uint16:
		return Uint16, true
	case []int16:
		return Int16, true
	case []uint32:
		return Uint32, true
	case []int32:
		return Int32, true
	case []float32:
		return Float32, true
	case []bool:
		return Bool, true
	case []string:
		return String, true
	case []uint64:
		return Uint64, true
	case []int64:
		return Int64, true
	}
	return Float64, true // []float64
}

// decode decodes n little-endian values of size bytes each from b.
func decode[T any](b []byte, n, size int, dec func([]byte) T) []T {
	out := make([]T, n)
	for i := range out {
		out[i] = dec(b[i*size:])
	}
	return out
}

// decodeStrings decodes n strings (u64 length, bytes), checked by Open, from b. Their bytes
// are copied into one string that they share: a vocabulary of 150,000 tokens is two
// allocations, not 150,000.
func decodeStrings(b []byte, n int) []string {
	le := binary.LittleEndian
	total, at := 0, 0
	for range n {
		l := int(le.Uint64(b[at:]))
		total += l
		at += 8 + l
	}
	buf := make([]byte, 0, total)
	at = 0
	for range n {
		l := int(le.Uint64(b[at:]))
		buf = append(buf, b[at+8:at+8+l]...)
		at += 8 + l
	}
	all := string(buf)
	out := make([]string, n)
	at = 0
	for i := range out {
		l := int(le.Uint64(b[at:]))
		out[i] = all[:l]
		all = all[l:]
		at += 8 + l
	}
	return out
}
