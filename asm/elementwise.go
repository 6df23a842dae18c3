package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// A streaming kernel converts (or adds) one contiguous run into another, step elements at a
// time: each step reads step*in bytes at src and writes step*out bytes at dst. The loop
// does four steps an iteration (one if a step reads 128 bytes), then single steps; the caller finishes the last
// len(src) % step elements in Go.
type streaming struct {
	name, sig, doc string
	in, out, step  int
	// body converts the step at src and returns the register holding it, which is stored
	// at dst; a body that stores itself (the adds) returns nil.
	body func(dst, src Mem) Op
	// nt: the stores are non-temporal (VMOVNTPS, then SFENCE), for outputs far larger than
	// the caches: they skip reading each destination line before writing it, as the
	// runtime's memmove does for large copies. dst must be aligned to the store's width.
	nt bool
	// setup, if set, runs once before the loop (constants into registers for body).
	setup func()
}

// store writes the step held in r to dst.
func (k streaming) store(r Op, dst Mem) {
	switch {
	case r == nil:
	case k.nt:
		VMOVNTPS(r, dst)
	default:
		VMOVUPS(r, dst)
	}
}

func (k streaming) generate() {
	TEXT(k.name, NOSPLIT, k.sig)
	Pragma("noescape")
	Doc(k.doc)
	dst := Mem{Base: Load(Param("dst").Base(), GP64())}
	src := Mem{Base: Load(Param("src").Base(), GP64())}
	n := Load(Param("src").Len(), GP64())
	if k.setup != nil {
		k.setup()
	}
	unroll := 4
	if k.step*k.in >= 128 {
		unroll = 1 // a step of 128 bytes is already a long body
	}
	if unroll > 1 {
		Label(k.name + "_block")
		CMPQ(n, U32(unroll*k.step))
		JL(LabelRef(k.name + "_loop"))
		for u := 0; u < unroll; u++ {
			k.store(k.body(dst.Offset(u*k.step*k.out), src.Offset(u*k.step*k.in)), dst.Offset(u*k.step*k.out))
		}
		ADDQ(U32(unroll*k.step*k.in), src.Base)
		ADDQ(U32(unroll*k.step*k.out), dst.Base)
		SUBQ(U32(unroll*k.step), n)
		JMP(LabelRef(k.name + "_block"))
	}
	Label(k.name + "_loop")
	CMPQ(n, U32(k.step))
	JL(LabelRef(k.name + "_done"))
	k.store(k.body(dst, src), dst)
	ADDQ(U32(k.step*k.in), src.Base)
	ADDQ(U32(k.step*k.out), dst.Base)
	SUBQ(U32(k.step), n)
	JMP(LabelRef(k.name + "_loop"))
	Label(k.name + "_done")
	if k.nt {
		SFENCE() // the non-temporal stores are seen before anything after the call
	}
	VZEROUPPER()
	RET()
}

