package ggml

import "math"

// The FP4 block types, elements in E2M1 (ggml's kvalues_mxfp4: the 16 values doubled)
// under a power-of-two or FP8 scale halved to undo the doubling: MXFP4 and NVFP4, as
// ggml's dequantize_row_mxfp4 and dequantize_row_nvfp4 (src/ggml-quants.c). Every
// product is exact unless it overflows (MXFP4's largest scales) or falls below float32's
// subnormals, which it cannot: the smallest product is 2^-128.

// fp4f is kvaluesFP4 as float32.
var fp4f = func() (t [16]float32) {
	for i, v := range kvaluesFP4 {
		t[i] = float32(v)
	}
	return t
}()

// e8m0Half is ggml's ggml_e8m0_to_fp32_half: 2^(e-128) for every byte e, 255 included
// (2^127, not a NaN); e = 0 and 1 are float32 subnormals.
func e8m0Half(e byte) float32 {
	if e < 2 {
		return math.Float32frombits(0x00200000 << e)
	}
	return math.Float32frombits(uint32(e-1) << 23)
}

// dequantMXFP4: block {e E8M0; qs [16]byte}; y[j] = kv[qs[j]&15]·d,
// y[j+16] = kv[qs[j]>>4]·d, d = 2^(e-128).
func dequantMXFP4(dst []float32, src []byte) {
	if mxfp4Vec(dst, src) {
		return
	}
	for len(dst) >= 32 {
		b := (*[17]byte)(src)
		y := (*[32]float32)(dst)
		d := e8m0Half(b[0])
		q := (*[16]byte)(b[1:])
		for j := 0; j < 16; j += 4 {
			q0, q1, q2, q3 := q[j], q[j+1], q[j+2], q[j+3]
			y[j] = fp4f[q0&15] * d
			y[j+1] = fp4f[q1&15] * d
			y[j+2] = fp4f[q2&15] * d
			y[j+3] = fp4f[q3&15] * d
			y[j+16] = fp4f[q0>>4] * d
			y[j+17] = fp4f[q1>>4] * d
			y[j+18] = fp4f[q2>>4] * d
			y[j+19] = fp4f[q3>>4] * d
		}
		src, dst = src[17:], dst[32:]
	}
}

// ue4m3Half is ggml's ggml_ue4m3_to_fp32 for every byte: an unsigned E4M3 value (bias
// 7, exponent 15 a number like any other) halved; 0x00 and 0x7F are 0 and bit 7 is
// ignored otherwise (0x80 is 0, 0xFF is 240).
var ue4m3Half = func() (t [256]float32) {
	for x := range t {
		if x == 0 || x == 0x7f {
			continue
		}
		exp, man := x>>3&15, x&7
		if exp == 0 {
			t[x] = float32(math.Ldexp(float64(man), -9-1))
		} else {
			t[x] = float32(math.Ldexp(1+float64(man)/8, exp-7-1))
		}
	}
	return t
}()

// dequantNVFP4: block {d [4]UE4M3; qs [32]byte}; four sub-blocks of 16, sub-block s
// scaled by ue4m3Half[d[s]] with the nibble layout of Q4_0 over qs[8s:8s+8].
func dequantNVFP4(dst []float32, src []byte) {
	for len(dst) >= 64 {
		b := (*[36]byte)(src)
		y := (*[64]float32)(dst)
		fp4x16((*[16]float32)(y[0:]), (*[8]byte)(b[4:]), ue4m3Half[b[0]])
		fp4x16((*[16]float32)(y[16:]), (*[8]byte)(b[12:]), ue4m3Half[b[1]])
		fp4x16((*[16]float32)(y[32:]), (*[8]byte)(b[20:]), ue4m3Half[b[2]])
		fp4x16((*[16]float32)(y[48:]), (*[8]byte)(b[28:]), ue4m3Half[b[3]])
		src, dst = src[36:], dst[64:]
	}
}

// fp4x16 writes y[j] = kv[q[j]&15]·d, y[j+8] = kv[q[j]>>4]·d: one NVFP4 sub-block.
func fp4x16(y *[16]float32, q *[8]byte, d float32) {
	for j := 0; j < 8; j += 4 {
		q0, q1, q2, q3 := q[j], q[j+1], q[j+2], q[j+3]
		y[j] = fp4f[q0&15] * d
		y[j+1] = fp4f[q1&15] * d
		y[j+2] = fp4f[q2&15] * d
		y[j+3] = fp4f[q3&15] * d
		y[j+8] = fp4f[q0>>4] * d
		y[j+9] = fp4f[q1>>4] * d
		y[j+10] = fp4f[q2>>4] * d
		y[j+11] = fp4f[q3>>4] * d
	}
}
