package ggml

import (
	"encoding/binary"
	"math"
)

// The ternary types' reference quantizers (quantize_row_tq1_0_ref, quantize_row_tq2_0_ref)
// and MXFP4's (quantize_row_mxfp4_ref). Their one product that meets a sum, MXFP4's
// k·e - x, is exact, so contraction cannot change them.

// lroundf is C's lroundf: v rounded to nearest, ties away from zero, as a long. ok is false
// where C leaves the result unspecified: NaN, ±Inf, or outside the range of a 64-bit long.
func lroundf(v float32) (int64, bool) {
	if !(v >= -0x1p63 && v < 0x1p63) {
		return 0, false
	}
	return int64(math.Round(float64(v))), true
}

// tqAmax is the ternary quantizers' scale: MAX(amax, fabsf(x)) over the block.
func tqAmax(x []float32) (d, id float32) {
	var amax float32
	for _, v := range x {
		amax = cmax(amax, abs32(v))
	}
	if amax != 0 {
		return amax, 1 / amax
	}
	return amax, 0
}

// trit is lroundf(x*id) + 1 (0, 1 or 2 for |x*id| ≤ 1), as the uint8 arithmetic that
// packs it uses it.
func trit(x, id float32) (uint8, bool) {
	l, ok := lroundf(x * id)
	return uint8(int32(l) + 1), ok
}

// quantTQ1_0 is quantize_row_tq1_0_ref: d = amax; the 256 trits round(x/d) packed five to
// a byte in base 3 (240 of them in qs) and four to a byte (16 in qh), each byte scaled to
// ⌈q·256/243⌉.
func quantTQ1_0(y []byte, x []float32) bool {
	d, id := tqAmax(x[:256])
	binary.LittleEndian.PutUint16(y[52:], fp32ToFP16(d))
	qs, qh := y[0:48], y[48:52]
	// 5 elements per byte along 32 bytes, then along 16 bytes.
	for _, part := range [2]struct{ at, n, x int }{{0, 32, 0}, {32, 16, 160}} {
		for m := range part.n {
			var q uint8
			for n := range 5 {
				t, ok := trit(x[part.x+m+n*part.n], id)
				if !ok {
					return false
				}
				q = q*3 + t
			}
			qs[part.at+m] = uint8((int(q)*256 + 242) / 243)
		}
	}
	// 4 elements per byte, the first in the most significant trit.
	for j := range 4 {
		var q uint8
		for m := range 4 {
			t, ok := trit(x[240+j+m*4], id)
			if !ok {
				return false
			}
			q = q*3 + t
		}
		q *= 3
		qh[j] = uint8((int(q)*256 + 242) / 243)
	}
	return true
}

// quantTQ2_0 is quantize_row_tq2_0_ref: d = amax; the trits round(x/d)+1 at 2 bits, four to
// a byte.
func quantTQ2_0(y []byte, x []float32) bool {
	d, id := tqAmax(x[:256])
	binary.LittleEndian.PutUint16(y[64:], fp32ToFP16(d))
	for j := 0; j < 64; j += 32 {
		xs := x[4*j:]
		for m := range 32 {
			var q uint8
			for n := range 4 {
				t, ok := trit(xs[m+n*32], id)
				if !ok {
					return false
				}
				q += (t & 3) << (2 * n)
			}
			y[j+m] = q
		}
	}
	return true
}

// fp4Levels is kvaluesFP4 (ggml's kvalues_mxfp4: the E2M1 values, doubled) as float32.
var fp4Levels = [16]float32{0, 1, 2, 3, 4, 6, 8, 12, 0, -1, -2, -3, -4, -6, -8, -12}

// bestIndexMXFP4 is best_index_mxfp4: the first code whose value times e is nearest x (0
// for a NaN x).
func bestIndexMXFP4(x, e float32) uint8 {
	best := 0
	bestErr := abs32(float32(fp4Levels[0]*e) - x)
	for i := 1; i < 16; i++ {
		if err := abs32(float32(fp4Levels[i]*e) - x); err < bestErr {
			best, bestErr = i, err
		}
	}
	return uint8(best)
}

// log2f is C's log2f rounded as glibc rounds it where floor(log2f(x)) is concerned: the
// float64 logarithm rounded to float32 (checked for every positive float32 against glibc,
// whose floorf(log2f(x)) it equals).
func log2f(x float32) float32 { return float32(math.Log2(float64(x))) }

// quantMXFP4 is quantize_row_mxfp4_ref: the shared exponent e = floor(log2(amax)) - 2 + 127
// (an E8M0 byte; 0 for an all-zero block), each element the nearest doubled E2M1 value
// times 2^(e-128).
func quantMXFP4(y []byte, x []float32) bool {
	var amax float32
	for _, v := range x[:32] {
		if amax < abs32(v) {
			amax = abs32(v)
		}
	}
	var e uint8
	if amax > 0 {
		v := float32(math.Floor(float64(log2f(amax)))) - 2 + 127
		if !(v > -1 && v < 256) {
			return false
		}
		e = uint8(v)
	}
	d := e8m0Half(e)
	y[0] = e
	for j := range 16 {
		y[1+j] = bestIndexMXFP4(x[j], d) | bestIndexMXFP4(x[16+j], d)<<4
	}
	return true
}
