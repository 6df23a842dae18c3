package safetensors

import (
	"encoding/binary"

	"github.com/ndview/ndview"
	"github.com/ndview/ndview/internal/dtypes"
)

// The safetensors facts of each element type (its dtype name, its place in the reference's
// enum, its size) are rows of ndview's dtype table (internal/dtypes); nothing here lists
// element types.

// dtypeRank returns name's position in the reference enum (internal/dtypes.SafetensorsOrder,
// the declaration order of `pub enum Dtype` in huggingface/safetensors' tensor.rs) and its
// size in bits; ok is false for a dtype the reference does not know (a newer one), whose
// size is then unknown. The order matters: the reference writer sorts tensors by this enum,
// descending, then by name, and Save does the same so that it writes the reference layout
// byte for byte.
func dtypeRank(name string) (rank, bits int, ok bool) {
	row, ok := dtypes.BySafetensors(name)
	if !ok {
		return -1, 0, false
	}
	rank, _ = dtypes.SafetensorsRank(name)
	return rank, row.Bits, true
}

// goTypeOf names the Go element type that holds a dtype's values, for messages; ok is false
// where ndview has none.
func goTypeOf(dtype string) (string, bool) {
	row, ok := dtypes.BySafetensors(dtype)
	return row.Go, ok && row.Class.Typed()
}

// dtypeOf returns the safetensors dtype of T.
func dtypeOf[T ndview.Elem]() (string, error) { return dtypeNameOf(ndview.DTypeOf[T]()) }

// arrayDType returns the safetensors dtype of an Array.
func arrayDType(a ndview.Array) (string, error) { return dtypeNameOf(a.DType()) }

// dtypeNameOf is the one place where an ndview DType becomes a safetensors dtype name: by
// its row of the dtype table.
func dtypeNameOf(d ndview.DType) (string, error) {
	if d.ByteOrder() == ndview.BigEndian || (d.ByteOrder() == ndview.LittleEndian && !littleEndian) {
		return "", errorf(ndview.ErrFormat, "%s is not in this machine's byte order", d)
	}
	if row, ok := dtypes.ByFormat(d.Code(), d.ItemSize()); ok && row.Class.Typed() && row.Safetensors != "" {
		return row.Safetensors, nil
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