// conversions are Convert's kernels for contiguous runs. Each instruction is the one Go's
// conversion compiles to on amd64, eight (or four) lanes wide, so the bits are Go's:
// VCVTPD2PS and VCVTPS2PD round (to nearest even) and quiet NaNs as CVTSD2SS and CVTSS2SD
// do; VCVTDQ2PS rounds as CVTSL2SS; int8 and uint8 widen exactly (VPMOVSXBD, VPMOVZXBD)
// before it; a BFloat16 is the top half of its float32 (VPMOVZXWD, then a shift).
func conversions() {
	doc := func(name, from, to string) string {
		return name + " sets dst[i] = " + to + "(src[i]) for i < len(src) rounded down to its step; len(dst) >= len(src). It needs AVX2."
	}
	kernels := []streaming{
		{"cvtF64F32AVX2", "func(dst []float32, src []float64)", doc("cvtF64F32AVX2", "float64", "float32"), 8, 4, 4,
			func(dst, src Mem) Op {
				x := XMM()
				VCVTPD2PSY(src, x)
				return x
			}, false, nil},
		{"cvtF32F64AVX2", "func(dst []float64, src []float32)", doc("cvtF32F64AVX2", "float32", "float64"), 4, 8, 4,
			func(dst, src Mem) Op {
				y := YMM()
				VCVTPS2PD(src, y)
				return y
			}, false, nil},
		{"cvtI32F32AVX2", "func(dst []float32, src []int32)", doc("cvtI32F32AVX2", "int32", "float32"), 4, 4, 8,
			func(dst, src Mem) Op {
				y := YMM()
				VCVTDQ2PS(src, y)
				return y
			}, false, nil},
		{"cvtI8F32AVX2", "func(dst []float32, src []int8)", doc("cvtI8F32AVX2", "int8", "float32"), 1, 4, 8,
			func(dst, src Mem) Op {
				y := YMM()
				VPMOVSXBD(src, y)
				VCVTDQ2PS(y, y)
				return y
			}, false, nil},
		{"cvtU8F32AVX2", "func(dst []float32, src []uint8)", doc("cvtU8F32AVX2", "uint8", "float32"), 1, 4, 8,
			func(dst, src Mem) Op {
				y := YMM()
				VPMOVZXBD(src, y)
				VCVTDQ2PS(y, y)
				return y
			}, false, nil},
		{"cvtBF16F32AVX2", "func(dst []float32, src []uint16)", "cvtBF16F32AVX2 sets dst[i] to the float32 whose top half is the BFloat16 bits src[i] (BFloat16.Float32, exact, NaNs too) for i < len(src) rounded down to 8; len(dst) >= len(src). It needs AVX2.", 2, 4, 8,
			func(dst, src Mem) Op {
				y := YMM()
				VPMOVZXWD(src, y)
				VPSLLD(Imm(16), y, y)
				return y
			}, false, nil},
	}
	for _, k := range kernels {
		k.generate()
		k.name += "NT"
		k.doc = k.name + " is " + k.name[:len(k.name)-2] + " with non-temporal stores: dst must be aligned to 32 bytes (16 for float32 from float64)."
		k.nt = true
		k.generate()
	}
}

// rowAdds are the sums' row adds, dst[i] += src[i] (the sums along a kept axis, and the
// pairwise levels of their rows). VADDPD's first source is dst, as in Go's dst[i] + src[i],
// so that when both are NaN the result is dst's NaN, as ADDSD gives it.
func rowAdds() {
	for _, f64 := range []bool{true, false} {
		name, typ, step := "addF32AVX2", "float32", 8
		if f64 {
			name, typ, step = "addF64AVX2", "float64", 4
		}
		size := 32 / step
		streaming{name, "func(dst, src []" + typ + ")",
			name + " sets dst[i] += src[i] for i < len(src) rounded down to its step (" + typ + "); len(dst) >= len(src). It needs AVX2.",
			size, size, step,
			func(dst, src Mem) Op {
				y := YMM()
				if f64 {
					VMOVUPD(dst, y)
					VADDPD(src, y, y)
					VMOVUPD(y, dst)
				} else {
					VMOVUPS(dst, y)
					VADDPS(src, y, y)
					VMOVUPS(y, dst)
				}
				return nil
			}, false, nil}.generate()
	}
}

