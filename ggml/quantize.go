package ggml

import (
	"encoding/binary"
	"fmt"
	"math"
	"strings"

	"github.com/ndview/ndview"
)

// A blockQuantizer writes one block of its type into y (exactly BlockBytes long) from x
// (exactly BlockSize elements). It reports false, having written an unspecified part of
// y, where ggml's reference quantizer would turn a NaN, an infinity or a float outside the
// range of the integer it is converted to into an integer: the result is undefined there.
type blockQuantizer func(y []byte, x []float32) bool

// blockQuantizers is indexed by Type; nil for a type with no reference quantizer here.
// F32, F16 and BF16 convert element by element in quantizePlain.
var blockQuantizers = [len(table)]blockQuantizer{
	Q4_0:   quantQ4_0,
	Q4_1:   quantQ4_1,
	Q5_0:   quantQ5_0,
	Q5_1:   quantQ5_1,
	Q8_0:   quantQ8_0,
	Q2_K:   quantQ2_K,
	Q3_K:   quantQ3_K,
	Q4_K:   quantQ4_K,
	Q5_K:   quantQ5_K,
	Q6_K:   quantQ6_K,
	IQ4_XS: quantIQ4_XS,
	TQ1_0:  quantTQ1_0,
	TQ2_0:  quantTQ2_0,
	MXFP4:  quantMXFP4,
}

// maxBlockBytes bounds BlockBytes over the types with a blockQuantizer (Q6_K's 210).
const maxBlockBytes = 256

// Quantize writes the len(src) elements of src as type t into the first
// RowBytes(t, len(src)) bytes of dst, byte for byte as ggml's reference quantizers
// (quantize_row_*_ref, no importance matrix) write them, computed as ggml computes them
// with floating-point contraction off (as a build for x86-64 without -march computes
// them; a build that fuses products into FMAs writes other bytes for some Q2_K, Q4_K, Q5_K,
// Q6_K and IQ4_XS blocks): Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, IQ4_XS,
// TQ1_0, TQ2_0 and MXFP4. The results do not depend on GOARCH or GOAMD64: no product is fused
// into an FMA. F32 copies; F16 rounds to nearest even as ggml's fp32 → fp16 does (a NaN
// becomes 0x7E00 with its sign); BF16 rounds to nearest even as ggml_compute_fp32_to_bf16
// does (a NaN keeps its sign and top payload bits and is made quiet), which is
// ndview.ToBFloat16.
//
// Quantize refuses, with ErrFormat naming the block, a block in which ggml's reference
// would convert a NaN, an infinity or an out-of-range float to an integer (a C cast such
// as (int8_t)(x*id + 8.5f), lroundf, or nearest_int, which asserts |v| ≤ 4194303): ggml's
// result is undefined there. Which blocks those are follows ggml's code path by path:
//
//   - A block holding a NaN or ±Inf, except where ggml never rounds the NaN: MXFP4 and
//     IQ4_XS choose its level by comparisons (MXFP4 code 0), and a K-quant group whose
//     other values are all zero can ignore one. Quantize writes what ggml writes there.
//   - A block whose largest magnitude is so small that a reciprocal scale overflows to
//     +Inf: below about 3.7e-37 for Q8_0, 2.3e-38 for Q4_0 and 4.7e-38 for Q5_0 (down to
//     where the scale itself rounds to 0), a max - min below about 4.4e-38 for Q4_1 and
//     9.1e-38 for Q5_1 (likewise), and every nonzero block below 2^-125 for MXFP4,
//     2.9e-39 for TQ1_0 and TQ2_0, about 1e-37 for Q2_K, 1.8e-36 for Q4_K and 3.6e-36 for
//     Q5_K. Q3_K, Q6_K and IQ4_XS quantize groups below 1e-15 as zeros.
//   - A block large enough that its fp16 super-block min overflows to +Inf, which is
//     added to the values (Q2_K from about 1e6, Q4_K and Q5_K from about 4e6), that a
//     float32 sum of x³ overflows (Q3_K, Q6_K and IQ4_XS from about 1e12; some larger
//     blocks end in a zero scale and are accepted), or whose max - min overflows float32 (Q4_1 and
//     Q5_1). Where ggml's arithmetic overflows without rounding a non-finite value (an
//     fp16 scale of +Inf, say), Quantize writes what ggml writes.
//
// Quantize works block by block: when it refuses block i, blocks 0 to i-1 have been
// written to dst and bytes from block i on are unchanged. It fails with ErrShape when
// len(src) is not a whole number of blocks or dst is shorter than RowBytes(t, len(src)),
// and with ErrFormat when t is not a type ggml defines or has no reference quantizer here
// (IQ2_XXS, IQ2_XS, IQ1_S and IQ1_M have none in ggml either: ggml quantizes them only
// with an importance matrix).
func Quantize(dst []byte, src []float32, t Type) error {
	const op = "ggml.Quantize"
	n, err := rowBytes(op, t, len(src))
	if err != nil {
		return err
	}
	q := blockQuantizers[t]
	if q == nil && t != F32 && t != F16 && t != BF16 {
		return noQuantizer(op, t)
	}
	if len(dst) < n {
		return &ndview.Error{Op: op, Kind: ndview.ErrShape,
			Msg: fmt.Sprintf("%d %v elements take %d bytes, dst has %d", len(src), t, n, len(dst))}
	}
	if q == nil {
		quantizePlain(dst[:n], src, t)
		return nil
	}
	block, bytes := t.BlockSize(), t.BlockBytes()
	// The block is quantized in place; a refused one is put back as it was. (A scratch
	// block handed to q would escape to the heap through the function value.)
	var saved [maxBlockBytes]byte
	for i := 0; i < len(src)/block; i++ {
		x, y := src[i*block:(i+1)*block], dst[i*bytes:(i+1)*bytes]
		copy(saved[:], y)
		if !q(y, x) {
			copy(y, saved[:bytes])
			return refused(op, t, i, x)
		}
	}
	return nil
}

