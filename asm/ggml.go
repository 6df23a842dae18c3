package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// The ggml package's dequantizers (ggml/kernels_amd64.s): each block's scale broadcast to
// eight lanes, its quants widened to int32 and converted exactly (VCVTDQ2PS of small
// integers), one VMULPS each: the product the Go kernel computes, one rounding, so the bits
// are ggml's. A Float16 scale is widened with F16C's VCVTPH2PS, which quiets a signalling
// NaN; the product of that scale would quiet it anyway (MULSS returns the NaN operand
// quieted), so the result is the same.
func ggmlKernels() {
	hasF16C()
	dequantQ8_0()
	nibbles("nibbleBlocksAVX2", 18, false)
	nibbles("nibbleBlocksE8M0AVX2", 17, true)
	kQuant2()
	kQuant3()
	kQuant4(false)
	kQuant4(true)
	kQuant6()
}

// f16Scale broadcasts the Float16 at m, as float32, to the eight lanes of d.
func f16Scale(m Mem, d VecVirtual) {
	h := GP32()
	MOVWLZX(m, h)
	x := XMM()
	VMOVD(h, x)
	VCVTPH2PS(x, x)
	VBROADCASTSS(x, d)
}

// dequantQ8_0 is dequantQ8_0AVX2: blocks {d f16; qs [32]int8}, y = q·d.
func dequantQ8_0() {
	TEXT("dequantQ8_0AVX2", NOSPLIT, "func(dst []float32, src []byte)")
	Pragma("noescape")
	Doc("dequantQ8_0AVX2 dequantizes len(dst)/32 Q8_0 blocks of src (34 bytes each) into dst: y = float32(q)·d, as dequantQ8_0. It needs AVX2 and F16C.")
	dst := Mem{Base: Load(Param("dst").Base(), GP64())}
	src := Mem{Base: Load(Param("src").Base(), GP64())}
	n := Load(Param("dst").Len(), GP64())
	SHRQ(U8(5), n)
	d := YMM()
	eachBlock("q8_0", n, func() {
		f16Scale(src, d)
		for k := 0; k < 4; k++ {
			y := YMM()
			VPMOVSXBD(src.Offset(2+8*k), y)
			VCVTDQ2PS(y, y)
			VMULPS(d, y, y) // q·d: the NaN of a NaN scale either way
			VMOVUPS(y, dst.Offset(32*k))
		}
	}, step{src.Base, 34}, step{dst.Base, 128})
}

// step is how far a pointer advances from one block to the next.
type step struct {
	reg   Register
	bytes int
}

// eachBlock emits the loop of the block kernels: body for each of n blocks, the pointers
// advanced by their steps after each.
func eachBlock(name string, n Register, body func(), steps ...step) {
	Label(name + "_loop")
	TESTQ(n, n)
	JZ(LabelRef(name + "_done"))
	body()
	for _, st := range steps {
		ADDQ(U32(st.bytes), st.reg)
	}
	DECQ(n)
	JMP(LabelRef(name + "_loop"))
	Label(name + "_done")
	VZEROUPPER()
	RET()
}

