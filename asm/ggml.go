package main

import (
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
	Label("q8_0_loop")
	TESTQ(n, n)
	JZ(LabelRef("q8_0_done"))
	f16Scale(src, d)
	for k := 0; k < 4; k++ {
		y := YMM()
		VPMOVSXBD(src.Offset(2+8*k), y)
		VCVTDQ2PS(y, y)
		VMULPS(d, y, y) // q·d: the NaN of a NaN scale either way
		VMOVUPS(y, dst.Offset(32*k))
	}
	ADDQ(U8(34), src.Base)
	ADDQ(U32(128), dst.Base)
	DECQ(n)
	JMP(LabelRef("q8_0_loop"))
	Label("q8_0_done")
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
	Label(name + "_loop")
	TESTQ(n, n)
	JZ(LabelRef(name + "_done"))
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
	for k, half := range []VecVirtual{lo, lo, hi, hi} {
		src8 := half
		if k%2 == 1 {
			t := XMM()
			VPSRLDQ(U8(8), half, t)
			src8 = t
		}
		y := YMM()
		VPMOVSXBD(src8, y)
		VCVTDQ2PS(y, y)
		VMULPS(d, y, y)
		VMOVUPS(y, dst.Offset(32*k))
	}
	ADDQ(U8(block), src.Base)
	ADDQ(U32(128), dst.Base)
	DECQ(n)
	JMP(LabelRef(name + "_loop"))
	Label(name + "_done")
	VZEROUPPER()
	RET()
}

// constant8 is a read-only byte in the data section, made on first use.
func constant8(name string, v uint8) Mem {
	if m, ok := constants[name]; ok {
		return m
	}
	m := GLOBL(name, RODATA|NOPTR)
	DATA(0, U8(v))
	constants[name] = m
	return m
}