// quantizable lists, in ggml's numbering order, the types Quantize writes.
func quantizable() string {
	var names []string
	for _, t := range Types() {
		if blockQuantizers[t] != nil || t == F32 || t == F16 || t == BF16 {
			names = append(names, t.String())
		}
	}
	return strings.Join(names, ", ")
}

func noQuantizer(op string, t Type) error {
	msg := fmt.Sprintf("Quantize does not write %v", t)
	switch t {
	case IQ2_XXS, IQ2_XS, IQ1_S, IQ1_M:
		msg = fmt.Sprintf("ggml quantizes %v only with an importance matrix (it has no reference quantizer)", t)
	}
	return &ndview.Error{Op: op, Kind: ndview.ErrFormat,
		Msg: msg + "; Quantize writes " + quantizable()}
}

func refused(op string, t Type, i int, x []float32) error {
	why := ""
	var amax float32
	for _, v := range x {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			why = "it holds a NaN or an infinity"
			break
		}
		amax = max(amax, abs32(v))
	}
	if why == "" {
		why = fmt.Sprintf("its largest magnitude, %g, makes a scale or a sum overflow or underflow", amax)
	}
	return &ndview.Error{Op: op, Kind: ndview.ErrFormat,
		Msg: fmt.Sprintf("block %d (elements %d to %d) of %v: ggml's reference quantizer would round a non-finite or out-of-range value to an integer there (%s), so its result is undefined",
			i, i*len(x), (i+1)*len(x)-1, t, why)}
}

func quantizePlain(dst []byte, src []float32, t Type) {
	switch t {
	case F32:
		for i, v := range src {
			binary.LittleEndian.PutUint32(dst[4*i:], math.Float32bits(v))
		}
	case F16:
		for i, v := range src {
			binary.LittleEndian.PutUint16(dst[2*i:], fp32ToFP16(v))
		}
	case BF16:
		for i, v := range src {
			binary.LittleEndian.PutUint16(dst[2*i:], fp32ToBF16(v))
		}
	}
}