// nibbles is nibbleBlocksAVX2 (Q4_0, IQ4_NL: blocks {d f16; qs [16]byte}) and
// nibbleBlocksE8M0AVX2 (MXFP4: {e E8M0; qs [16]byte}, the scale looked up in a table of
// every byte): element j of a block is kv[qs[j]&15]·d, element j+16 kv[qs[j]>>4]·d, kv a
// table of sixteen int8 values (VPSHUFB looks all sixteen up at once).
func nibbles(name string, block int, e8m0 bool) {
	sig := "func(dst []float32, src []byte, kv *[16]int8)"
	if e8m0 {
		sig = "func(dst []float32, src []byte, kv *[16]int8, scales *[256]float32)"
	}
	TEXT(name, NOSPLIT, sig)
	Pragma("noescape")
	Doc(name + " dequantizes len(dst)/32 blocks of 16 nibbles under one scale: element j is kv[qs[j]&15]·d, element j+16 kv[qs[j]>>4]·d. It needs AVX2 and F16C.")
	dst := Mem{Base: Load(Param("dst").Base(), GP64())}
	src := Mem{Base: Load(Param("src").Base(), GP64())}
	n := Load(Param("dst").Len(), GP64())
	kvp := Load(Param("kv"), GP64())
	var scales Register
	if e8m0 {
		scales = Load(Param("scales"), GP64())
	}
	SHRQ(U8(5), n)
	kv, low := XMM(), XMM()
	VMOVDQU(Mem{Base: kvp}, kv)
	VPBROADCASTB(constant8("nib0f", 0x0f), low)
	d := YMM()
	e := GP64()
	eachBlock(name, n, func() {
		if e8m0 {
			MOVBQZX(src, e)
			VBROADCASTSS(Mem{Base: scales, Index: e, Scale: 4}, d)
		} else {
			f16Scale(src, d)
		}
		q, lo, hi := XMM(), XMM(), XMM()
		VMOVDQU(src.Offset(block-16), q)
		VPAND(low, q, lo)
		VPSRLW(U8(4), q, hi)
		VPAND(low, hi, hi)
		VPSHUFB(lo, kv, lo) // kv[q&15] for the sixteen low nibbles
		VPSHUFB(hi, kv, hi)
		widenHalves([2]Register{lo, hi}, true, func(g int, y VecVirtual) {
			VMULPS(y, d, y) // d·kv
			VMOVUPS(y, dst.Offset(32*g))
		})
	}, step{src.Base, block}, step{dst.Base, 128})
}

// widen32 converts the 32 bytes of q (unsigned, or signed with signed) to float32 in four
// groups of eight, and hands each group's register and index (0..3) to use.
func widen32(q VecVirtual, signed bool, use func(g int, y VecVirtual)) {
	hi := XMM()
	VEXTRACTI128(U8(1), q, hi)
	widenHalves([2]Register{q.AsX(), hi}, signed, use)
}

// widenHalves is widen32 of the 32 bytes held in two XMM registers, the first sixteen in
// halves[0].
func widenHalves(halves [2]Register, signed bool, use func(g int, y VecVirtual)) {
	for g := 0; g < 4; g++ {
		src := halves[g/2]
		if g%2 == 1 {
			var t Register = XMM()
			VPSRLDQ(U8(8), src, t)
			src = t
		}
		y := YMM()
		if signed {
			VPMOVSXBD(src, y)
		} else {
			VPMOVZXBD(src, y)
		}
		VCVTDQ2PS(y, y)
		use(g, y)
	}
}

