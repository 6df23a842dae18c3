package ggml

import (
	"encoding/binary"
	"math"
)

// The K-quants, super-blocks of 256 elements: Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, Q8_K. Each
// kernel computes what ggml's dequantize_row_* (src/ggml-quants.c) computes, the same
// float32 operations in the same order: a sub-block scale d·sc (and min dmin·m) once,
// then y = (d·sc)·q (- dmin·m) per element. The products are exact (an f16 times
// integers of at most 13 bits) except Q8_K's, an f32 scale times q, rounded once as in
// ggml; the "- min" after a product follows an explicit float32 conversion of the product
// so that Go never fuses the two into an FMA.

// dequantQ2_K: block {scales [16]byte; qs [64]byte; d, dmin f16}. Element
// 128n+32j+16h+l is 2-bit q = qs[32n+16h+l]>>2j & 3 in sub-block 8n+2j+h, whose scale
// byte holds sc (low nibble) and m (high nibble): y = (d·sc)·q - dmin·m.
func dequantQ2_K(dst []float32, src []byte) {
	if blocksVec(Q2_K, dst, src) {
		return
	}
	for len(dst) >= 256 {
		b := (*[84]byte)(src)
		y := (*[256]float32)(dst)
		d, dmin := f16(b[80], b[81]), f16(b[82], b[83])
		for n := 0; n < 2; n++ {
			for h := 0; h < 2; h++ {
				q := (*[16]byte)(b[16+32*n+16*h:])
				s0, s1, s2, s3 := b[8*n+h], b[8*n+2+h], b[8*n+4+h], b[8*n+6+h]
				// float32(dmin·m): rounded on its own, as ggml's C has it. Without the
				// conversion Go fuses it into the subtraction below on arm64 (FMSUB),
				// which changes which NaN a NaN scale gives (the same in Q4_K and Q5_K).
				dl0, ml0 := d*u8f[s0&15], float32(dmin*u8f[s0>>4])
				dl1, ml1 := d*u8f[s1&15], float32(dmin*u8f[s1>>4])
				dl2, ml2 := d*u8f[s2&15], float32(dmin*u8f[s2>>4])
				dl3, ml3 := d*u8f[s3&15], float32(dmin*u8f[s3>>4])
				o := (*[112]float32)(y[128*n+16*h:])
				for l := range 16 {
					v := q[l]
					o[l] = float32(dl0*u8f[v&3]) - ml0
					o[l+32] = float32(dl1*u8f[v>>2&3]) - ml1
					o[l+64] = float32(dl2*u8f[v>>4&3]) - ml2
					o[l+96] = float32(dl3*u8f[v>>6]) - ml3
				}
			}
		}
		src, dst = src[84:], dst[256:]
	}
}

// minus4[k] = k - 4: Q3_K's q from its two low bits and its high bit (k>>2).
var minus4 = [8]float32{-4, -3, -2, -1, 0, 1, 2, 3}

// q3Scales unpacks Q3_K's twelve scale bytes into sixteen 6-bit scales, as ggml does with
// its kmask1/kmask2 shuffle: the low nibbles of bytes 0-7 and their high nibbles, each
// with two more bits from bytes 8-11.
func q3Scales(s *[12]byte) [16]int32 {
	a0 := uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
	a1 := uint32(s[4]) | uint32(s[5])<<8 | uint32(s[6])<<16 | uint32(s[7])<<24
	tmp := uint32(s[8]) | uint32(s[9])<<8 | uint32(s[10])<<16 | uint32(s[11])<<24
	const kmask1, kmask2 = 0x03030303, 0x0f0f0f0f
	aux := [4]uint32{
		a0&kmask2 | (tmp>>0&kmask1)<<4,
		a1&kmask2 | (tmp>>2&kmask1)<<4,
		a0>>4&kmask2 | (tmp>>4&kmask1)<<4,
		a1>>4&kmask2 | (tmp>>6&kmask1)<<4,
	}
	var sc [16]int32
	for i := range 16 {
		sc[i] = int32(int8(aux[i/4] >> (8 * (i % 4))))
	}
	return sc
}