// rowAdds4 are the four-row adds of sums along an outer axis: dst[i] = (((dst[i] + a[i]) +
// b[i]) + c[i]) + d[i], the four adds addF64AVX2 would make one row after another (the same
// order, so the same bits, dst the left operand each time), or with first ((a[i] + b[i]) +
// c[i]) + d[i], which is a's copy and then three adds. The four rows are read side by side,
// four streams (see extremeQuad in main.go), and dst is loaded and stored once for four
// rows: 2048 rows of 2048 float64 added into one, a hand-written draft 1.47-1.53 → 0.88-0.92
// ms (AMD EPYC family 25 model 1).
func rowAdds4() {
	for _, f64 := range []bool{true, false} {
		name, typ := "addRows4F32AVX2", "float32"
		if f64 {
			name, typ = "addRows4F64AVX2", "float64"
		}
		TEXT(name, NOSPLIT, "func(dst, a, b, c, d []"+typ+", first bool)")
		Pragma("noescape")
		Doc(name + " sets dst[i] to (((dst[i] + a[i]) + b[i]) + c[i]) + d[i], or with first to ((a[i] + b[i]) + c[i]) + d[i], for i < len(dst)&^7; a, b, c and d at least as long as dst. It needs AVX2.")
		dst := Mem{Base: Load(Param("dst").Base(), GP64()), Scale: 1}
		n := Load(Param("dst").Len(), GP64())
		rows := runBases("a", "b", "c", "d")
		f := floats{f64}
		first := Load(Param("first"), GP8())
		ANDQ(I8(-8), n)
		SHLQ(U8(map[bool]uint8{true: 3, false: 2}[f64]), n) // bytes
		i := GP64()
		XORQ(i, i)
		dst.Index = i
		for k := range rows {
			rows[k].Index = i
		}
		regs := 1 // eight elements a step
		if f64 {
			regs = 2
		}
		step := func(label string, isFirst bool) {
			Label(label)
			CMPQ(i, n)
			JAE(LabelRef(name + "_done"))
			var x [2]VecVirtual
			for r := 0; r < regs; r++ {
				x[r] = YMM()
				src := dst
				if isFirst {
					src = rows[0]
				}
				f.load(src.Offset(32*r), x[r])
			}
			from := 0
			if isFirst {
				from = 1
			}
			for k := from; k < 4; k++ {
				for r := 0; r < regs; r++ {
					f.add(rows[k].Offset(32*r), x[r])
				}
			}
			for r := 0; r < regs; r++ {
				f.store(x[r], dst.Offset(32*r))
			}
			ADDQ(U8(32*regs), i)
			JMP(LabelRef(label))
		}
		TESTB(first, first)
		JNZ(LabelRef(name + "_first"))
		step(name+"_add", false)
		step(name+"_first", true)
		Label(name + "_done")
		VZEROUPPER()
		RET()
	}
}

// fills are Fill's kernels: the 32 bytes at pat (the element repeated) stored over dst, 128
// bytes an iteration, then 32; the caller writes the last len(dst) % 32 bytes. With nt the
// stores are non-temporal (dst 32-byte aligned), for fills far larger than the caches.
func fills() {
	for _, nt := range []bool{false, true} {
		name := "fillAVX2"
		doc := "fillAVX2 stores the 32 bytes at pat over dst[:len(dst)&^31], one after another. It needs AVX2."
		if nt {
			name = "fillAVX2NT"
			doc = "fillAVX2NT is fillAVX2 with non-temporal stores: dst must be 32-byte aligned."
		}
		TEXT(name, NOSPLIT, "func(dst []byte, pat *[32]byte)")
		Pragma("noescape")
		Doc(doc)
		dst := Mem{Base: Load(Param("dst").Base(), GP64())}
		n := Load(Param("dst").Len(), GP64())
		p := Load(Param("pat"), GP64())
		y := YMM()
		VMOVDQU(Mem{Base: p}, y)
		store := func(m Mem) {
			if nt {
				VMOVNTDQ(y, m)
			} else {
				VMOVDQU(y, m)
			}
		}
		Label(name + "_block")
		CMPQ(n, U32(128))
		JL(LabelRef(name + "_loop"))
		for k := 0; k < 4; k++ {
			store(dst.Offset(32 * k))
		}
		ADDQ(U32(128), dst.Base)
		SUBQ(U32(128), n)
		JMP(LabelRef(name + "_block"))
		Label(name + "_loop")
		CMPQ(n, U8(32))
		JL(LabelRef(name + "_done"))
		store(dst)
		ADDQ(U8(32), dst.Base)
		SUBQ(U8(32), n)
		JMP(LabelRef(name + "_loop"))
		Label(name + "_done")
		if nt {
			SFENCE()
		}
		VZEROUPPER()
		RET()
	}
}

// equalFloats is equalF64AVX2 (and equalF32AVX2): the length of the longest prefix of whole
// 128-byte blocks of a and b whose elements compare equal as floats (VCMPPD equal,
// ordered: NaN equals nothing, -0 equals +0), that is, where the first block with a
// difference starts; the caller looks at that block and the rest.
func equalFloats(f64 bool) {
	name, typ := "equalF32AVX2", "float32"
	if f64 {
		name, typ = "equalF64AVX2", "float64"
	}
	TEXT(name, NOSPLIT, "func(a, b []"+typ+") int")
	Pragma("noescape")
	Doc(name + " returns the start of the first block of four registers of a and b (len(b) >= len(a)) holding elements that are not equal as floats, or len(a) rounded down to the block if none does. It needs AVX2.")
	pa := Load(Param("a").Base(), GP64())
	pb := Load(Param("b").Base(), GP64())
	n := Load(Param("a").Len(), GP64())
	scanBlocks(name, f64, n, true, func(k int, at func(base Register, k int) Mem, c VecVirtual) {
		VMOVUPS(at(pa, k), c)
		if f64 {
			VCMPPD(Imm(0), at(pb, k), c, c) // equal, ordered, quiet
		} else {
			VCMPPS(Imm(0), at(pb, k), c, c)
		}
	})
}