// kQuant2 is q2kAVX2: Q2_K super-blocks {scales [16]byte; qs [64]byte; d, dmin f16} of 256
// elements, one after another. Sub-block s's scale is the low nibble of scales[s], its min
// the high one; d·sc and dmin·m for sub-blocks 8n..8n+7 are kept in two registers, each lane
// broadcast where it is used (VPERMPS). In half n, element 32j+l (l < 32) is bits 2j, 2j+1
// of qs[32n+l], in sub-block 8n+2j+l/16: y = float32(d·sc·q) - dmin·m, a product rounded,
// then a difference rounded, as the Go kernel computes it (VMULPS, then VSUBPS: never fused).
func kQuant2() {
	name := "q2kAVX2"
	TEXT(name, NOSPLIT, "func(dst []float32, src []byte)")
	Pragma("noescape")
	Doc(name + " dequantizes len(dst)/256 super-blocks of src (84 bytes each) into dst, as the Go kernel does. It needs AVX2 and F16C.")
	y := Mem{Base: Load(Param("dst").Base(), GP64())}
	b := Mem{Base: Load(Param("src").Base(), GP64())}
	n := Load(Param("dst").Len(), GP64())
	SHRQ(U8(8), n)
	three := YMM()
	VPBROADCASTB(constant8("bits2", 0x03), three)
	eachBlock(name, n, func() {
		d, dmin := YMM(), YMM()
		f16Scale(b.Offset(80), d)
		f16Scale(b.Offset(82), dmin)
		for h := 0; h < 2; h++ {
			// d·sc and dmin·m of sub-blocks 8h..8h+7.
			sc, m := YMM(), YMM()
			VPMOVZXBD(b.Offset(8*h), sc)
			VPSRLD(U8(4), sc, m)
			VPSLLD(U8(28), sc, sc)
			VPSRLD(U8(28), sc, sc) // the low nibble
			VCVTDQ2PS(sc, sc)
			VCVTDQ2PS(m, m)
			VMULPS(d, sc, sc)
			VMULPS(dmin, m, m)
			q := YMM()
			VMOVDQU(b.Offset(16+32*h), q)
			for j := 0; j < 4; j++ {
				t := YMM()
				if j > 0 {
					VPSRLW(U8(2*j), q, t)
					VPAND(three, t, t)
				} else {
					VPAND(three, q, t)
				}
				var dv, mv [2]VecVirtual
				for k := range 2 { // sub-block 8h+2j+k: elements 16k..16k+15 of t
					b := lane(2*j+k, sc, m)
					dv[k], mv[k] = b[0], b[1]
				}
				widen32(t, false, func(g int, v VecVirtual) {
					VMULPS(v, dv[g/2], v) // d·sc·q
					VSUBPS(mv[g/2], v, v) // - dmin·m
					VMOVUPS(v, y.Offset(4*(128*h+32*j+8*g)))
				})
			}
		}
	}, step{b.Base, 84}, step{y.Base, 1024})
}

// kQuant3 is q3kAVX2: Q3_K super-blocks {hmask [32]byte; qs [64]byte; scales [12]byte; d
// f16} of 256 elements. The sixteen 6-bit scales are unpacked from their twelve bytes as
// ggml's kmask1/kmask2 shuffle does, four at a time in a general register (the nibbles of
// bytes 0-7 with two bits of bytes 8-11 above them), widened, less 32, converted and
// multiplied by d: d·(sc-32) for sub-blocks 0-7 and 8-15 in two registers, each lane
// broadcast where it is used (VPERMPS). In half n, element 32j+l (l < 32) is bits 2j, 2j+1
// of qs[32n+l] with bit 4n+j of hmask[l] above them, less 4 (-4..3), in sub-block
// 8n+2j+l/16: y = (d·(sc-32))·q, as the Go kernel rounds.
func kQuant3() {
	name := "q3kAVX2"
	TEXT(name, NOSPLIT, "func(dst []float32, src []byte)")
	Pragma("noescape")
	Doc(name + " dequantizes len(dst)/256 super-blocks of src (110 bytes each) into dst, as the Go kernel does. It needs AVX2 and F16C.")
	y := Mem{Base: Load(Param("dst").Base(), GP64())}
	b := Mem{Base: Load(Param("src").Base(), GP64())}
	n := Load(Param("dst").Len(), GP64())
	SHRQ(U8(8), n)
	three, one, four := YMM(), YMM(), YMM()
	VPBROADCASTB(constant8("bits2", 0x03), three)
	VPBROADCASTB(constant8("bit1", 0x01), one)
	VPBROADCASTB(constant8("four", 0x04), four)
	eachBlock(name, n, func() {
		d := YMM()
		f16Scale(b.Offset(108), d)
		a0, a1, tmp := GP64(), GP64(), GP64()
		MOVL(b.Offset(96), a0.As32())
		MOVL(b.Offset(100), a1.As32())
		MOVL(b.Offset(104), tmp.As32())
		var ds [2]VecVirtual
		for h := range ds {
			// aux[2h] | aux[2h+1]<<32: sub-blocks 8h..8h+7, a byte each.
			var words [2]GPVirtual
			for k := range words {
				a := a0
				if k == 1 {
					a = a1
				}
				w, t := GP64(), GP64()
				MOVL(a.As32(), w.As32())
				if h == 1 {
					SHRL(U8(4), w.As32())
				}
				ANDL(U32(0x0f0f0f0f), w.As32())
				MOVL(tmp.As32(), t.As32())
				if sh := 4*h + 2*k; sh > 0 {
					SHRL(U8(sh), t.As32())
				}
				ANDL(U32(0x03030303), t.As32())
				SHLL(U8(4), t.As32())
				ORL(t.As32(), w.As32())
				words[k] = w
			}
			SHLQ(U8(32), words[1])
			ORQ(words[1], words[0])
			x, f := XMM(), YMM()
			VMOVQ(words[0], x) // VEX-encoded: see kQuant4
			VPMOVZXBD(x, f)
			VPSUBD(oct("thirtytwo", 32), f, f)
			VCVTDQ2PS(f, f)
			VMULPS(d, f, f) // d·(sc-32)
			ds[h] = f
		}
		hm := YMM()
		VMOVDQU(b, hm)
		for h := 0; h < 2; h++ {
			q := YMM()
			VMOVDQU(b.Offset(32+32*h), q)
			for j := 0; j < 4; j++ {
				t, hb := YMM(), YMM()
				if j > 0 {
					VPSRLW(U8(2*j), q, t)
					VPAND(three, t, t)
				} else {
					VPAND(three, q, t)
				}
				if sh := 4*h + j; sh > 0 {
					VPSRLW(U8(sh), hm, hb)
					VPAND(one, hb, hb)
				} else {
					VPAND(one, hm, hb)
				}
				VPSLLW(U8(2), hb, hb)
				VPOR(hb, t, t)
				VPSUBB(four, t, t) // -4..3
				var dv [2]VecVirtual
				for k := range dv { // sub-block 8h+2j+k: elements 16k..16k+15 of t
					dv[k] = lane(2*j+k, ds[h])[0]
				}
				widen32(t, true, func(g int, v VecVirtual) {
					VMULPS(v, dv[g/2], v)
					VMOVUPS(v, y.Offset(4*(128*h+32*j+8*g)))
				})
			}
		}
	}, step{b.Base, 110}, step{y.Base, 1024})
}

