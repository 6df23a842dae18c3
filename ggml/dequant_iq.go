package ggml

// GGML_SRC is ggml's source tree at the commit, as testdata/gen/gen.sh extracts it (gen.sh
// also runs this generator).
//go:generate go run ./internal/gentables -header $GGML_SRC/src/ggml-common.h -commit d99724f2b141fed9e1a9f402213506c081433465 -o iqtables.go

// The IQ block types: IQ2_XXS, IQ2_XS, IQ2_S, IQ3_XXS, IQ3_S, IQ1_S, IQ1_M, IQ4_NL,
// IQ4_XS. Groups of four or eight elements are looked up in ggml's grids (iqtables.go);
// each kernel computes what ggml's dequantize_row_* (src/ggml-quants.c) computes, the
// same float32 operations in the same order.

// sign1 is the factor ggml multiplies by for a clear (1) or set (-1) sign bit.
var sign1 = [2]float32{1, -1}

// gridGroup writes y[j] = db·g_j·(-1 if bit j of signs is set, else 1) for the eight
// bytes g_j of grid (element 0 in the low byte), as ggml's IQ2 and IQ3 kernels.
func gridGroup(y *[8]float32, db float32, grid uint64, signs uint32) {
	y[0] = db * u8f[uint8(grid)] * sign1[signs&1]
	y[1] = db * u8f[uint8(grid>>8)] * sign1[signs>>1&1]
	y[2] = db * u8f[uint8(grid>>16)] * sign1[signs>>2&1]
	y[3] = db * u8f[uint8(grid>>24)] * sign1[signs>>3&1]
	y[4] = db * u8f[uint8(grid>>32)] * sign1[signs>>4&1]
	y[5] = db * u8f[uint8(grid>>40)] * sign1[signs>>5&1]
	y[6] = db * u8f[uint8(grid>>48)] * sign1[signs>>6&1]
	y[7] = db * u8f[uint8(grid>>56)] * sign1[signs>>7&1]
}

// le32 reads the little-endian uint32 at b[0:4].
func le32(b []byte) uint32 {
	_ = b[3]
	return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
}

// dequantIQ2_XXS: block {d f16; qs [64]byte}. Each 32 elements (ib) read two
// little-endian words a, b at qs[8ib:]: the bytes of a index iq2xxsGrid for the four
// groups of eight; b holds four 7-bit sign indices (ksignsIQ2XS) and, in its top 4 bits,
// s: db = d·(0.5 + s)·0.25.
func dequantIQ2_XXS(dst []float32, src []byte) {
	for len(dst) >= 256 {
		b := (*[66]byte)(src)
		y := (*[256]float32)(dst)
		d := f16(b[0], b[1])
		for ib := range 8 {
			q := (*[8]byte)(b[2+8*ib:])
			a1 := le32(q[4:])
			db := float32(d*(0.5+u8f[a1>>28])) * 0.25
			o := (*[32]float32)(y[32*ib:])
			for l := range 4 {
				g := iq2xxsGrid[q[l]]
				s := uint32(ksignsIQ2XS[a1>>(7*l)&127])
				gridGroup((*[8]float32)(o[8*l:]), db, g, s)
			}
		}
		src, dst = src[66:], dst[256:]
	}
}

// dequantIQ2_XS: block {d f16; qs [32]uint16; scales [8]byte}. Group l of 32-element
// block ib is q = qs[4ib+l]: iq2xsGrid[q&511] with signs ksignsIQ2XS[q>>9], scaled by
// d·(0.5 + s)·0.25 with s the low (l < 2) or high nibble of scales[ib].
func dequantIQ2_XS(dst []float32, src []byte) {
	for len(dst) >= 256 {
		b := (*[74]byte)(src)
		y := (*[256]float32)(dst)
		d := f16(b[0], b[1])
		for ib := range 8 {
			s := b[66+ib]
			db0, db1 := float32(d*(0.5+u8f[s&15]))*0.25, float32(d*(0.5+u8f[s>>4]))*0.25
			db := [2]float32{db0, db1}
			q := (*[8]byte)(b[2+8*ib:])
			o := (*[32]float32)(y[32*ib:])
			for l := range 4 {
				v := uint32(q[2*l]) | uint32(q[2*l+1])<<8
				g := iq2xsGrid[v&511]
				s := uint32(ksignsIQ2XS[v>>9&127])
				gridGroup((*[8]float32)(o[8*l:]), db[l>>1], g, s)
			}
		}
		src, dst = src[74:], dst[256:]
	}
}