// dequantQ3_K: block {hmask [32]byte; qs [64]byte; scales [12]byte; d f16}. Element
// 128n+32j+16h+l has 2 low bits qs[32n+16h+l]>>2j & 3 and a high bit
// hmask[16h+l]>>(4n+j) & 1 (clear means subtract 4), in sub-block 8n+2j+h:
// y = (d·(sc-32))·(q - 4·!high).
func dequantQ3_K(dst []float32, src []byte) {
	if blocksVec(Q3_K, dst, src) {
		return
	}
	for len(dst) >= 256 {
		b := (*[110]byte)(src)
		y := (*[256]float32)(dst)
		d := f16(b[108], b[109])
		sc := q3Scales((*[12]byte)(b[96:]))
		for n := 0; n < 2; n++ {
			for h := 0; h < 2; h++ {
				q := (*[16]byte)(b[32+32*n+16*h:])
				hm := (*[16]byte)(b[16*h:])
				is := (*[7]int32)(sc[8*n+h:])
				d0, d1 := d*float32(is[0]-32), d*float32(is[2]-32)
				d2, d3 := d*float32(is[4]-32), d*float32(is[6]-32)
				hs := uint32(4*n) & 31
				o := (*[112]float32)(y[128*n+16*h:])
				for l := range 16 {
					v := uint32(q[l])
					m := uint32(hm[l]) >> hs
					o[l] = d0 * minus4[v&3|m<<2&4]
					o[l+32] = d1 * minus4[v>>2&3|m<<1&4]
					o[l+64] = d2 * minus4[v>>4&3|m&4]
					o[l+96] = d3 * minus4[v>>6&3|m>>1&4]
				}
			}
		}
		src, dst = src[110:], dst[256:]
	}
}

// scaleMinK4 is ggml's get_scale_min_k4: the 6-bit scale and min of sub-block j of a
// Q4_K or Q5_K super-block from its twelve scale bytes.
func scaleMinK4(j int, s *[12]byte) (sc, m byte) {
	if j < 4 {
		return s[j&3] & 63, s[j&3+4] & 63
	}
	j &= 3
	return s[j+8]&15 | s[j]>>6<<4, s[j+8]>>4 | s[j+4]>>6<<4
}

// dequantQ4_K: block {d, dmin f16; scales [12]byte; qs [128]byte}. Each 64 elements
// (index j) are 32 low nibbles of qs[32j:32j+32] in sub-block 2j, then their 32 high
// nibbles in sub-block 2j+1: y = (d·sc)·q - dmin·m.
func dequantQ4_K(dst []float32, src []byte) {
	if blocksVec(Q4_K, dst, src) {
		return
	}
	for len(dst) >= 256 {
		b := (*[144]byte)(src)
		y := (*[256]float32)(dst)
		d, dmin := f16(b[0], b[1]), f16(b[2], b[3])
		s := (*[12]byte)(b[4:])
		for j := range 4 {
			sc1, m1 := scaleMinK4(2*j, s)
			sc2, m2 := scaleMinK4(2*j+1, s)
			d1, mn1 := d*u8f[sc1], float32(dmin*u8f[m1])
			d2, mn2 := d*u8f[sc2], float32(dmin*u8f[m2])
			q := (*[32]byte)(b[16+32*j:])
			o := (*[64]float32)(y[64*j:])
			for l := 0; l < 32; l += 2 {
				v0, v1 := q[l], q[l+1]
				o[l] = float32(d1*u8f[v0&15]) - mn1
				o[l+1] = float32(d1*u8f[v1&15]) - mn1
				o[l+32] = float32(d2*u8f[v0>>4]) - mn2
				o[l+33] = float32(d2*u8f[v1>>4]) - mn2
			}
		}
		src, dst = src[144:], dst[256:]
	}
}