// kQuant4 is q4kAVX2 (and, with fifth, q5kAVX2): Q4_K (Q5_K) super-blocks of 256 elements,
// one after another. Each block's eight 6-bit sub-block scales and mins (ggml's
// get_scale_min_k4) are unpacked from its twelve scale bytes four at a time in a general
// register (the low six bits of bytes 0-3 and 4-7; for sub-blocks 4-7, the nibbles of bytes
// 8-11 with the top two bits of bytes 0-3 and 4-7 above them), widened, converted exactly
// and multiplied by d and dmin, d·sc[i] and dmin·m[i], kept in two registers, each lane
// broadcast where it is used (VPERMPS). The general-to-vector move is VEX-encoded: a legacy
// SSE MOVQ among the AVX instructions ran the kernel at 3.6 GB/s against 22.
// Elements 64j+l (l < 32) are the low nibbles of qs[32j+l] (with bit 2j of qh[l] above
// them for Q5_K), 64j+32+l the high ones (bit 2j+1): y = float32(dm[s]·q) - dm[8+s], a
// product rounded, then a difference rounded, as the Go kernel computes it (VMULPS, then
// VSUBPS: never fused).
func kQuant4(fifth bool) {
	name, qsOff, block := "q4kAVX2", 16, 144
	if fifth {
		name, qsOff, block = "q5kAVX2", 48, 176
	}
	TEXT(name, NOSPLIT, "func(dst []float32, src []byte)")
	Pragma("noescape")
	Doc(fmt.Sprintf("%s dequantizes len(dst)/256 super-blocks of src (%d bytes each) into dst, as the Go kernel does. It needs AVX2 and F16C.", name, block))
	y := Mem{Base: Load(Param("dst").Base(), GP64())}
	b := Mem{Base: Load(Param("src").Base(), GP64())}
	n := Load(Param("dst").Len(), GP64())
	SHRQ(U8(8), n)
	low := YMM()
	VPBROADCASTB(constant8("nib0f", 0x0f), low)
	var one VecVirtual
	if fifth {
		one = YMM()
		VPBROADCASTB(constant8("bit1", 0x01), one)
	}
	eachBlock(name, n, func() { q4kBlock(y, b, low, one, qsOff, fifth) }, step{b.Base, block}, step{y.Base, 1024})
}