// fp32ToFP16 is ggml_compute_fp32_to_fp16 (src/ggml-impl.h): round to nearest even,
// overflow to ±Inf, underflow through the subnormals to ±0 (ndview.ToFloat16 for every
// value but NaN), and a NaN gives 0x7E00 with its sign. Its two products are powers of two
// and exact, so fusion could not change it; they are rounded explicitly anyway.
func fp32ToFP16(f float32) uint16 {
	const scaleToInf = 0x1p+112
	const scaleToZero = 0x1p-110
	base := float32(float32(abs32(f)*scaleToInf) * scaleToZero)
	w := math.Float32bits(f)
	shl1w := w + w
	sign := w & 0x80000000
	bias := shl1w & 0xff000000
	if bias < 0x71000000 {
		bias = 0x71000000
	}
	base = math.Float32frombits(bias>>1+0x07800000) + base
	bits := math.Float32bits(base)
	expBits := bits >> 13 & 0x00007c00
	mantissaBits := bits & 0x00000fff
	if shl1w > 0xff000000 {
		return uint16(sign>>16) | 0x7e00
	}
	return uint16(sign>>16 | (expBits + mantissaBits))
}

// fp16ToFP32 is ggml's fp16 → fp32: exact (a NaN stays a NaN).
func fp16ToFP32(h uint16) float32 { return ndview.Float16(h).Float32() }

// fp32ToBF16 is ggml_compute_fp32_to_bf16: round to nearest even; a NaN keeps its sign and
// the top of its payload and is made quiet. It is ndview.ToBFloat16.
func fp32ToBF16(f float32) uint16 {
	u := math.Float32bits(f)
	if u&0x7fffffff > 0x7f800000 {
		return uint16(u>>16) | 64
	}
	return uint16((u + (0x7fff + (u >> 16 & 1))) >> 16)
}

func abs32(v float32) float32 { return math.Float32frombits(math.Float32bits(v) &^ (1 << 31)) }

// toInt8 is C's conversion of v to int8_t (truncation toward zero), with ok false where
// C leaves it undefined: v NaN, infinite, or truncating outside [-128, 127].
func toInt8(v float32) (int, bool) {
	if !(v > -129 && v < 128) {
		return 0, false
	}
	return int(v), true
}

// toUint8 is C's conversion of v to uint8_t, ok false where it is undefined.
func toUint8(v float32) (int, bool) {
	if !(v > -1 && v < 256) {
		return 0, false
	}
	return int(v), true
}

// C's roundf: to nearest, ties away from zero (exact through float64).
func roundf(v float32) float32 { return float32(math.Round(float64(v))) }

func putF16(b []byte, v float32) { binary.LittleEndian.PutUint16(b, fp32ToFP16(v)) }

// The quantizers below follow ggml's quantize_row_*_ref statement by statement; C's
// implicit conversions (int to float, int to uint8_t) are written out. Every product that
// meets a sum is rounded with an explicit float32 conversion, so that no FMA is formed.

// quantQ8_0 is quantize_row_q8_0_ref: d = amax/127, q = roundf(x/d).
func quantQ8_0(y []byte, x []float32) bool {
	var amax float32
	for _, v := range x[:32] {
		amax = cmax(amax, abs32(v))
	}
	d := amax / 127
	var id float32
	if d != 0 {
		id = 1 / d
	}
	putF16(y, d)
	for j, v := range x[:32] {
		r := roundf(v * id)
		if !(r >= -128 && r <= 127) {
			return false
		}
		y[2+j] = uint8(int8(r))
	}
	return true
}

// cmax is ggml's MAX(a, b), (a) > (b) ? (a) : (b), which a NaN in b wins and a NaN in a
// loses.
func cmax(a, b float32) float32 {
	if a > b {
		return a
	}
	return b
}

