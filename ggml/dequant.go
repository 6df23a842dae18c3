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
	F32:     dequantF32,
	F16:     dequantF16,
	BF16:    dequantBF16,
	F64:     dequantF64,
	I8:      dequantI8,
	I16:     dequantI16,
	I32:     dequantI32,
	I64:     dequantI64,
	Q4_0:    dequantQ4_0,
	Q4_1:    dequantQ4_1,
	Q5_0:    dequantQ5_0,
	Q5_1:    dequantQ5_1,
	Q8_0:    dequantQ8_0,
	Q8_1:    dequantQ8_1,
	Q2_K:    dequantQ2_K,
	Q3_K:    dequantQ3_K,
	Q4_K:    dequantQ4_K,
	Q5_K:    dequantQ5_K,
	Q6_K:    dequantQ6_K,
	Q8_K:    dequantQ8_K,
	IQ2_XXS: dequantIQ2_XXS,
	IQ2_XS:  dequantIQ2_XS,
	IQ2_S:   dequantIQ2_S,
	IQ3_XXS: dequantIQ3_XXS,
	IQ3_S:   dequantIQ3_S,
	IQ1_S:   dequantIQ1_S,
	IQ1_M:   dequantIQ1_M,
	IQ4_NL:  dequantIQ4_NL,
	IQ4_XS:  dequantIQ4_XS,
	TQ1_0:   dequantTQ1_0,
	TQ2_0:   dequantTQ2_0,
	MXFP4:   dequantMXFP4,
	NVFP4:   dequantNVFP4,
	Q1_0:    dequantQ1_0,
	Q2_0:    dequantQ2_0,
}

// f16 is the IEEE half float stored little-endian in lo, hi, as float32: exact for every
// pattern (subnormals, infinities, NaNs), as ggml's GGML_FP16_TO_FP32. (Called once per
// block, ndview.Float16.Float32's integer code is faster here than an inlined
// floating-point conversion trick, whose multiply and compare sit on the path to every
// product of the block.)
func f16(lo, hi byte) float32 { return ndview.Float16(uint16(lo) | uint16(hi)<<8).Float32() }

// Small integers as float32, read by index where the kernels would otherwise convert an
// integer per element (a table load measured faster than Go's integer-to-float
// conversion). Every entry is exact.
var (
	u8f     [256]float32 // u8f[i] = i
	i8f     [256]float32 // i8f[i] = int8(i)
	minus8  [16]float32  // minus8[i] = i - 8
	minus8i [16]int8     // minus8i[i] = i - 8, for the vector kernel
	minus16 [32]float32  // minus16[i] = i - 16
	minus32 [64]float32  // minus32[i] = i - 32
)

func init() {
	for i := range 256 {
		u8f[i] = float32(i)
		i8f[i] = float32(int8(i))
	}
	for i := range minus8 {
		minus8[i] = float32(i - 8)
		minus8i[i] = int8(i - 8)
	}
	for i := range minus16 {
		minus16[i] = float32(i - 16)
	}
	for i := range minus32 {
		minus32[i] = float32(i - 32)
	}
}

// Dequantize writes len(dst) elements of type t, read from the first RowBytes(t, len(dst))
// bytes of src, as float32: for every block type exactly the values ggml's own
// dequantize_row_* gives (NaN payloads aside: which NaN a NaN scale gives follows the
// CPU's rules, so it can differ between amd64 and arm64, as ggml's own does; the vector
// kernels give what the Go kernels give on the same CPU); for Q8_1, which ggml cannot dequantize,
// d·q with d the block's f16 scale, as for Q8_0 (its second half, d·Σq, is not read).
// F16, BF16 and F32 convert exactly; F64 rounds to nearest even and I8...I64 convert as
// ndview.Convert converts them.
//
// Any bytes are valid blocks: Dequantize never fails on block contents (NaN, infinite and
// subnormal scales pass through as in ggml). It fails with ErrShape when len(dst) is not a
// whole number of blocks or src is shorter than those blocks, and with ErrFormat when t
// is not a type ggml defines.
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

// dequantF16 converts four normal halves at a time with integer operations and leaves
// groups holding a zero, subnormal, infinity or NaN to ndview.Float16.Float32.
func dequantF16(dst []float32, src []byte) {
	for len(dst) >= 4 && len(src) >= 8 {
		w := binary.LittleEndian.Uint64(src)
		h0, h1, h2, h3 := uint32(w)&0xffff, uint32(w>>16)&0xffff, uint32(w>>32)&0xffff, uint32(w>>48)
		y := (*[4]float32)(dst)
		// The four exponents e, each 0 or all ones (0x7c00) for a special half: e - 0x400
		// and (e ^ 0x7c00) - 0x400 borrow into bit 15 of the lane exactly when one is
		// (a borrow out of a lane can only mark the next one when that lane is marked).
		const lanes, ones, top = 0x0400_0400_0400_0400, 0x7c00_7c00_7c00_7c00, 0x8000_8000_8000_8000
		if e := w & ones; ((e-lanes)|((e^ones)-lanes))&top == 0 {
			y[0] = math.Float32frombits(h0&0x8000<<16 | (h0&0x7fff<<13 + 112<<23))
			y[1] = math.Float32frombits(h1&0x8000<<16 | (h1&0x7fff<<13 + 112<<23))
			y[2] = math.Float32frombits(h2&0x8000<<16 | (h2&0x7fff<<13 + 112<<23))
			y[3] = math.Float32frombits(h3&0x8000<<16 | (h3&0x7fff<<13 + 112<<23))
		} else {
			y[0] = ndview.Float16(h0).Float32()
			y[1] = ndview.Float16(h1).Float32()
			y[2] = ndview.Float16(h2).Float32()
			y[3] = ndview.Float16(h3).Float32()
		}
		dst, src = dst[4:], src[8:]
	}
	for i := range dst {
		dst[i] = ndview.Float16(binary.LittleEndian.Uint16(src[2*i:])).Float32()
	}
}

func dequantBF16(dst []float32, src []byte) {
	src = src[:2*len(dst)]
	for len(dst) >= 8 {
		// Two elements per 32-bit word: the low half shifted up, the high half in place.
		y, b := (*[8]float32)(dst), (*[16]byte)(src)
		w0, w1 := binary.LittleEndian.Uint32(b[0:4]), binary.LittleEndian.Uint32(b[4:8])
		w2, w3 := binary.LittleEndian.Uint32(b[8:12]), binary.LittleEndian.Uint32(b[12:16])
		y[0], y[1] = math.Float32frombits(w0<<16), math.Float32frombits(w0&^0xffff)
		y[2], y[3] = math.Float32frombits(w1<<16), math.Float32frombits(w1&^0xffff)
		y[4], y[5] = math.Float32frombits(w2<<16), math.Float32frombits(w2&^0xffff)
		y[6], y[7] = math.Float32frombits(w3<<16), math.Float32frombits(w3&^0xffff)
		dst, src = dst[8:], src[16:]
	}
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