// transposes are the transposed copies' kernels (ndview's copyMicroTiles): a rows×cols
// block whose source is contiguous along r and destination along c, rows and cols
// multiples of the tile (8 for 4-byte elements, 4 for 8-byte ones). Tile by tile (c outer,
// r inner, as the Go kernel walks them) its source rows are loaded, transposed in
// registers (unpack, shuffle, swap halves) and stored as the destination's rows: bit copies.
func transposes() {
	for _, wide := range []bool{false, true} {
		name, tile := "transpose32AVX2", 8
		if wide {
			name, tile = "transpose64AVX2", 4
		}
		TEXT(name, NOSPLIT, "func(dst, src *byte, rows, cols, dr, sc int)")
		Pragma("noescape")
		Doc(name + " copies the rows×cols block at src, element (r, c) at byte c·sc + r·size, to dst, element (r, c) at byte r·dr + c·size, rows and cols multiples of its tile. It needs AVX2.")
		dst := Load(Param("dst"), GP64())
		src := Load(Param("src"), GP64())
		rows := Load(Param("rows"), GP64())
		cols := Load(Param("cols"), GP64())
		dr := Load(Param("dr"), GP64())
		sc := Load(Param("sc"), GP64())
		size := 4
		if wide {
			size = 8
		}
		c, r := GP64(), GP64()
		sp, dp := GP64(), GP64()
		XORQ(c, c)
		Label(name + "_cols")
		CMPQ(c, cols)
		JAE(LabelRef(name + "_done"))
		XORQ(r, r)
		Label(name + "_rows")
		CMPQ(r, rows)
		JAE(LabelRef(name + "_nextcol"))
		// sp = src + c·sc + r·size; dp = dst + r·dr + c·size
		MOVQ(c, sp)
		IMULQ(sc, sp)
		LEAQ(Mem{Base: sp, Index: r, Scale: uint8(size)}, sp)
		ADDQ(src, sp)
		MOVQ(r, dp)
		IMULQ(dr, dp)
		LEAQ(Mem{Base: dp, Index: c, Scale: uint8(size)}, dp)
		ADDQ(dst, dp)
		rowsIn := make([]VecVirtual, tile)
		p := GP64()
		MOVQ(sp, p)
		for k := range rowsIn {
			rowsIn[k] = YMM()
			VMOVUPS(Mem{Base: p}, rowsIn[k])
			if k < tile-1 {
				ADDQ(sc, p)
			}
		}
		var out []VecVirtual
		if wide {
			out = transpose4x4(rowsIn)
		} else {
			out = transpose8x8(rowsIn)
		}
		MOVQ(dp, p)
		for k := range out {
			VMOVUPS(out[k], Mem{Base: p})
			if k < tile-1 {
				ADDQ(dr, p)
			}
		}
		ADDQ(U8(tile), r)
		JMP(LabelRef(name + "_rows"))
		Label(name + "_nextcol")
		ADDQ(U8(tile), c)
		JMP(LabelRef(name + "_cols"))
		Label(name + "_done")
		VZEROUPPER()
		RET()
	}
}

