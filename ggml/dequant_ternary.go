package ggml

// The ternary and low-bit block types: TQ1_0, TQ2_0 (elements in {-1, 0, 1}) and Q1_0
// (±d), Q2_0 ({-1, 0, 1, 2}·d), as ggml's dequantize_row_* (src/ggml-quants.c). Each
// block has one f16 scale and a handful of distinct values, worked out once per block as
// ggml works out each element ((q-1)·d); the products are exact.

// dequantTQ1_0: block {qs [48]byte; qh [4]byte; d f16}. Each byte packs five (qh: four)
// base-3 digits, read most significant first as ggml does: digit n of byte c is
// (uint8(c·3^n)·3) >> 8, always 0, 1 or 2. Elements: digit n of qs[m] (m < 32) at
// 32n+m, of qs[32+m] (m < 16) at 160+16n+m, of qh[j] at 240+4n+j; y = (digit - 1)·d.
func dequantTQ1_0(dst []float32, src []byte) {
	pow3 := [5]uint8{1, 3, 9, 27, 81}
	for len(dst) >= 256 {
		b := (*[54]byte)(src)
		y := (*[256]float32)(dst)
		d := f16(b[52], b[53])
		t := [4]float32{-1 * d, 0 * d, 1 * d, 0} // t[digit]; the 3 of &3 never occurs
		q := (*[48]byte)(b[:])
		for n := range 5 {
			p := pow3[n]
			o := (*[32]float32)(y[32*n:])
			for m := 0; m < 32; m += 4 {
				o[m] = t[uint32(q[m]*p)*3>>8&3]
				o[m+1] = t[uint32(q[m+1]*p)*3>>8&3]
				o[m+2] = t[uint32(q[m+2]*p)*3>>8&3]
				o[m+3] = t[uint32(q[m+3]*p)*3>>8&3]
			}
			o2 := (*[16]float32)(y[160+16*n:])
			for m := 0; m < 16; m += 4 {
				o2[m] = t[uint32(q[32+m]*p)*3>>8&3]
				o2[m+1] = t[uint32(q[33+m]*p)*3>>8&3]
				o2[m+2] = t[uint32(q[34+m]*p)*3>>8&3]
				o2[m+3] = t[uint32(q[35+m]*p)*3>>8&3]
			}
		}
		for n := range 4 {
			p := pow3[n]
			o := (*[4]float32)(y[240+4*n:])
			o[0] = t[uint32(b[48]*p)*3>>8&3]
			o[1] = t[uint32(b[49]*p)*3>>8&3]
			o[2] = t[uint32(b[50]*p)*3>>8&3]
			o[3] = t[uint32(b[51]*p)*3>>8&3]
		}
		src, dst = src[54:], dst[256:]
	}
}

// dequantTQ2_0: block {qs [64]byte; d f16}. Element 128h+32l+m is bits 2l..2l+1 of
// qs[32h+m]: y = (q - 1)·d.
func dequantTQ2_0(dst []float32, src []byte) {
	for len(dst) >= 256 {
		b := (*[66]byte)(src)
		y := (*[256]float32)(dst)
		d := f16(b[64], b[65])
		t := [4]float32{-1 * d, 0 * d, 1 * d, 2 * d}
		for h := range 2 {
			q := (*[32]byte)(b[32*h:])
			o := (*[128]float32)(y[128*h:])
			for m := range 32 {
				v := q[m]
				o[m] = t[v&3]
				o[m+32] = t[v>>2&3]
				o[m+64] = t[v>>4&3]
				o[m+96] = t[v>>6]
			}
		}
		src, dst = src[66:], dst[256:]
	}
}

// dequantQ1_0: block {d f16; qs [16]byte}; element j is d if bit j%8 of qs[j/8] is set,
// else -d.
func dequantQ1_0(dst []float32, src []byte) {
	for len(dst) >= 128 {
		b := (*[18]byte)(src)
		y := (*[128]float32)(dst)
		d := f16(b[0], b[1])
		t := [2]float32{-d, d}
		for i := range 16 {
			v := b[2+i]
			o := (*[8]float32)(y[8*i:])
			o[0] = t[v&1]
			o[1] = t[v>>1&1]
			o[2] = t[v>>2&1]
			o[3] = t[v>>3&1]
			o[4] = t[v>>4&1]
			o[5] = t[v>>5&1]
			o[6] = t[v>>6&1]
			o[7] = t[v>>7]
		}
		src, dst = src[18:], dst[128:]
	}
}

// dequantQ2_0: block {d f16; qs [16]byte}; element j is bits 2(j%4)..+1 of qs[j/4]:
// y = (q - 1)·d.
func dequantQ2_0(dst []float32, src []byte) {
	for len(dst) >= 64 {
		b := (*[18]byte)(src)
		y := (*[64]float32)(dst)
		d := f16(b[0], b[1])
		t := [4]float32{-1 * d, 0 * d, 1 * d, 2 * d}
		for i := range 16 {
			v := b[2+i]
			o := (*[4]float32)(y[4*i:])
			o[0] = t[v&3]
			o[1] = t[v>>2&3]
			o[2] = t[v>>4&3]
			o[3] = t[v>>6]
		}
		src, dst = src[18:], dst[64:]
	}
}