// quantQ4_0 is quantize_row_q4_0_ref: d = max/-8 for the element of largest magnitude
// (the first of equals), q = min(15, (int8_t)(x/d + 8.5)).
func quantQ4_0(y []byte, x []float32) bool {
	var amax, mx float32
	for _, v := range x[:32] {
		if amax < abs32(v) {
			amax, mx = abs32(v), v
		}
	}
	d := mx / -8
	var id float32
	if d != 0 {
		id = 1 / d
	}
	putF16(y, d)
	for j := range 16 {
		x0 := float32(x[j] * id)
		x1 := float32(x[16+j] * id)
		a, ok0 := toInt8(x0 + 8.5)
		b, ok1 := toInt8(x1 + 8.5)
		if !ok0 || !ok1 {
			return false
		}
		y[2+j] = uint8(min(15, a)) | uint8(min(15, b)<<4)
	}
	return true
}

// quantQ4_1 is quantize_row_q4_1_ref: d = (max-min)/15, m = min,
// q = min(15, (int8_t)((x-min)/d + 0.5)).
func quantQ4_1(y []byte, x []float32) bool {
	mn, mx := float32(math.MaxFloat32), float32(-math.MaxFloat32)
	for _, v := range x[:32] {
		if v < mn {
			mn = v
		}
		if v > mx {
			mx = v
		}
	}
	d := (mx - mn) / 15
	var id float32
	if d != 0 {
		id = 1 / d
	}
	putF16(y, d)
	putF16(y[2:], mn)
	for j := range 16 {
		x0 := float32((x[j] - mn) * id)
		x1 := float32((x[16+j] - mn) * id)
		a, ok0 := toInt8(x0 + 0.5)
		b, ok1 := toInt8(x1 + 0.5)
		if !ok0 || !ok1 {
			return false
		}
		y[4+j] = uint8(min(15, a)) | uint8(min(15, b)<<4)
	}
	return true
}

// quantQ5_0 is quantize_row_q5_0_ref: d = max/-16, q = min(31, (int8_t)(x/d + 16.5)),
// the fifth bits gathered in qh.
func quantQ5_0(y []byte, x []float32) bool {
	var amax, mx float32
	for _, v := range x[:32] {
		if amax < abs32(v) {
			amax, mx = abs32(v), v
		}
	}
	d := mx / -16
	var id float32
	if d != 0 {
		id = 1 / d
	}
	putF16(y, d)
	var qh uint32
	for j := range 16 {
		x0 := float32(x[j] * id)
		x1 := float32(x[16+j] * id)
		a, ok0 := toInt8(x0 + 16.5)
		b, ok1 := toInt8(x1 + 16.5)
		if !ok0 || !ok1 {
			return false
		}
		xi0, xi1 := uint8(min(31, a)), uint8(min(31, b))
		y[6+j] = xi0&0x0f | (xi1&0x0f)<<4
		qh |= uint32(xi0&0x10) >> 4 << j
		qh |= uint32(xi1&0x10) >> 4 << (j + 16)
	}
	binary.LittleEndian.PutUint32(y[2:], qh)
	return true
}

// quantQ5_1 is quantize_row_q5_1_ref: d = (max-min)/31, m = min,
// q = (uint8_t)((x-min)/d + 0.5).
func quantQ5_1(y []byte, x []float32) bool {
	mn, mx := float32(math.MaxFloat32), float32(-math.MaxFloat32)
	for _, v := range x[:32] {
		if v < mn {
			mn = v
		}
		if v > mx {
			mx = v
		}
	}
	d := (mx - mn) / 31
	var id float32
	if d != 0 {
		id = 1 / d
	}
	putF16(y, d)
	putF16(y[2:], mn)
	var qh uint32
	for j := range 16 {
		x0 := float32((x[j] - mn) * id)
		x1 := float32((x[16+j] - mn) * id)
		a, ok0 := toUint8(x0 + 0.5)
		b, ok1 := toUint8(x1 + 0.5)
		if !ok0 || !ok1 {
			return false
		}
		xi0, xi1 := uint8(a), uint8(b)
		y[8+j] = xi0&0x0f | (xi1&0x0f)<<4
		qh |= uint32(xi0&0x10) >> 4 << j
		qh |= uint32(xi1&0x10) >> 4 << (j + 16)
	}
	binary.LittleEndian.PutUint32(y[4:], qh)
	return true
}