// transpose8x8 returns the columns of the 8×8 float32 matrix whose rows are a.
func transpose8x8(a []VecVirtual) []VecVirtual {
	t := make([]VecVirtual, 8)
	for k := 0; k < 8; k += 2 {
		t[k], t[k+1] = YMM(), YMM()
		VUNPCKLPS(a[k+1], a[k], t[k])   // a[k]0 a[k+1]0 a[k]1 a[k+1]1 | ...4, 5
		VUNPCKHPS(a[k+1], a[k], t[k+1]) // a[k]2 a[k+1]2 a[k]3 a[k+1]3 | ...6, 7
	}
	u := make([]VecVirtual, 8)
	for _, g := range []int{0, 4} { // rows 0-3, rows 4-7
		for h := 0; h < 2; h++ {
			lo, hi := YMM(), YMM()
			VSHUFPS(U8(0x44), t[g+2+h], t[g+h], lo) // column 2h (and 2h+4) of the four rows
			VSHUFPS(U8(0xee), t[g+2+h], t[g+h], hi) // column 2h+1 (and 2h+5)
			u[g+2*h], u[g+2*h+1] = lo, hi
		}
	}
	out := make([]VecVirtual, 8)
	for k := 0; k < 4; k++ {
		out[k], out[k+4] = YMM(), YMM()
		VPERM2F128(U8(0x20), u[4+k], u[k], out[k])   // column k: rows 0-3, then 4-7
		VPERM2F128(U8(0x31), u[4+k], u[k], out[k+4]) // column k+4
	}
	return out
}

// transpose4x4 returns the columns of the 4×4 float64 matrix whose rows are a.
func transpose4x4(a []VecVirtual) []VecVirtual {
	t0, t1, t2, t3 := YMM(), YMM(), YMM(), YMM()
	VUNPCKLPD(a[1], a[0], t0) // a00 a10 | a02 a12
	VUNPCKHPD(a[1], a[0], t1) // a01 a11 | a03 a13
	VUNPCKLPD(a[3], a[2], t2) // a20 a30 | a22 a32
	VUNPCKHPD(a[3], a[2], t3) // a21 a31 | a23 a33
	out := []VecVirtual{YMM(), YMM(), YMM(), YMM()}
	VPERM2F128(U8(0x20), t2, t0, out[0])
	VPERM2F128(U8(0x20), t3, t1, out[1])
	VPERM2F128(U8(0x31), t2, t0, out[2])
	VPERM2F128(U8(0x31), t3, t1, out[3])
	return out
}

// narrowings are Convert's kernels from float32 to BFloat16 and to Float16, sixteen
// elements a step, each with its non-temporal twin. BFloat16: rounding to nearest even is
// (b + 0x7fff + (b>>16 & 1)) >> 16 on the bits, a NaN b>>16 | 0x40 (ToBFloat16's rule).
// Float16: F16C's VCVTPS2PH rounds to nearest even, overflows to ±Inf and rounds into the
// subnormals as ToFloat16 does; it quiets a NaN, where ToFloat16 keeps sign | 0x7c00 | the
// top ten payload bits (1 if they are all zero), so the NaN lanes are rebuilt and blended
// in. Two registers of 32-bit results are packed to sixteen 16-bit ones (VPACKUSDW works
// within 128-bit halves; VPERMQ puts the quarters back in order).
func narrowings() {
	c := narrowConstants{
		one:   constant("one32", 1),
		c7fff: constant("c7fff", 0x7fff),
		c40:   constant("c0040", 0x40),
		sign:  constant("f16sign", 0x8000),
		frac:  constant("f16frac", 0x3ff),
		inf:   constant("f16inf", 0x7c00),
	}
	var r narrowRegs
	for _, nt := range []bool{false, true} {
		k := streaming{"cvtF32BF16AVX2", "func(dst []uint16, src []float32)",
			"cvtF32BF16AVX2 sets dst[i] = ToBFloat16(src[i]) for i < len(src) rounded down to 16; len(dst) >= len(src). It needs AVX2.",
			4, 2, 16, func(dst, src Mem) Op { return narrowBF16(loadF32(src), &r) }, nt,
			func() { r = c.load(false) }}
		f := streaming{"cvtF32F16AVX2", "func(dst []uint16, src []float32)",
			"cvtF32F16AVX2 sets dst[i] = ToFloat16(src[i]) for i < len(src) rounded down to 16; len(dst) >= len(src). It needs AVX2 and F16C.",
			4, 2, 16, func(dst, src Mem) Op { return narrowF16(loadF32(src), nil, &r) }, nt,
			func() { r = c.load(true) }}
		k64 := streaming{"cvtF64BF16AVX2", "func(dst []uint16, src []float64)",
			"cvtF64BF16AVX2 sets dst[i] = BFloat16FromFloat64(src[i]) for i < len(src) rounded down to 16; len(dst) >= len(src). It needs AVX2.",
			8, 2, 16, func(dst, src Mem) Op { return narrowBF16(roundOdd(src, true, &r, nil), &r) }, nt,
			func() { r = c.load(false); r.zero = YMM(); VPXOR(r.zero, r.zero, r.zero) }}
		f64 := streaming{"cvtF64F16AVX2", "func(dst []uint16, src []float64)",
			"cvtF64F16AVX2 sets dst[i] = Float16FromFloat64(src[i]) for i < len(src) rounded down to 16; len(dst) >= len(src). It needs AVX2 and F16C.",
			8, 2, 16, func(dst, src Mem) Op {
				var sig [2]VecVirtual
				xs := roundOdd(src, false, &r, &sig)
				return narrowF16(xs, &sig, &r)
			}, nt,
			func() {
				r = c.load(true)
				r.zero, r.quiet = YMM(), YMM()
				VPXOR(r.zero, r.zero, r.zero)
				VPBROADCASTD(constant("f16quiet", 0x200), r.quiet)
			}}
		for _, s := range []streaming{k, f, k64, f64} {
			if nt {
				s.name += "NT"
				s.doc = s.name + " is " + s.name[:len(s.name)-2] + " with non-temporal stores: dst must be aligned to 32 bytes."
			}
			s.generate()
		}
	}
}