// dequantIQ2_S: block {d f16; qs [32]byte; signs [32]byte; qh [8]byte; scales [8]byte}.
// Group l of block ib is iq2sGrid[qs[4ib+l] | (qh[ib]>>2l & 3)<<8] with sign byte
// signs[4ib+l], scaled as IQ2_XS.
func dequantIQ2_S(dst []float32, src []byte) {
	for len(dst) >= 256 {
		b := (*[82]byte)(src)
		y := (*[256]float32)(dst)
		d := f16(b[0], b[1])
		for ib := range 8 {
			s := b[74+ib]
			db0, db1 := float32(d*(0.5+u8f[s&15]))*0.25, float32(d*(0.5+u8f[s>>4]))*0.25
			db := [2]float32{db0, db1}
			qs := (*[4]byte)(b[2+4*ib:])
			sg := (*[4]byte)(b[34+4*ib:])
			qh := uint32(b[66+ib])
			o := (*[32]float32)(y[32*ib:])
			for l := range 4 {
				g := iq2sGrid[(uint32(qs[l])|qh<<(8-2*l)&0x300)&1023]
				s := uint32(sg[l])
				gridGroup((*[8]float32)(o[8*l:]), db[l>>1], g, s)
			}
		}
		src, dst = src[82:], dst[256:]
	}
}

// dequantIQ3_XXS: block {d f16; qs [64]byte; scales and signs [8]uint32}. Group l of
// 32-element block ib is iq3xxsGrid[qs[8ib+2l]] then iq3xxsGrid[qs[8ib+2l+1]], signs
// ksignsIQ2XS[w>>7l & 127] with w the block's word, scaled by d·(0.5 + w>>28)·0.5.
func dequantIQ3_XXS(dst []float32, src []byte) {
	for len(dst) >= 256 {
		b := (*[98]byte)(src)
		y := (*[256]float32)(dst)
		d := f16(b[0], b[1])
		for ib := range 8 {
			w := le32(b[66+4*ib:])
			db := float32(d*(0.5+u8f[w>>28])) * 0.5
			q := (*[8]byte)(b[2+8*ib:])
			o := (*[32]float32)(y[32*ib:])
			for l := range 4 {
				g := uint64(iq3xxsGrid[q[2*l]]) | uint64(iq3xxsGrid[q[2*l+1]])<<32
				s := uint32(ksignsIQ2XS[w>>(7*l)&127])
				gridGroup((*[8]float32)(o[8*l:]), db, g, s)
			}
		}
		src, dst = src[98:], dst[256:]
	}
}

// dequantIQ3_S: block {d f16; qs [64]byte; qh [8]byte; signs [32]byte; scales [4]byte}.
// Group l of 32-element block ib is iq3sGrid[qs[8ib+2l] | (qh[ib]>>2l & 1)<<8] then
// iq3sGrid[qs[8ib+2l+1] | (qh[ib]>>(2l+1) & 1)<<8], sign byte signs[4ib+l], scaled by
// d·(1 + 2s) with s the low (even ib) or high (odd ib) nibble of scales[ib/2].
func dequantIQ3_S(dst []float32, src []byte) {
	for len(dst) >= 256 {
		b := (*[110]byte)(src)
		y := (*[256]float32)(dst)
		d := f16(b[0], b[1])
		for ib := range 8 {
			s := b[106+ib/2] >> (4 * (ib & 1)) & 15
			db := d * float32(1+2*int32(s))
			qs := (*[8]byte)(b[2+8*ib:])
			qh := uint32(b[66+ib])
			sg := (*[4]byte)(b[74+4*ib:])
			o := (*[32]float32)(y[32*ib:])
			for l := range 4 {
				i1 := uint32(qs[2*l]) | qh<<(8-2*l)&256
				i2 := uint32(qs[2*l+1]) | qh<<(7-2*l)&256
				g := uint64(iq3sGrid[i1&511]) | uint64(iq3sGrid[i2&511])<<32
				s := uint32(sg[l])
				gridGroup((*[8]float32)(o[8*l:]), db, g, s)
			}
		}
		src, dst = src[110:], dst[256:]
	}
}