// dequantQ5_K: block {d, dmin f16; scales [12]byte; qh [32]byte; qs [128]byte}. As Q4_K,
// with a fifth bit for element 64j+l (l < 32) from qh[l] bit 2j, and for 64j+32+l from
// qh[l] bit 2j+1.
func dequantQ5_K(dst []float32, src []byte) {
	if blocksVec(Q5_K, dst, src) {
		return
	}
	for len(dst) >= 256 {
		b := (*[176]byte)(src)
		y := (*[256]float32)(dst)
		d, dmin := f16(b[0], b[1]), f16(b[2], b[3])
		s := (*[12]byte)(b[4:])
		qh := (*[32]byte)(b[16:])
		for j := range 4 {
			sc1, m1 := scaleMinK4(2*j, s)
			sc2, m2 := scaleMinK4(2*j+1, s)
			d1, mn1 := d*u8f[sc1], float32(dmin*u8f[m1])
			d2, mn2 := d*u8f[sc2], float32(dmin*u8f[m2])
			q := (*[32]byte)(b[48+32*j:])
			o := (*[64]float32)(y[64*j:])
			// hb[l] holds bits 2j and 2j+1 of qh[l] as its bits 0 and 1: eight bytes
			// shifted at once (a shift below 8 moves no bit into another byte's low two).
			var hb [32]byte
			for k := range 4 {
				w := binary.LittleEndian.Uint64(qh[8*k:]) >> (2 * j) & 0x0303030303030303
				binary.LittleEndian.PutUint64(hb[8*k:], w)
			}
			for l := 0; l < 32; l += 2 {
				v0, v1 := uint32(q[l]), uint32(q[l+1])
				h0, h1 := uint32(hb[l]), uint32(hb[l+1])
				o[l] = float32(d1*u8f[v0&15|h0<<4&16]) - mn1
				o[l+1] = float32(d1*u8f[v1&15|h1<<4&16]) - mn1
				o[l+32] = float32(d2*u8f[v0>>4|h0<<3&16]) - mn2
				o[l+33] = float32(d2*u8f[v1>>4|h1<<3&16]) - mn2
			}
		}
		src, dst = src[176:], dst[256:]
	}
}

// dequantQ6_K: block {ql [128]byte; qh [64]byte; scales [16]int8; d f16}. In half n
// (128 elements), element 32k+l (k < 4, l < 32) takes its low 4 bits from
// ql[64n+l] (k = 0, 2: low nibble; k = 1, 3: of ql[64n+32+l]) and its high 2 bits from
// qh[32n+l]>>2k, and is in sub-block 8n+2k+l/16: y = (d·sc)·(q - 32).
func dequantQ6_K(dst []float32, src []byte) {
	if blocksVec(Q6_K, dst, src) {
		return
	}
	for len(dst) >= 256 {
		b := (*[210]byte)(src)
		y := (*[256]float32)(dst)
		d := f16(b[208], b[209])
		var ds [16]float32
		for i := range 16 {
			ds[i] = d * i8f[b[192+i]]
		}
		for n := 0; n < 2; n++ {
			ql := (*[64]byte)(b[64*n:])
			qh := (*[32]byte)(b[128+32*n:])
			o := (*[128]float32)(y[128*n:])
			for g := 0; g < 2; g++ { // l in [16g, 16g+16): sub-blocks 8n+g+{0,2,4,6}
				s := (*[7]float32)(ds[8*n+g:])
				s0, s1, s2, s3 := s[0], s[2], s[4], s[6]
				for l := 16 * g; l < 16*g+16; l++ {
					a, c, h := uint32(ql[l]), uint32(ql[l+32]), uint32(qh[l])
					o[l] = s0 * minus32[(a&15|h<<4&48)&63]
					o[l+32] = s1 * minus32[(c&15|h<<2&48)&63]
					o[l+64] = s2 * minus32[(a>>4|h&48)&63]
					o[l+96] = s3 * minus32[(c>>4|h>>2&48)&63]
				}
			}
		}
		src, dst = src[210:], dst[256:]
	}
}

// dequantQ8_K: block {d float32; qs [256]int8; bsums [16]int16}; y = d·q, rounded once
// to float32 as in ggml (d is a full float32, so the product can round).
func dequantQ8_K(dst []float32, src []byte) {
	for len(dst) >= 256 {
		b := (*[292]byte)(src)
		y := (*[256]float32)(dst)
		d := math.Float32frombits(uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24)
		q := (*[256]byte)(b[4:])
		for j := 0; j < 256; j += 4 {
			y[j] = d * i8f[q[j]]
			y[j+1] = d * i8f[q[j+1]]
			y[j+2] = d * i8f[q[j+2]]
			y[j+3] = d * i8f[q[j+3]]
		}
		src, dst = src[292:], dst[256:]
	}
}
