package ggml

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/ndview/ndview"
)

// dequantizer writes len(dst)/BlockSize blocks' elements from src, which holds exactly
// those blocks.
type dequantizer func(dst []float32, src []byte)

// dequantizers is indexed by Type; nil for a type with no dequantizer here.
var dequantizers = [len(table)]dequantizer{
	F32:  dequantF32,
	F16:  dequantF16,
	BF16: dequantBF16,
	F64:  dequantF64,
	I8:   dequantI8,
	I16:  dequantI16,
	I32:  dequantI32,
	I64:  dequantI64,
}

// Dequantize writes len(dst) elements of type t, read from the first RowBytes(t, len(dst))
// bytes of src, as float32: for every block type exactly the values ggml's own
// dequantize_row_* gives (NaN payloads aside), for Q8_1, which ggml cannot dequantize,
// d·q. F16, BF16 and F32 convert exactly; F64 rounds to nearest even and I8...I64 convert
// as ndview.Convert converts them.
//
// Any bytes are valid blocks: Dequantize never fails on block contents. It fails with
// ErrShape when len(dst) is not a whole number of blocks or src is shorter than those
// blocks, and with ErrFormat when t is not a type ggml defines.
func Dequantize(dst []float32, src []byte, t Type) error {
	const op = "ggml.Dequantize"
	n, err := rowBytes(op, t, len(dst))
	if err != nil {
		return err
	}
	if len(src) < n {
		return &ndview.Error{Op: op, Kind: ndview.ErrShape,
			Msg: fmt.Sprintf("%d %v elements need %d bytes, src has %d", len(dst), t, n, len(src))}
	}
	k := dequantizers[t]
	if k == nil {
		return &ndview.Error{Op: op, Kind: ndview.ErrFormat, Msg: fmt.Sprintf("no dequantizer for %v", t)}
	}
	k(dst, src[:n])
	return nil
}

func dequantF32(dst []float32, src []byte) {
	for i := range dst {
		dst[i] = math.Float32frombits(binary.LittleEndian.Uint32(src[4*i:]))
	}
}

func dequantF16(dst []float32, src []byte) {
	for i := range dst {
		dst[i] = ndview.Float16(binary.LittleEndian.Uint16(src[2*i:])).Float32()
	}
}

func dequantBF16(dst []float32, src []byte) {
	for i := range dst {
		dst[i] = math.Float32frombits(uint32(binary.LittleEndian.Uint16(src[2*i:])) << 16)
	}
}

func dequantF64(dst []float32, src []byte) {
	for i := range dst {
		dst[i] = float32(math.Float64frombits(binary.LittleEndian.Uint64(src[8*i:])))
	}
}

func dequantI8(dst []float32, src []byte) {
	for i := range dst {
		dst[i] = float32(int8(src[i]))
	}
}

func dequantI16(dst []float32, src []byte) {
	for i := range dst {
		dst[i] = float32(int16(binary.LittleEndian.Uint16(src[2*i:])))
	}
}

func dequantI32(dst []float32, src []byte) {
	for i := range dst {
		dst[i] = float32(int32(binary.LittleEndian.Uint32(src[4*i:])))
	}
}

func dequantI64(dst []float32, src []byte) {
	for i := range dst {
		dst[i] = float32(int64(binary.LittleEndian.Uint64(src[8*i:])))
	}
}
