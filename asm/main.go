// Command asm writes ndview's vector kernels in Go assembly, with avo
// (github.com/mmcloughlin/avo): the generated .s files and their Go declarations live in
// the package that uses them, and `go generate` in that package runs this program. It is
// a module of its own so that ndview's users never depend on avo.
//
// Each kernel here has a pure-Go kernel in ndview that is its definition: the vector
// kernel gives the same bits for every input, NaN payloads included, and ndview's tests
// check that (ndview/kernels_test.go).
//
//	go run . -out ../kernels_amd64.s -stubs ../kernels_stubs_amd64.go -pkg ndview
//	go run . -set ggml -out ../ggml/kernels_amd64.s -stubs ../ggml/kernels_stubs_amd64.go -pkg ggml
package main

import (
	"flag"
	"fmt"
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// set chooses the kernels: ndview's (the root package) or the ggml package's.
var set = flag.String("set", "ndview", "which kernels: ndview or ggml")

func main() {
	flag.Parse()
	ConstraintExpr("amd64,!noasm")
	if *set == "ggml" {
		ggmlKernels()
		Generate()
		return
	}
	c := f16Constants{
		abs:    constant("f16abs", 0x7fff),
		nanMin: constant("f16inf", 0x7c00),
		sign:   constant("f32sign", 0x80000000),
		frac:   constant("f16frac", 0x3ff),
		exp:    constant("f32exp", 0x7f800000),
	}
	widenF16("f16ToF32AVX2", false, c)
	widenF16("f16ToF32AVX2NT", true, c)
	hasF16C()
	cpuid()
	conversions()
	rowAdds()
	rowAdds4()
	fills()
	transposes()
	narrowings()
	widenings64()
	equalFloats(true)
	equalFloats(false)
	findEqual(true)
	findEqual(false)
	sumBlockF64()
	sumBlockF32()
	sumBlockQuad(true)
	sumBlockQuad(false)
	for _, max := range []bool{true, false} {
		extremeLanes(max, true)
		extremeLanes(max, false)
		extremeQuad(max, true)
		extremeQuad(max, false)
	}
	Generate()
}

// widenF16 is f16ToF32AVX2: Float16 bits to float32, eight at a time, with F16C's
// VCVTPH2PS. F16C quiets a signalling NaN (it sets the fraction's top bit), where ndview's
// Float16.Float32 keeps every NaN's bits; so the NaN lanes are rebuilt from their bits:
// sign<<16 | 0x7f800000 | fraction<<13, and blended in.
//
// With nt, the stores are non-temporal (VMOVNTPS, then SFENCE): for outputs far larger than
// the caches, they skip reading each destination line before writing it, as the runtime's
// memmove does for large copies; dst must then be 32-byte aligned.
func widenF16(name string, nt bool, c f16Constants) {
	TEXT(name, NOSPLIT, "func(dst []float32, src []uint16)")
	Pragma("noescape")
	if nt {
		Doc(name + " is f16ToF32AVX2 with non-temporal stores: dst must be 32-byte aligned.")
	} else {
		Doc(name + " sets dst[i] to the float32 value of the Float16 bits src[i], for i < len(src) rounded down to a multiple of 8; len(dst) >= len(src). It needs AVX2 and F16C.")
	}
	dst := Mem{Base: Load(Param("dst").Base(), GP64())}
	src := Mem{Base: Load(Param("src").Base(), GP64())}
	n := Load(Param("src").Len(), GP64())

	abs, nanMin, sign, frac, exp := YMM(), YMM(), YMM(), YMM(), YMM()
	VPBROADCASTD(c.abs, abs)
	VPBROADCASTD(c.nanMin, nanMin)
	VPBROADCASTD(c.sign, sign)
	VPBROADCASTD(c.frac, frac)
	VPBROADCASTD(c.exp, exp)

	// Blocks of 32: four independent conversions in flight per iteration.
	const unroll = 4
	Label("block")
	CMPQ(n, Imm(8*unroll))
	JL(LabelRef("loop"))
	for u := 0; u < unroll; u++ {
		convert8(dst.Offset(32*u), src.Offset(16*u), abs, nanMin, sign, frac, exp, nt)
	}
	ADDQ(Imm(16*unroll), src.Base)
	ADDQ(Imm(32*unroll), dst.Base)
	SUBQ(Imm(8*unroll), n)
	JMP(LabelRef("block"))

	Label("loop")
	CMPQ(n, Imm(8))
	JL(LabelRef("done"))
	convert8(dst, src, abs, nanMin, sign, frac, exp, nt)
	ADDQ(Imm(16), src.Base)
	ADDQ(Imm(32), dst.Base)
	SUBQ(Imm(8), n)
	JMP(LabelRef("loop"))

	Label("done")
	if nt {
		SFENCE() // the non-temporal stores are seen before anything after the call
	}
	VZEROUPPER()
	RET()
}

// sumBlockF64 is sumBlockF64AVX2: NumPy's pairwise sum of a block of up to 128 float64
// (pairwise_sum's inner case) over its first len rounded down to 8 elements: eight running
// sums r0..r7, lane k adding elements k, k+8, k+16, ..., in two YMM registers of four, then
// ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7)). Every addition is the scalar loop's, in its order,
// so the bits are the same; the caller adds the last len%8 elements.
func sumBlockF64() {
	TEXT("sumBlockF64AVX2", NOSPLIT, "func(a []float64) float64")
	Pragma("noescape")
	Doc("sumBlockF64AVX2 is the 8-lane pairwise sum of a[:len(a)&^7], len(a) >= 8, as pairwise computes it. It needs AVX2.")
	p := Mem{Base: Load(Param("a").Base(), GP64())}
	n := Load(Param("a").Len(), GP64())
	ANDQ(I8(-8), n)
	lo, hi := YMM(), YMM()
	VMOVUPD(p, lo)
	VMOVUPD(p.Offset(32), hi)
	ADDQ(Imm(64), p.Base)
	SUBQ(Imm(8), n)
	Label("loop")
	JZ(LabelRef("combine"))
	VADDPD(p, lo, lo)
	VADDPD(p.Offset(32), hi, hi)
	ADDQ(Imm(64), p.Base)
	SUBQ(Imm(8), n)
	JMP(LabelRef("loop"))
	Label("combine")
	x := combineBlock([]VecVirtual{lo, hi}, true)
	VZEROUPPER()
	Store(x, ReturnIndex(0))
	RET()
}

// sumBlockQuad is sumBlockQuadF64AVX2 (and its float32 form): sumBlockF64's block of up to
// 128 elements (any length from 8), for four runs of one length at once, so that sums of
// four rows, or of four chunks of one run, read four streams (see extremeQuad); each run's
// eight running sums start from its first eight elements and are combined as sumBlockF64
// combines them. (A kernel that summed a whole chunk's 64 blocks a call measured no faster:
// Sum of 4M float64 0.39-0.43× NumPy against 0.38-0.40× through this one.)
func sumBlockQuad(f64 bool) {
	name, typ, regs := "sumBlockQuadF32AVX2", "float32", 1
	if f64 {
		name, typ, regs = "sumBlockQuadF64AVX2", "float64", 2
	}
	TEXT(name, NOSPLIT, "func(a, b, c, d []"+typ+", sums *[4]"+typ+")")
	Pragma("noescape")
	Doc(name + " sets sums[k] to the 8-lane pairwise sum of the first len(a)&^7 elements of run k (a, b, c, d), as pairwise computes a block, len(a) >= 8; b, c and d at least as long as a. It needs AVX2.")
	p := runBases("a", "b", "c", "d")
	n := Load(Param("a").Len(), GP64())
	out := Mem{Base: Load(Param("sums"), GP64())}
	ANDQ(I8(-8), n)
	SHLQ(U8(map[bool]uint8{true: 3, false: 2}[f64]), n) // bytes
	f := floats{f64}
	i := GP64()
	XORQ(i, i)
	for k := range p {
		p[k].Index = i
	}
	var acc [4][]VecVirtual
	for k := range p {
		for r := range regs {
			acc[k] = append(acc[k], YMM())
			f.load(p[k].Offset(32*r), acc[k][r])
		}
	}
	ADDQ(U8(32*regs), i)
	Label(name + "_loop")
	CMPQ(i, n)
	JAE(LabelRef(name + "_combine"))
	for k := range p {
		for r := range regs {
			f.add(p[k].Offset(32*r), acc[k][r])
		}
	}
	ADDQ(U8(32*regs), i)
	JMP(LabelRef(name + "_loop"))
	Label(name + "_combine")
	for k := range p {
		x := combineBlock(acc[k], f64)
		if f64 {
			VMOVSD(x, out.Offset(8*k))
		} else {
			VMOVSS(x, out.Offset(4*k))
		}
	}
	VZEROUPPER()
	RET()
}

// sumBlockF32 is sumBlockF32AVX2: sumBlockF64's eight running sums for float32 (NumPy keeps
// eight whatever the type), in one YMM register.
func sumBlockF32() {
	TEXT("sumBlockF32AVX2", NOSPLIT, "func(a []float32) float32")
	Pragma("noescape")
	Doc("sumBlockF32AVX2 is the 8-lane pairwise sum of a[:len(a)&^7], len(a) >= 8, as pairwise computes it. It needs AVX2.")
	p := Mem{Base: Load(Param("a").Base(), GP64())}
	n := Load(Param("a").Len(), GP64())
	ANDQ(I8(-8), n)
	r := YMM()
	VMOVUPS(p, r)
	ADDQ(Imm(32), p.Base)
	SUBQ(Imm(8), n)
	Label("loop")
	JZ(LabelRef("combine"))
	VADDPS(p, r, r)
	ADDQ(Imm(32), p.Base)
	SUBQ(Imm(8), n)
	JMP(LabelRef("loop"))
	Label("combine")
	x := combineBlock([]VecVirtual{r}, false)
	VZEROUPPER()
	Store(x, ReturnIndex(0))
	RET()
}

// extremeLanes is maxLanesF64AVX2 (and its Min and float32 forms): eight running maxima of
// s[:len(s)&^7], lane k over elements k, k+8, k+16, ..., each step VMAXPD(x, m), which is
// x > m ? x : m, ndview's maxSlice's `if x > m { m = x }` (VMINPD likewise for minSlice's
// x < m). From 32 elements on, four YMM registers of running maxima take four loads an
// iteration, so that no chain of dependent VMAXPD limits the loop (their latency is 4
// cycles on some Intel cores), and are folded into the eight lanes at the end: each lane is
// the maximum of its elements, as maxSlice's is, but for the sign of a zero when +0 and -0
// tie, which Max settles afterwards (signZeros) as it does for its goroutines' parts. It
// stores the lanes and reports whether any element was NaN (VCMPPD unordered of two loads,
// or-ed); the caller combines the lanes in maxSlice's order, adds the tail, and looks for
// the first NaN when there is one.
func extremeLanes(max, f64 bool) {
	name, typ := "minLanes", "float32"
	if max {
		name = "maxLanes"
	}
	if f64 {
		name, typ = name+"F64AVX2", "float64"
	} else {
		name += "F32AVX2"
	}
	TEXT(name, NOSPLIT, "func(s []"+typ+", lanes *[8]"+typ+") bool")
	Pragma("noescape")
	Doc(name + " stores in lanes eight running extrema of s[:len(s)&^7] (len(s) >= 8): lane k the extreme of elements k, k+8, ..., a zero of either sign where +0 and -0 tie; and reports whether s[:len(s)&^7] holds a NaN. It needs AVX2.")
	p := Mem{Base: Load(Param("s").Base(), GP64())}
	n := Load(Param("s").Len(), GP64())
	out := Mem{Base: Load(Param("lanes"), GP64())}
	ANDQ(I8(-8), n)
	f := floats{f64}
	load, unord, or := f.load, f.unord, f.or
	ext := func(x, m VecVirtual) { f.ext(max, x, m) } // m = x > m ? x : m (or x < m)

	lanes := 1 // YMM registers of eight lanes
	if f64 {
		lanes = 2
	}
	m := []VecVirtual{YMM(), YMM(), YMM(), YMM()}
	nan, nan2 := YMM(), YMM()
	// Fewer than 32 elements: the eight lanes alone.
	CMPQ(n, U8(32/lanes)) // four registers' worth: 32 float32, 16 float64
	JL(LabelRef(name + "_short"))
	for k := range m {
		load(p.Offset(32*k), m[k])
	}
	unord(m[0], m[1], nan)
	unord(m[2], m[3], nan2)
	ADDQ(Imm(128), p.Base)
	SUBQ(U8(32/lanes), n)
	Label(name + "_loop4")
	CMPQ(n, U8(32/lanes))
	JL(LabelRef(name + "_fold"))
	x := []VecVirtual{YMM(), YMM(), YMM(), YMM()}
	for k := range x {
		load(p.Offset(32*k), x[k])
	}
	u, u2 := YMM(), YMM()
	unord(x[0], x[1], u)
	unord(x[2], x[3], u2)
	or(u, nan)
	or(u2, nan2)
	for k := range x {
		ext(x[k], m[k])
	}
	ADDQ(Imm(128), p.Base)
	SUBQ(U8(32/lanes), n)
	JMP(LabelRef(name + "_loop4"))
	Label(name + "_fold")
	// Fold the four registers into the eight lanes: m[0] (and m[1] for float64).
	or(nan2, nan)
	for k := lanes; k < 4; k++ {
		ext(m[k], m[k%lanes])
	}
	JMP(LabelRef(name + "_loop"))
	Label(name + "_short")
	for k := 0; k < lanes; k++ {
		load(p.Offset(32*k), m[k])
	}
	unord(m[0], m[lanes-1], nan)
	ADDQ(Imm(32*uint64(lanes)), p.Base)
	SUBQ(Imm(8), n)
	Label(name + "_loop")
	CMPQ(n, Imm(8))
	JL(LabelRef(name + "_store"))
	for k := 0; k < lanes; k++ {
		load(p.Offset(32*k), x[k])
	}
	unord(x[0], x[lanes-1], u)
	or(u, nan)
	for k := 0; k < lanes; k++ {
		ext(x[k], m[k])
	}
	ADDQ(Imm(32*uint64(lanes)), p.Base)
	SUBQ(Imm(8), n)
	JMP(LabelRef(name + "_loop"))
	Label(name + "_store")
	mask := GP32()
	for k := 0; k < lanes; k++ {
		if f64 {
			VMOVUPD(m[k], out.Offset(32*k))
		} else {
			VMOVUPS(m[k], out.Offset(32*k))
		}
	}
	if f64 {
		VMOVMSKPD(nan, mask)
	} else {
		VMOVMSKPS(nan, mask)
	}
	VZEROUPPER()
	TESTL(mask, mask)
	SETNE(mask.As8())
	Store(mask.As8(), ReturnIndex(0))
	RET()
}

// extremeQuad is maxQuadF64AVX2 (and its Min and float32 forms): extremeLanes over four
// runs of one length at once, a cache line of each an iteration. One sequential stream
// leaves the hardware prefetchers a single stream to run ahead of, and on 4 KiB pages it
// stops at every page; four streams keep four of them in flight: 4M float64 (32 MiB) Max
// 1.10-1.22 → 0.63-0.67 ms, 256 MiB 13.4 → 10.9 ms (AMD EPYC family 25 model 1, a
// hand-written draft of this loop against extremeLanes). Each run keeps its own eight lanes
// and its own NaN flag (bit k of the result for run k), so the caller folds each run as
// extremeLanes' caller does. The runs are s[:len(a)&^7] of a, b, c and d: b, c and d must
// be at least as long as a, and a at least a cache line (8 float64, 16 float32). After each
// of the first three quarters of the whole lines it also stores the lanes (snapshots), so
// that ArgMax can start its search in the quarter where the extreme first appeared
// (quadStart in kernels.go).
func extremeQuad(max, f64 bool) {
	name, typ := "minQuad", "float32"
	if max {
		name = "maxQuad"
	}
	size := 4
	if f64 {
		name, typ, size = name+"F64AVX2", "float64", 8
	} else {
		name += "F32AVX2"
	}
	TEXT(name, NOSPLIT, "func(a, b, c, d []"+typ+", lanes *[4][4][8]"+typ+") uint8")
	Pragma("noescape")
	Doc(name + " stores in lanes[3][k] eight running extrema of the first len(a)&^7 elements of run k (a, b, c, d; the others at least as long as a, a at least 64 bytes), and sets bit k of its result if those hold a NaN; lanes[s][k], s < 3, are eight running extrema of run k's first max(64, (s+1)q) bytes, q a quarter of its whole cache lines rounded down to a line. It needs AVX2.")
	p := runBases("a", "b", "c", "d")
	n := Load(Param("a").Len(), GP64())
	out := Mem{Base: Load(Param("lanes"), GP64())}
	ANDQ(I8(-8), n)
	SHLQ(U8(map[bool]uint8{true: 3, false: 2}[f64]), n) // bytes of each run
	i := GP64()
	XORQ(i, i)
	for k := range p {
		p[k].Index = i
	}
	f := floats{f64}
	load, unord, or := f.load, f.unord, f.or
	ext := func(x, m VecVirtual) { f.ext(max, x, m) }
	var m [4][2]VecVirtual
	var nan [4]VecVirtual
	for k := range p {
		m[k] = [2]VecVirtual{YMM(), YMM()}
		nan[k] = YMM()
		load(p[k], m[k][0])
		load(p[k].Offset(32), m[k][1])
		unord(m[k][0], m[k][1], nan[k])
	}
	ADDQ(U8(64), i)
	whole := GP64() // bytes of each run in whole cache lines
	MOVQ(n, whole)
	ANDQ(I8(-64), whole)
	// Three snapshots of the lanes, after each quarter of the whole lines (ArgMax then looks
	// for its element only in the quarter where the extreme first appeared).
	quarter, bound := GP64(), GP64()
	MOVQ(whole, quarter)
	SHRQ(U8(2), quarter)
	ANDQ(I8(-64), quarter)
	MOVQ(quarter, bound)
	snapshot := func(at Mem) {
		for k := range p {
			o := at.Offset(32 * size * k / 4)
			if f64 {
				f.store(m[k][0], o)
				f.store(m[k][1], o.Offset(32))
			} else {
				t := YMM()
				VMOVUPS(m[k][0], t)
				ext(m[k][1], t)
				f.store(t, o)
			}
		}
	}
	for seg := range 4 {
		loop := fmt.Sprintf("%s_loop%d", name, seg)
		Label(loop)
		if seg < 3 {
			CMPQ(i, bound)
			JAE(LabelRef(fmt.Sprintf("%s_snap%d", name, seg)))
		} else {
			CMPQ(i, whole)
			JAE(LabelRef(name + "_tail"))
		}
		for k := range p {
			x, y, u := YMM(), YMM(), YMM()
			load(p[k], x)
			load(p[k].Offset(32), y)
			unord(x, y, u)
			or(u, nan[k])
			ext(x, m[k][0])
			ext(y, m[k][1])
		}
		ADDQ(U8(64), i)
		JMP(LabelRef(loop))
		if seg < 3 {
			Label(fmt.Sprintf("%s_snap%d", name, seg))
			snapshot(out.Offset(32 * size * seg))
			ADDQ(quarter, bound)
		}
	}
	Label(name + "_tail")
	if !f64 { // eight float32 past the last whole line
		CMPQ(i, n)
		JAE(LabelRef(name + "_store"))
		for k := range p {
			x, u := YMM(), YMM()
			load(p[k], x)
			unord(x, x, u)
			or(u, nan[k])
			ext(x, m[k][0])
		}
	}
	Label(name + "_store")
	mask := GP32()
	XORL(mask, mask)
	for k := range p {
		o := out.Offset(32*size*3 + 32*size*k/4)
		if f64 {
			f.store(m[k][0], o)
			f.store(m[k][1], o.Offset(32))
		} else {
			ext(m[k][1], m[k][0]) // lane j: elements j, j+8, j+16, ... of the run
			f.store(m[k][0], o)
		}
		t := f.mask(nan[k])
		TESTL(t, t)
		SETNE(t.As8())
		MOVBLZX(t.As8(), t)
		if k > 0 {
			SHLL(U8(k), t)
		}
		ORL(t, mask)
	}
	VZEROUPPER()
	Store(mask.As8(), ReturnIndex(0))
	RET()
}

// floats are the packed instructions of one float width (float64 with f64, else float32)
// that the extrema and sum kernels share.
type floats struct{ f64 bool }

func (f floats) load(m Mem, x VecVirtual) {
	if f.f64 {
		VMOVUPD(m, x)
	} else {
		VMOVUPS(m, x)
	}
}

func (f floats) store(x VecVirtual, m Mem) {
	if f.f64 {
		VMOVUPD(x, m)
	} else {
		VMOVUPS(x, m)
	}
}

// add sets x to x + m, x the left operand (whose NaN the CPU keeps where two meet).
func (f floats) add(m Op, x VecVirtual) {
	if f.f64 {
		VADDPD(m, x, x)
	} else {
		VADDPS(m, x, x)
	}
}

// unord sets u, per lane, to whether a or b is NaN.
func (f floats) unord(a, b, u VecVirtual) {
	if f.f64 {
		VCMPPD(Imm(3), a, b, u)
	} else {
		VCMPPS(Imm(3), a, b, u)
	}
}

func (f floats) or(a, b VecVirtual) {
	if f.f64 {
		VORPD(a, b, b)
	} else {
		VORPS(a, b, b)
	}
}

// ext sets m to x > m ? x : m with max (VMAXPD(m, x, m), maxSlice's `if x > m { m = x }`),
// else to x < m ? x : m.
func (f floats) ext(max bool, x, m VecVirtual) {
	switch {
	case f.f64 && max:
		VMAXPD(m, x, m)
	case f.f64:
		VMINPD(m, x, m)
	case max:
		VMAXPS(m, x, m)
	default:
		VMINPS(m, x, m)
	}
}

// mask returns the sign bits of x's lanes in a general register.
func (f floats) mask(x VecVirtual) GPVirtual {
	t := GP32()
	if f.f64 {
		VMOVMSKPD(x, t)
	} else {
		VMOVMSKPS(x, t)
	}
	return t
}

// combineBlock returns, in an XMM register's low lane, the pairwise block's eight running
// sums combined as ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7)): acc is [r0 r1 | r2 r3] and
// [r4 r5 | r6 r7] for float64, [r0 .. r3 | r4 .. r7] for float32 (clobbered).
func combineBlock(acc []VecVirtual, f64 bool) VecVirtual {
	x := XMM()
	if f64 {
		lo, hi := acc[0], acc[1]
		VHADDPD(lo, lo, lo) // [r0+r1 r0+r1 | r2+r3 r2+r3]
		VHADDPD(hi, hi, hi)
		y := XMM()
		VEXTRACTF128(Imm(1), lo, x)
		VADDSD(x, lo.AsX(), x) // (r0+r1)+(r2+r3)
		VEXTRACTF128(Imm(1), hi, y)
		VADDSD(y, hi.AsX(), y) // (r4+r5)+(r6+r7)
		VADDSD(y, x, x)
		return x
	}
	r := acc[0]
	VHADDPS(r, r, r) // [r0+r1 r2+r3 . . | r4+r5 r6+r7 . .]
	VHADDPS(r, r, r) // [(r0+r1)+(r2+r3) . . . | (r4+r5)+(r6+r7) . . .]
	VEXTRACTF128(Imm(1), r, x)
	VADDSS(x, r.AsX(), x)
	return x
}

// runBases loads the base pointers of the slice parameters named, as memory operands.
func runBases(names ...string) []Mem {
	m := make([]Mem, len(names))
	for k, n := range names {
		m[k] = Mem{Base: Load(Param(n).Base(), GP64()), Scale: 1}
	}
	return m
}

// f16Constants are the 32-bit masks the Float16 kernels broadcast.
type f16Constants struct{ abs, nanMin, sign, frac, exp Mem }

// constant is a read-only 32-bit value in the data section, made on first use.
func constant(name string, v uint32) Mem { return data(name, U32(v)) }

// constant8 is a read-only byte in the data section, made on first use.
func constant8(name string, v uint8) Mem { return data(name, U8(v)) }

// data returns the read-only values named name, one after another, declaring them the
// first time.
func data(name string, vs ...Constant) Mem {
	if m, ok := constants[name]; ok {
		return m
	}
	m := GLOBL(name, RODATA|NOPTR)
	off := 0
	for _, v := range vs {
		DATA(off, v)
		off += v.Bytes()
	}
	constants[name] = m
	return m
}

// constants are the data the kernels share, by name.
var constants = map[string]Mem{}

// convert8 widens the eight Float16 at src into the eight float32 at dst.
func convert8(dst, src Mem, abs, nanMin, sign, frac, exp VecVirtual, nt bool) {
	f, h, a, nan, s, m := YMM(), YMM(), YMM(), YMM(), YMM(), YMM()
	VCVTPH2PS(src, f)        // the values, NaNs quieted
	VPMOVZXWD(src, h)        // the bits, one per 32-bit lane
	VPAND(abs, h, a)         // |h|
	VPCMPGTD(nanMin, a, nan) // |h| > 0x7c00: a NaN
	VPSLLD(Imm(16), h, s)    // the sign, moved to bit 31
	VPAND(sign, s, s)
	VPAND(frac, h, m) // the fraction, moved to the top of float32's
	VPSLLD(Imm(13), m, m)
	VPOR(s, m, m)
	VPOR(exp, m, m)         // sign | 0x7f800000 | fraction<<13: the NaN, bit for bit
	VBLENDVPS(nan, m, f, f) // NaN lanes from m, the others from VCVTPH2PS
	if nt {
		VMOVNTPS(f, dst)
	} else {
		VMOVUPS(f, dst)
	}
}

// hasF16C reports whether the CPU has F16C: CPUID leaf 1, ECX bit 29 (golang.org/x/sys/cpu
// does not report it).
func hasF16C() {
	TEXT("hasF16C", NOSPLIT, "func() bool")
	Doc("hasF16C reports whether the CPU has the F16C instructions (CPUID.1:ECX bit 29).")
	MOVL(U32(1), EAX)
	XORL(ECX, ECX)
	CPUID()
	SHRL(U8(29), ECX)
	ANDL(U32(1), ECX)
	Store(CL, ReturnIndex(0))
	RET()
}

// cpuid is the CPUID instruction for a leaf and subleaf: ndview reads the caches' sizes
// from it (leaf 4, and 0x8000001D on AMD), which golang.org/x/sys/cpu does not report.
func cpuid() {
	TEXT("cpuid", NOSPLIT, "func(leaf, sub uint32) (a, b, c, d uint32)")
	Doc("cpuid returns EAX, EBX, ECX and EDX of CPUID for a leaf (EAX) and subleaf (ECX).")
	Load(Param("leaf"), EAX)
	Load(Param("sub"), ECX)
	CPUID()
	Store(EAX, Return("a"))
	Store(EBX, Return("b"))
	Store(ECX, Return("c"))
	Store(EDX, Return("d"))
	RET()
}

// findEqual is findF64AVX2 (and findF32AVX2): the first block of four YMM registers (16
// float64, 32 float32) of s holding an element equal to x (VCMPPD/VCMPPS equal, ordered:
// -0 equals +0, NaN nothing), by its start; len(s) rounded down to the block if none does.
// The caller looks inside the block, and at the rest.
func findEqual(f64 bool) {
	name, typ, block := "findF32AVX2", "float32", 32
	if f64 {
		name, typ, block = "findF64AVX2", "float64", 16
	}
	TEXT(name, NOSPLIT, "func(s []"+typ+", x "+typ+") int")
	Pragma("noescape")
	Doc(fmt.Sprintf("%s returns the start of the first block of %d elements of s[:len(s)&^%d] that holds one equal to x, or len(s)&^%d if none does. It needs AVX2.", name, block, block-1, block-1))
	p := Load(Param("s").Base(), GP64())
	n := Load(Param("s").Len(), GP64())
	x := YMM()
	xs := Load(Param("x"), XMM())
	if f64 {
		VBROADCASTSD(xs, x)
	} else {
		VBROADCASTSS(xs, x)
	}
	scanBlocks(name, f64, n, false, func(k int, at func(base Register, k int) Mem, c VecVirtual) {
		if f64 {
			VCMPPD(Imm(0), at(p, k), x, c) // equal, ordered, quiet
		} else {
			VCMPPS(Imm(0), at(p, k), x, c)
		}
	})
}

// scanBlocks is the loop of findEqual and equalFloats: over blocks of four YMM registers of
// elements (the first n rounded down to a block), cmp sets each register's lanes (at(base,
// k) is register k of the block at base); it stops at the first block with any lane set
// (all: with any lane clear) and returns that block's start, or n rounded down.
func scanBlocks(name string, f64 bool, n Register, all bool, cmp func(k int, at func(base Register, k int) Mem, c VecVirtual)) {
	block, scale := 32, uint8(4)
	if f64 {
		block, scale = 16, 8
	}
	ANDQ(I8(int8(-block)), n)
	i := GP64()
	XORQ(i, i)
	mask := GP32()
	at := func(base Register, k int) Mem { return Mem{Base: base, Index: i, Scale: scale, Disp: 32 * k} }
	Label(name + "_loop")
	CMPQ(i, n)
	JAE(LabelRef(name + "_done"))
	c := []VecVirtual{YMM(), YMM(), YMM(), YMM()}
	for k := range c {
		cmp(k, at, c[k])
	}
	combine := VPOR
	if all {
		combine = VPAND
	}
	combine(c[1], c[0], c[0])
	combine(c[3], c[2], c[2])
	combine(c[2], c[0], c[0])
	VMOVMSKPS(c[0], mask) // float64 lanes set both of their halves
	if all {
		CMPL(mask, U8(0xff))
		JNE(LabelRef(name + "_done"))
	} else {
		TESTL(mask, mask)
		JNZ(LabelRef(name + "_done"))
	}
	ADDQ(U8(block), i)
	JMP(LabelRef(name + "_loop"))
	Label(name + "_done")
	VZEROUPPER()
	Store(i, ReturnIndex(0))
	RET()
}