// iq1Deltas is ggml's IQ1S_DELTA and IQ1M_DELTA (0.125) for a clear sign bit, and its
// negation for a set one.
var iq1Deltas = [2]float32{0.125, -0.125}

// iq1Group writes y[j] = dl·(g_j + delta) for the eight int8 values g_j (-1, 0 or 1) of
// grid, element 0 in the low byte, as ggml's IQ1 kernels.
func iq1Group(y *[8]float32, dl float32, grid uint64, delta float32) {
	y[0] = dl * (i8f[uint8(grid)] + delta)
	y[1] = dl * (i8f[uint8(grid>>8)] + delta)
	y[2] = dl * (i8f[uint8(grid>>16)] + delta)
	y[3] = dl * (i8f[uint8(grid>>24)] + delta)
	y[4] = dl * (i8f[uint8(grid>>32)] + delta)
	y[5] = dl * (i8f[uint8(grid>>40)] + delta)
	y[6] = dl * (i8f[uint8(grid>>48)] + delta)
	y[7] = dl * (i8f[uint8(grid>>56)] + delta)
}

// dequantIQ1_S: block {d f16; qs [32]byte; qh [8]uint16}. In 32-element block ib, with
// h = qh[ib]: group l is iq1sGrid[qs[4ib+l] | (h>>3l & 7)<<8], delta is -0.125 if h's
// top bit is set else 0.125, and y = d·(2·(h>>12 & 7) + 1)·(grid + delta).
func dequantIQ1_S(dst []float32, src []byte) {
	for len(dst) >= 256 {
		b := (*[50]byte)(src)
		y := (*[256]float32)(dst)
		d := f16(b[0], b[1])
		for ib := range 8 {
			h := uint32(b[34+2*ib]) | uint32(b[35+2*ib])<<8
			dl := d * float32(2*(h>>12&7)+1)
			delta := iq1Deltas[h>>15&1]
			qs := (*[4]byte)(b[2+4*ib:])
			o := (*[32]float32)(y[32*ib:])
			for l := range 4 {
				iq1Group((*[8]float32)(o[8*l:]), dl, iq1sGrid[(uint32(qs[l])|h>>(3*l)&7<<8)&2047], delta)
			}
		}
		src, dst = src[50:], dst[256:]
	}
}

// dequantIQ1_M: block {qs [32]byte; qh [16]byte; scales [4]uint16}. The f16 scale d is
// the top nibbles of the four scale words (word 0's the lowest). In 32-element block ib,
// group l (0-3) is iq1sGrid[qs[4ib+l] | (the 3 bits of qh[2ib+l/2] at 4·(l&1))<<8], its
// delta -0.125 if bit 3 of that nibble is set, else 0.125; groups 0-1 scale by
// d·(2s+1) with s bits 6(ib&1)..+2 of scale word ib/2, groups 2-3 by the next 3 bits.
func dequantIQ1_M(dst []float32, src []byte) {
	for len(dst) >= 256 {
		b := (*[56]byte)(src)
		y := (*[256]float32)(dst)
		var sc [4]uint32
		for k := range 4 {
			sc[k] = uint32(b[48+2*k]) | uint32(b[49+2*k])<<8
		}
		u := sc[0]>>12 | sc[1]>>8&0x00f0 | sc[2]>>4&0x0f00 | sc[3]&0xf000
		d := f16(byte(u), byte(u>>8))
		for ib := range 8 {
			w := sc[ib/2] >> (6 * (ib & 1))
			dl := [2]float32{d * float32(2*(w&7)+1), d * float32(2*(w>>3&7)+1)}
			qs := (*[4]byte)(b[4*ib:])
			qh := (*[2]byte)(b[32+2*ib:])
			o := (*[32]float32)(y[32*ib:])
			for l := range 4 {
				h := uint32(qh[l>>1]) >> (4 * (l & 1))
				iq1Group((*[8]float32)(o[8*l:]), dl[l>>1], iq1sGrid[(uint32(qs[l])|h&7<<8)&2047], iq1Deltas[h>>3&1])
			}
		}
		src, dst = src[56:], dst[256:]
	}
}