// widenings64 widen Float16 and BFloat16 straight to float64, eight at a time: to float32
// first (VCVTPH2PS; for BFloat16 the bits shifted up), exact but for F16C quieting a
// signalling NaN, then VCVTPS2PD, exact but for quieting one again. Float16.Float64 and
// BFloat16.Float64 keep a NaN's bits (sign, 0x7ff, the payload at the top of the fraction),
// so where the narrow NaN was signalling (its payload's top bit clear) the float64's bit 51
// is cleared again: the 32-bit mask of those lanes, sign-extended to 64 bits (VPMOVSXDQ), and
// that bit, xor-ed in.
func widenings64() {
	for _, nt := range []bool{false, true} {
		for _, bf16 := range []bool{false, true} {
			zero := YMM()
			name, from := "cvtF16F64AVX2", "Float16"
			if bf16 {
				name, from = "cvtBF16F64AVX2", "BFloat16"
			}
			doc := name + " sets dst[i] to " + from + "(src[i]).Float64() (exact, NaN bits kept) for i < len(src) rounded down to 8; len(dst) >= len(src). It needs AVX2"
			if !bf16 {
				doc += " and F16C"
			}
			doc += "."
			if nt {
				doc = name + "NT is " + name + " with non-temporal stores: dst must be aligned to 32 bytes."
				name += "NT"
			}
			k := streaming{name, "func(dst []float64, src []uint16)", doc, 2, 8, 8,
				func(dst, src Mem) Op {
					f, nan, q := YMM(), YMM(), YMM()
					if bf16 {
						VPMOVZXWD(src, f)
						VPSLLD(U8(16), f, f) // exact: a NaN keeps its bits
						VCMPPS(U8(3), f, f, nan)
						VPAND(oct("f32quiet", 0x400000), f, q)
					} else {
						h, a := YMM(), YMM()
						VCVTPH2PS(src, f) // NaNs quieted
						VPMOVZXWD(src, h)
						VPAND(oct("f16abs16", 0x7fff), h, a)
						VPCMPGTD(oct("f16inf16", 0x7c00), a, nan) // |h| > 0x7c00
						VPAND(oct("f16quiet16", 0x200), h, q)
					}
					VPCMPEQD(zero, q, q)
					VPAND(nan, q, q) // the signalling NaNs
					hi, qhi := XMM(), XMM()
					VEXTRACTF128(U8(1), f, hi)
					VEXTRACTI128(U8(1), q, qhi)
					for i, part := range [][2]Op{{f.AsX(), q.AsX()}, {hi, qhi}} {
						d, m := YMM(), YMM()
						VCVTPS2PD(part[0], d)
						VPMOVSXDQ(part[1], m)
						VPAND(quad("f64quiet", 1<<51), m, m)
						VPXOR(m, d, d)
						if nt {
							VMOVNTPD(d, dst.Offset(32*i))
						} else {
							VMOVUPD(d, dst.Offset(32*i))
						}
					}
					return nil
				}, nt, func() { VPXOR(zero, zero, zero) }}
			k.generate()
		}
	}
}

