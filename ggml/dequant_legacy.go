package ggml

// The legacy block types, 32 elements per block: Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q8_1.
// Each kernel is ggml's dequantize_row_* (src/ggml-quants.c) a block at a time, with the
// same float32 operations in the same order; small integers become float32 through the
// tables in dequant.go instead of one conversion each. The one rounding step, "+ m" in
// Q4_1 and Q5_1, follows an explicit float32 conversion of the product so that Go never
// fuses the two into an FMA (the product is exact, so ggml's compiler contracting or not
// makes no difference to ggml's results either).

// dequantQ4_0: block {d f16; qs [16]byte}; y[j] = (qs[j]&15 - 8)·d, y[j+16] = (qs[j]>>4 - 8)·d.
func dequantQ4_0(dst []float32, src []byte) { nibbleBlocks(dst, src, &minus8, &minus8i) }

// dequantQ4_1: block {d, m f16; qs [16]byte}; y = q·d + m, q the nibbles in Q4_0's order.
func dequantQ4_1(dst []float32, src []byte) {
	for len(dst) >= 32 {
		b := (*[20]byte)(src)
		y := (*[32]float32)(dst)
		d, m := f16(b[0], b[1]), f16(b[2], b[3])
		q := (*[16]byte)(b[4:])
		for j := 0; j < 16; j += 4 {
			q0, q1, q2, q3 := q[j], q[j+1], q[j+2], q[j+3]
			y[j] = float32(u8f[q0&15]*d) + m
			y[j+1] = float32(u8f[q1&15]*d) + m
			y[j+2] = float32(u8f[q2&15]*d) + m
			y[j+3] = float32(u8f[q3&15]*d) + m
			y[j+16] = float32(u8f[q0>>4]*d) + m
			y[j+17] = float32(u8f[q1>>4]*d) + m
			y[j+18] = float32(u8f[q2>>4]*d) + m
			y[j+19] = float32(u8f[q3>>4]*d) + m
		}
		src, dst = src[20:], dst[32:]
	}
}

// dequantQ5_0: block {d f16; qh uint32; qs [16]byte}; element j's fifth bit is bit j of qh;
// y = (q - 16)·d.
func dequantQ5_0(dst []float32, src []byte) {
	for len(dst) >= 32 {
		b := (*[22]byte)(src)
		y := (*[32]float32)(dst)
		d := f16(b[0], b[1])
		qh := uint32(b[2]) | uint32(b[3])<<8 | uint32(b[4])<<16 | uint32(b[5])<<24
		q := (*[16]byte)(b[6:])
		lo, hi := qh<<4, qh>>12 // bit 4: the fifth bit of element j, of element j+16
		for j := 0; j < 16; j += 2 {
			q0, q1 := uint32(q[j]), uint32(q[j+1])
			y[j] = minus16[(q0&15|lo&16)&31] * d
			y[j+1] = minus16[(q1&15|lo>>1&16)&31] * d
			y[j+16] = minus16[(q0>>4|hi&16)&31] * d
			y[j+17] = minus16[(q1>>4|hi>>1&16)&31] * d
			lo >>= 2
			hi >>= 2
		}
		src, dst = src[22:], dst[32:]
	}
}

// dequantQ5_1: block {d, m f16; qh uint32; qs [16]byte}; y = q·d + m, q as in Q5_0 unsigned.
func dequantQ5_1(dst []float32, src []byte) {
	for len(dst) >= 32 {
		b := (*[24]byte)(src)
		y := (*[32]float32)(dst)
		d, m := f16(b[0], b[1]), f16(b[2], b[3])
		qh := uint32(b[4]) | uint32(b[5])<<8 | uint32(b[6])<<16 | uint32(b[7])<<24
		q := (*[16]byte)(b[8:])
		lo, hi := qh<<4, qh>>12 // bit 4: the fifth bit of element j, of element j+16
		for j := 0; j < 16; j += 2 {
			q0, q1 := uint32(q[j]), uint32(q[j+1])
			y[j] = float32(u8f[(q0&15|lo&16)&31]*d) + m
			y[j+1] = float32(u8f[(q1&15|lo>>1&16)&31]*d) + m
			y[j+16] = float32(u8f[(q0>>4|hi&16)&31]*d) + m
			y[j+17] = float32(u8f[(q1>>4|hi>>1&16)&31]*d) + m
			lo >>= 2
			hi >>= 2
		}
		src, dst = src[24:], dst[32:]
	}
}

// dequantQ8_0: block {d f16; qs [32]int8}; y = q·d.
func dequantQ8_0(dst []float32, src []byte) {
	if blocksVec(Q8_0, dst, src) {
		return
	}
	for len(dst) >= 32 {
		b := (*[34]byte)(src)
		dequant8x32((*[32]float32)(dst), (*[32]byte)(b[2:]), f16(b[0], b[1]))
		src, dst = src[34:], dst[32:]
	}
}

// dequantQ8_1: block {d, s f16; qs [32]int8}, s being d·Σq. ggml has no dequantizer for
// Q8_1 (it is an operand format for dot products); this gives y = q·d as for Q8_0,
// ignoring s.
func dequantQ8_1(dst []float32, src []byte) {
	for len(dst) >= 32 {
		b := (*[36]byte)(src)
		dequant8x32((*[32]float32)(dst), (*[32]byte)(b[4:]), f16(b[0], b[1]))
		src, dst = src[36:], dst[32:]
	}
}

// dequant8x32 writes y[j] = int8(q[j])·d.
func dequant8x32(y *[32]float32, q *[32]byte, d float32) {
	for j := 0; j < 32; j += 4 {
		y[j] = i8f[q[j]] * d
		y[j+1] = i8f[q[j+1]] * d
		y[j+2] = i8f[q[j+2]] * d
		y[j+3] = i8f[q[j+3]] * d
	}
}