// q4kBlock is kQuant4's body: the super-block at b into y.
func q4kBlock(y, b Mem, low, one VecVirtual, qsOff int, fifth bool) {
	// The scales and mins, d·sc and dmin·m, in two registers.
	var dm [2]VecVirtual
	d, dmin := YMM(), YMM()
	f16Scale(b, d)
	f16Scale(b.Offset(2), dmin)
	a, bb, c, t := GP64(), GP64(), GP64(), GP64()
	MOVL(b.Offset(4), a.As32())
	MOVL(b.Offset(8), bb.As32())
	MOVL(b.Offset(12), c.As32())
	for k, v := range []VecVirtual{d, dmin} {
		lo, hi := GP64(), GP64()
		if k == 0 { // scales: a & 63; c & 15 | (a >> 6) << 4
			MOVL(a.As32(), lo.As32())
			MOVL(c.As32(), hi.As32())
			ANDL(U32(0x0f0f0f0f), hi.As32())
			MOVL(a.As32(), t.As32())
		} else { // mins: bb & 63; c >> 4 | (bb >> 6) << 4
			MOVL(bb.As32(), lo.As32())
			MOVL(c.As32(), hi.As32())
			SHRL(U8(4), hi.As32())
			ANDL(U32(0x0f0f0f0f), hi.As32())
			MOVL(bb.As32(), t.As32())
		}
		ANDL(U32(0x3f3f3f3f), lo.As32())
		SHRL(U8(2), t.As32())
		ANDL(U32(0x30303030), t.As32())
		ORL(t.As32(), hi.As32())
		SHLQ(U8(32), hi)
		ORQ(hi, lo) // the eight 6-bit values, a byte each
		x, f := XMM(), YMM()
		VMOVQ(lo, x) // VEX-encoded (see above)
		VPMOVZXBD(x, f)
		VCVTDQ2PS(f, f)
		VMULPS(f, v, f) // d·sc (dmin·m)
		dm[k] = f
	}
	var qh VecVirtual
	if fifth {
		qh = YMM()
		VMOVDQU(b.Offset(16), qh)
	}
	for j := 0; j < 4; j++ {
		q, lo, hi := YMM(), YMM(), YMM()
		VMOVDQU(b.Offset(qsOff+32*j), q)
		VPAND(low, q, lo)
		VPSRLW(U8(4), q, hi)
		VPAND(low, hi, hi)
		if fifth {
			for k, part := range []VecVirtual{lo, hi} {
				h := YMM()
				if s := 2*j + k; s > 0 {
					VPSRLW(U8(s), qh, h) // bit 2j (2j+1) of each byte to bit 0
					VPAND(one, h, h)
				} else {
					VPAND(one, qh, h)
				}
				VPSLLW(U8(4), h, h) // to bit 4: the fifth bit
				VPOR(h, part, part)
			}
		}
		for k, part := range []VecVirtual{lo, hi} {
			s := 2*j + k               // the sub-block
			b := lane(s, dm[0], dm[1]) // lane s of the scales and mins, everywhere
			dv, mv := b[0], b[1]
			widen32(part, false, func(g int, v VecVirtual) {
				VMULPS(v, dv, v) // d·q
				VSUBPS(mv, v, v) // - m
				VMOVUPS(v, y.Offset(4*(64*j+32*k+8*g)))
			})
		}
	}
}