// quad is a 32-byte vector of four copies of the 64-bit v, named name in the data section.
func quad(name string, v uint64) Mem { return data(name, U64(v), U64(v), U64(v), U64(v)) }

// oct is a 32-byte vector of eight copies of the 32-bit v, named name in the data section.
func oct(name string, v uint32) Mem {
	return data(name, U32(v), U32(v), U32(v), U32(v), U32(v), U32(v), U32(v), U32(v))
}

// roundOdd loads the sixteen float64 at src and rounds each to float32 so that rounding that
// float32 once more, to Float16 or BFloat16, gives the float64's value rounded once: float64
// bits below float32's last kept bit are dropped and, if any was set, that last bit is set
// ("round to odd": the rounding then sees an inexact value as inexact, never as a tie), which
// leaves 24 significant bits, exact in float32 from 2^-126 up (and past float32's range,
// VCVTPD2PS's infinity is right for both). Below 2^-126 only BFloat16 has values (float32's
// subnormals, where that rounding would round twice); there, bf16, the float64 is rounded
// straight to BFloat16's grid of 2^-133 by adding and subtracting 2^-81, whose float64 sum
// has that grid as its last bit. NaNs keep their payload's top bits, quieted by VCVTPD2PS;
// for Float16 (signalling not nil) signalling[k] says which were signalling (bit 51 clear),
// for narrowF16 to give it back: all ones or zero per 64-bit lane, which VCVTPD2PS turns
// into all ones (a NaN with every payload bit) or zero per 32-bit lane.
func roundOdd(src Mem, bf16 bool, c *narrowRegs, signalling *[2]VecVirtual) [2]VecVirtual {
	low, last := quad("f64low29", 1<<29-1), quad("f64bit29", 1<<29)
	var ys [2]VecVirtual
	for k := range ys {
		var half [2]VecVirtual
		var sig [2]VecVirtual
		for h := range half {
			x, lo, t := YMM(), YMM(), YMM()
			VMOVUPD(src.Offset(64*k+32*h), x)
			VPAND(low, x, lo)
			VPXOR(lo, x, t)          // the bits float32 keeps
			VPCMPEQQ(c.zero, lo, lo) // exact?
			VPANDN(last, lo, lo)     // if not, float32's last bit
			VPOR(lo, t, t)           // rounded to odd
			if bf16 {
				a, small, u := YMM(), YMM(), YMM()
				VANDPD(quad("f64abs", 1<<63-1), x, a)
				VCMPPD(U8(0x11), quad("f64min32", 0x3810000000000000), a, small) // |x| < 2^-126, ordered
				VADDPD(quad("f64grid133", 0x3ae0000000000000), a, u)             // |x| + 2^-81: rounded to 2^-133
				VSUBPD(quad("f64grid133", 0x3ae0000000000000), u, u)
				VXORPD(x, a, a) // the sign
				VORPD(a, u, u)
				VBLENDVPD(small, u, t, t)
			}
			if signalling != nil {
				q := YMM()
				VPAND(quad("f64quiet", 1<<51), x, q)
				VPCMPEQQ(c.zero, q, q)
				sig[h] = XMM()
				VCVTPD2PSY(q, sig[h])
			}
			half[h] = XMM()
			VCVTPD2PSY(t, half[h])
		}
		ys[k] = YMM()
		VINSERTF128(U8(1), half[1], half[0].AsY(), ys[k])
		if signalling != nil {
			signalling[k] = YMM()
			VINSERTF128(U8(1), sig[1], sig[0].AsY(), signalling[k])
		}
	}
	return ys
}

// narrowRegs holds the narrowing kernels' constants, broadcast once before the loop.
type narrowRegs struct{ one, c7fff, c40, sign, frac, inf, quiet, zero VecVirtual }