// dequantIQ4_NL: block {d f16; qs [16]byte}; y[j] = d·kvaluesIQ4NL[qs[j]&15],
// y[j+16] = d·kvaluesIQ4NL[qs[j]>>4].
func dequantIQ4_NL(dst []float32, src []byte) { nibbleBlocks(dst, src, &iq4nlf, &kvaluesIQ4NL) }

// dequantIQ4_XS: block {d f16; scales_h uint16; scales_l [4]byte; qs [128]byte}. The
// 32 elements of block ib are IQ4_NL's nibble layout over qs[16ib:16ib+16] scaled by
// d·(ls - 32), ls the nibble ib of scales_l with bits 2ib, 2ib+1 of scales_h above it.
func dequantIQ4_XS(dst []float32, src []byte) {
	for len(dst) >= 256 {
		b := (*[136]byte)(src)
		y := (*[256]float32)(dst)
		d := f16(b[0], b[1])
		sh := uint32(b[2]) | uint32(b[3])<<8
		for ib := range 8 {
			ls := uint32(b[4+ib/2])>>(4*(ib&1))&15 | (sh>>(2*ib)&3)<<4
			dl := d * minus32[ls&63]
			q := (*[16]byte)(b[8+16*ib:])
			o := (*[32]float32)(y[32*ib:])
			for j := 0; j < 16; j += 4 {
				q0, q1, q2, q3 := q[j], q[j+1], q[j+2], q[j+3]
				o[j] = dl * iq4nlf[q0&15]
				o[j+1] = dl * iq4nlf[q1&15]
				o[j+2] = dl * iq4nlf[q2&15]
				o[j+3] = dl * iq4nlf[q3&15]
				o[j+16] = dl * iq4nlf[q0>>4]
				o[j+17] = dl * iq4nlf[q1>>4]
				o[j+18] = dl * iq4nlf[q2>>4]
				o[j+19] = dl * iq4nlf[q3>>4]
			}
		}
		src, dst = src[136:], dst[256:]
	}
}

// iq4nlf is kvaluesIQ4NL as float32.
var iq4nlf = func() (t [16]float32) {
	for i, v := range kvaluesIQ4NL {
		t[i] = float32(v)
	}
	return t
}()

// nibbleBlocks dequantizes blocks {d f16; qs [16]byte}, IQ4_NL's and Q4_0's layout:
// y[j] = d·kv[qs[j]&15], y[j+16] = d·kv[qs[j]>>4]; kv8 holds the same levels as int8, for
// the vector kernel.
func nibbleBlocks(dst []float32, src []byte, kv *[16]float32, kv8 *[16]int8) {
	if nibbleVec(dst, src, kv8) {
		return
	}
	for len(dst) >= 32 {
		b := (*[18]byte)(src)
		y := (*[32]float32)(dst)
		d := f16(b[0], b[1])
		q := (*[16]byte)(b[2:])
		for j := 0; j < 16; j += 4 {
			q0, q1, q2, q3 := q[j], q[j+1], q[j+2], q[j+3]
			y[j] = d * kv[q0&15]
			y[j+1] = d * kv[q1&15]
			y[j+2] = d * kv[q2&15]
			y[j+3] = d * kv[q3&15]
			y[j+16] = d * kv[q0>>4]
			y[j+17] = d * kv[q1>>4]
			y[j+18] = d * kv[q2>>4]
			y[j+19] = d * kv[q3>>4]
		}
		src, dst = src[18:], dst[32:]
	}
}