// kQuant6 is q6kAVX2: Q6_K super-blocks {ql [128]byte; qh [64]byte; scales [16]int8; d f16}
// of 256 elements, one after another. The sixteen scales, widened and converted exactly,
// times d, ds[i] = d·scales[i], are kept in two registers, each lane broadcast where it is
// used (VPERMPS). In half n, element 32k+l (l < 32) is ((ql nibble) | (2 bits of
// qh[32n+l]) << 4) - 32 in sub-block 8n+2k+l/16: y = ds[s]·q, one rounding, as the Go kernel.
func kQuant6() {
	name := "q6kAVX2"
	TEXT(name, NOSPLIT, "func(dst []float32, src []byte)")
	Pragma("noescape")
	Doc(name + " dequantizes len(dst)/256 super-blocks of src (210 bytes each) into dst, as the Go kernel does. It needs AVX2 and F16C.")
	y := Mem{Base: Load(Param("dst").Base(), GP64())}
	b := Mem{Base: Load(Param("src").Base(), GP64())}
	nb := Load(Param("dst").Len(), GP64())
	SHRQ(U8(8), nb)
	low, two, c32 := YMM(), YMM(), YMM()
	VPBROADCASTB(constant8("nib0f", 0x0f), low)
	VPBROADCASTB(constant8("bits45", 0x30), two)
	VPBROADCASTB(constant8("c32", 32), c32)
	eachBlock(name, nb, func() {
		d := YMM()
		f16Scale(b.Offset(208), d)
		var ds [2]VecVirtual
		for h := range ds {
			ds[h] = YMM()
			VPMOVSXBD(b.Offset(192+8*h), ds[h])
			VCVTDQ2PS(ds[h], ds[h])
			VMULPS(d, ds[h], ds[h]) // d·scales[8h+i]
		}
		for n := 0; n < 2; n++ {
			ql0, ql1, qh := YMM(), YMM(), YMM()
			VMOVDQU(b.Offset(64*n), ql0)
			VMOVDQU(b.Offset(64*n+32), ql1)
			VMOVDQU(b.Offset(128+32*n), qh)
			for k := 0; k < 4; k++ {
				q, h := YMM(), YMM()
				// the low four bits: ql0's (k = 0, 2) or ql1's (k = 1, 3) low or high nibbles
				src := ql0
				if k%2 == 1 {
					src = ql1
				}
				if k < 2 {
					VPAND(low, src, q)
				} else {
					VPSRLW(U8(4), src, q)
					VPAND(low, q, q)
				}
				// bits 2k, 2k+1 of qh to bits 4, 5
				switch shift := 4 - 2*k; {
				case shift > 0:
					VPSLLW(U8(shift), qh, h)
					VPAND(two, h, h)
				case shift < 0:
					VPSRLW(U8(-shift), qh, h)
					VPAND(two, h, h)
				default:
					VPAND(two, qh, h)
				}
				VPOR(h, q, q)
				VPSUBB(c32, q, q) // q - 32, as int8
				var sv [2]VecVirtual
				for j := range sv { // sub-block 8n+2k+j: elements 16j..16j+15 of q
					sv[j] = lane(2*k+j, ds[n])[0]
				}
				widen32(q, true, func(g int, v VecVirtual) {
					VMULPS(v, sv[g/2], v) // ds·q
					VMOVUPS(v, y.Offset(4*(128*n+32*k+8*g)))
				})
			}
		}
	}, step{b.Base, 210}, step{y.Base, 1024})
}

// lane broadcasts lane s of each of vs to all eight of its lanes (VPERMPS, its indexes
// laneIndexes' vector s).
func lane(s int, vs ...VecVirtual) []VecVirtual {
	ix := YMM()
	VMOVDQU(laneIndexes().Offset(32*s), ix)
	out := make([]VecVirtual, len(vs))
	for i, v := range vs {
		out[i] = YMM()
		VPERMPS(v, ix, out[i])
	}
	return out
}

// laneIndexes is a table of eight vectors of eight int32, vector s all s: VPERMPS's
// indexes to broadcast lane s of a register.
func laneIndexes() Mem {
	var idx []Constant
	for s := 0; s < 8; s++ {
		for range 8 {
			idx = append(idx, U32(s))
		}
	}
	return data("laneidx", idx...)
}