// load broadcasts the constants a kernel needs (f16: Float16's, else BFloat16's).
func (c narrowConstants) load(f16 bool) narrowRegs {
	r := narrowRegs{one: YMM()}
	VPBROADCASTD(c.one, r.one)
	if f16 {
		r.sign, r.frac, r.inf = YMM(), YMM(), YMM()
		VPBROADCASTD(c.sign, r.sign)
		VPBROADCASTD(c.frac, r.frac)
		VPBROADCASTD(c.inf, r.inf)
	} else {
		r.c7fff, r.c40 = YMM(), YMM()
		VPBROADCASTD(c.c7fff, r.c7fff)
		VPBROADCASTD(c.c40, r.c40)
	}
	return r
}

// narrowConstants are the 32-bit masks the narrowing kernels broadcast from.
type narrowConstants struct{ one, c7fff, c40, sign, frac, inf Mem }

// pack16 packs the 32-bit lanes of a and b, each below 2^16 (or -1/0 masks, with signed),
// into sixteen 16-bit lanes in order: a's eight, then b's.
func pack16(a, b VecVirtual, signed bool) VecVirtual {
	p := YMM()
	if signed {
		VPACKSSDW(b, a, p)
	} else {
		VPACKUSDW(b, a, p)
	}
	VPERMQ(U8(0xd8), p, p) // quarters 0, 2, 1, 3
	return p
}

// loadF32 loads the two registers of eight float32 at src that the narrowings round.
func loadF32(src Mem) [2]VecVirtual {
	var x [2]VecVirtual
	for k := range x {
		x[k] = YMM()
		VMOVUPS(src.Offset(32*k), x[k])
	}
	return x
}

// narrowBF16 rounds the sixteen float32 in xs to BFloat16, as ToBFloat16.
func narrowBF16(xs [2]VecVirtual, c *narrowRegs) VecVirtual {
	one, c7fff, c40 := c.one, c.c7fff, c.c40
	var res [2]VecVirtual
	for k := range res {
		x, t, r, nan := xs[k], YMM(), YMM(), YMM()
		VPSRLD(U8(16), x, t) // b >> 16
		VPAND(one, t, r)     // its lowest bit
		VPADDD(c7fff, r, r)
		VPADDD(x, r, r)
		VPSRLD(U8(16), r, r) // rounded to nearest even
		VPOR(c40, t, t)      // the NaN: b>>16 | 0x40
		VCMPPS(U8(3), x, x, nan)
		VBLENDVPS(nan, t, r, r)
		res[k] = r
	}
	return pack16(res[0], res[1], false)
}

// narrowF16 rounds the sixteen float32 in xs to Float16, as ToFloat16. With signalling (from
// float64), the NaN lanes take bit 9 of their payload from those masks (all ones where the
// float64 NaN was signalling: its float32 has been quieted) rather than from xs.
func narrowF16(xs [2]VecVirtual, signalling *[2]VecVirtual, c *narrowRegs) VecVirtual {
	one, sign, frac, inf := c.one, c.sign, c.frac, c.inf
	var h [2]VecVirtual
	var nv, nan [2]VecVirtual
	for k := range h {
		x := xs[k]
		h[k] = YMM()
		VCVTPS2PH(U8(0), x, h[k].AsX()) // rounded to nearest even; NaNs quieted
		s, p, z := YMM(), YMM(), YMM()
		VPSRLD(U8(16), x, s)
		VPAND(sign, s, s) // the sign, at bit 15
		VPSRLD(U8(13), x, p)
		VPAND(frac, p, p) // the top ten payload bits
		if signalling != nil {
			q := YMM()
			VPAND(c.quiet, signalling[k], q)
			VPANDN(p, q, p) // bit 9 cleared where the float64 NaN was signalling
		}
		VPXOR(z, z, z)
		VPCMPEQD(z, p, z) // all zero?
		VPAND(one, z, z)
		VPOR(z, p, p) // then 1: the NaN stays a NaN
		VPOR(s, p, p)
		VPOR(inf, p, p)
		nv[k] = p
		nan[k] = YMM()
		VCMPPS(U8(3), x, x, nan[k])
	}
	v := YMM()
	VINSERTI128(U8(1), h[1].AsX(), h[0], v) // the sixteen conversions, in order
	VPBLENDVB(pack16(nan[0], nan[1], true), pack16(nv[0], nv[1], false), v, v)
	return v
}
