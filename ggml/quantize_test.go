package ggml

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/ndview/ndview"
)

// The vectors in testdata come from ggml's own reference quantizers at d99724f2, compiled
// with -O2 -ffp-contract=off (testdata/gen/gen-quant.sh, quant_vectors.c). A block flagged
// refused is one during which ggml converts a NaN, an infinity or an out-of-range float to
// an integer (found by compiling ggml with -fsanitize=float-cast-overflow and trapping
// nearest_int's assert and lroundf's domain): ggml's result is undefined there and
// Quantize must refuse it.

const vectorsHeader = "ndview ggml quant "

// quantTypes are the block types Quantize implements, as the vectors name them.
var quantTypes = []Type{Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, IQ4_XS, TQ1_0, TQ2_0, MXFP4}

type vectorInputs struct {
	block      int
	categories []string
	cat        []uint8   // per block
	x          []float32 // blocks × block
}

func readHeader(t testing.TB, data []byte) (string, []byte) {
	t.Helper()
	i := bytes.IndexByte(data, '\n')
	if i < 0 || !bytes.HasPrefix(data, []byte(vectorsHeader)) {
		t.Fatalf("not a vectors file: %q", data[:min(len(data), 60)])
	}
	return string(data[:i]), data[i+1:]
}

func field(t testing.TB, header, key string) int {
	t.Helper()
	for _, f := range strings.Fields(header) {
		if v, ok := strings.CutPrefix(f, key+"="); ok {
			var n int
			if _, err := fmt.Sscan(v, &n); err != nil {
				t.Fatalf("%s in %q: %v", key, header, err)
			}
			return n
		}
	}
	t.Fatalf("no %s in %q", key, header)
	return 0
}

func loadInputs(t testing.TB, block int) *vectorInputs {
	t.Helper()
	data, err := os.ReadFile(fmt.Sprintf("testdata/quant_inputs_%d.bin", block))
	if err != nil {
		t.Fatal(err)
	}
	header, rest := readHeader(t, data)
	if !strings.Contains(header, " ggml d99724f2 ") || field(t, header, "block") != block {
		t.Fatalf("unexpected header %q", header)
	}
	n := field(t, header, "blocks")
	i := bytes.IndexByte(rest, '\n')
	cats := strings.Fields(string(rest[:i]))
	rest = rest[i+1:]
	if cats[0] != "categories" || len(rest) != n*(1+4*block) {
		t.Fatalf("inputs %d: %d bytes for %d blocks", block, len(rest), n)
	}
	in := &vectorInputs{block: block, categories: cats[1:], cat: make([]uint8, n), x: make([]float32, n*block)}
	for b := range n {
		r := rest[b*(1+4*block):]
		in.cat[b] = r[0]
		for j := range block {
			in.x[b*block+j] = math.Float32frombits(binary.LittleEndian.Uint32(r[1+4*j:]))
		}
	}
	return in
}

// typeVectors is one type's expectations over its block sequence: the blocks of
// quant_inputs_<block>.bin, then for block 32 those of quant_inputs_256.bin cut in eight.
type typeVectors struct {
	t        Type
	x        []float32 // the inputs, blocks × block
	cat      []string  // per block
	refused  []bool
	expected [][]byte
}

func loadVectors(t testing.TB, typ Type) *typeVectors {
	t.Helper()
	in256 := loadInputs(t, 256)
	v := &typeVectors{t: typ}
	if typ.BlockSize() == 32 {
		in32 := loadInputs(t, 32)
		v.x = append(append(v.x, in32.x...), in256.x...)
		for _, c := range in32.cat {
			v.cat = append(v.cat, in32.categories[c])
		}
		for _, c := range in256.cat {
			for range 8 {
				v.cat = append(v.cat, in256.categories[c])
			}
		}
	} else {
		v.x = in256.x
		for _, c := range in256.cat {
			v.cat = append(v.cat, in256.categories[c])
		}
	}
	data, err := os.ReadFile("testdata/quant_" + typ.String() + ".bin")
	if err != nil {
		t.Fatal(err)
	}
	header, rest := readHeader(t, data)
	n, bb := field(t, header, "blocks"), field(t, header, "bytes")
	if !strings.Contains(header, " ggml d99724f2 "+typ.String()+" ") || bb != typ.BlockBytes() ||
		field(t, header, "block") != typ.BlockSize() || n != len(v.cat) || len(rest) != n*(1+bb) {
		t.Fatalf("unexpected %v vectors: %q, %d bytes", typ, header, len(rest))
	}
	for b := range n {
		r := rest[b*(1+bb) : (b+1)*(1+bb)]
		v.refused = append(v.refused, r[0] != 0)
		v.expected = append(v.expected, r[1:])
	}
	return v
}

func TestQuantizeVectors(t *testing.T) {
	for _, typ := range quantTypes {
		t.Run(typ.String(), func(t *testing.T) {
			v := loadVectors(t, typ)
			block, bb := typ.BlockSize(), typ.BlockBytes()
			var accepted []float32
			var want []byte
			refusedCats := map[string]int{}
			for b := range v.refused {
				x := v.x[b*block : (b+1)*block]
				dst := bytes.Repeat([]byte{0xa5}, bb+3)
				err := Quantize(dst, x, typ)
				switch {
				case v.refused[b]:
					refusedCats[v.cat[b]]++
					if !errors.Is(err, ndview.ErrFormat) || !strings.Contains(err.Error(), "block 0 ") {
						t.Errorf("block %d (%s): %v; ggml's result is undefined, want ErrFormat naming block 0", b, v.cat[b], err)
					} else if !bytes.Equal(dst, bytes.Repeat([]byte{0xa5}, bb+3)) {
						t.Errorf("block %d (%s): refused, but dst was written", b, v.cat[b])
					}
				case err != nil:
					t.Errorf("block %d (%s): %v; ggml quantizes it", b, v.cat[b], err)
				case !bytes.Equal(dst[:bb], v.expected[b]):
					t.Errorf("block %d (%s):\n got %x\nwant %x", b, v.cat[b], dst[:bb], v.expected[b])
				case !bytes.Equal(dst[bb:], []byte{0xa5, 0xa5, 0xa5}):
					t.Errorf("block %d (%s): wrote past the block", b, v.cat[b])
				default:
					accepted = append(accepted, x...)
					want = append(want, v.expected[b]...)
				}
			}
			// Every accepted block again, in one call.
			dst := make([]byte, len(want))
			if err := Quantize(dst, accepted, typ); err != nil || !bytes.Equal(dst, want) {
				t.Errorf("the %d accepted blocks in one call: %v, bytes equal: %v", len(want)/bb, err, bytes.Equal(dst, want))
			}
			t.Logf("%d blocks, %d refused %v", len(v.refused), len(v.refused)-len(want)/bb, refusedCats)
		})
	}
}

// TestQuantizeRefusedPrefix checks that a refused block stops the call with blocks before
// it written and the rest of dst unchanged.
func TestQuantizeRefusedPrefix(t *testing.T) {
	for _, typ := range quantTypes {
		v := loadVectors(t, typ)
		block, bb := typ.BlockSize(), typ.BlockBytes()
		var x []float32
		var want []byte
		for b := range v.refused {
			if !v.refused[b] && len(want) < 3*bb {
				x = append(x, v.x[b*block:(b+1)*block]...)
				want = append(want, v.expected[b]...)
			}
		}
		bad := -1
		for b := range v.refused {
			if v.refused[b] {
				bad = b
				break
			}
		}
		x = append(x, v.x[bad*block:(bad+1)*block]...)
		x = append(x, x[:block]...)
		dst := bytes.Repeat([]byte{0x5a}, 5*bb)
		err := Quantize(dst, x, typ)
		if !errors.Is(err, ndview.ErrFormat) || !strings.Contains(err.Error(), "block 3 ") {
			t.Errorf("%v: %v, want ErrFormat naming block 3", typ, err)
		}
		if !bytes.Equal(dst[:3*bb], want) || !bytes.Equal(dst[3*bb:], bytes.Repeat([]byte{0x5a}, 2*bb)) {
			t.Errorf("%v: dst is not the three blocks before the refused one and then untouched", typ)
		}
	}
}

func TestQuantizePlain(t *testing.T) {
	data, err := os.ReadFile("testdata/quant_plain.bin")
	if err != nil {
		t.Fatal(err)
	}
	header, rest := readHeader(t, data)
	n := field(t, header, "values")
	if !strings.Contains(header, " ggml d99724f2 F16 BF16 ") || len(rest) != 8*n {
		t.Fatalf("unexpected %q, %d bytes", header, len(rest))
	}
	src := make([]float32, n)
	wantF16, wantBF16 := make([]byte, 2*n), make([]byte, 2*n)
	for i := range n {
		src[i] = math.Float32frombits(binary.LittleEndian.Uint32(rest[8*i:]))
		copy(wantF16[2*i:], rest[8*i+4:8*i+6])
		copy(wantBF16[2*i:], rest[8*i+6:8*i+8])
	}
	for _, c := range []struct {
		t    Type
		want []byte
	}{{F16, wantF16}, {BF16, wantBF16}} {
		dst := make([]byte, 2*n)
		if err := Quantize(dst, src, c.t); err != nil {
			t.Fatal(err)
		}
		for i := range n {
			if got, want := dst[2*i:2*i+2], c.want[2*i:2*i+2]; !bytes.Equal(got, want) {
				t.Errorf("%v(%#08x): %x, ggml gives %x", c.t, math.Float32bits(src[i]), got, want)
			}
		}
	}
	// ndview's conversions: ToBFloat16 is ggml's; ToFloat16 is too but for NaN payloads.
	for i, f := range src {
		h := binary.LittleEndian.Uint16(wantF16[2*i:])
		if g := uint16(ndview.ToFloat16(f)); g != h && !(f != f && g&0x7fff > 0x7c00) {
			t.Errorf("ndview.ToFloat16(%#08x) = %#04x, ggml %#04x", math.Float32bits(f), g, h)
		}
		if g, b := uint16(ndview.ToBFloat16(f)), binary.LittleEndian.Uint16(wantBF16[2*i:]); g != b {
			t.Errorf("ndview.ToBFloat16(%#08x) = %#04x, ggml %#04x", math.Float32bits(f), g, b)
		}
	}
	dst := make([]byte, 4*n)
	if err := Quantize(dst, src, F32); err != nil {
		t.Fatal(err)
	}
	for i, f := range src {
		if binary.LittleEndian.Uint32(dst[4*i:]) != math.Float32bits(f) {
			t.Fatalf("F32 %d: not copied", i)
		}
	}
}

// TestFP16Sampled compares ggml's fp32 → fp16 with ndview.ToFloat16 over a million random
// bit patterns (the two agree on every non-NaN float32; checked exhaustively once).
func TestFP16Sampled(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 1 << 20 {
		f := math.Float32frombits(r.Uint32())
		g, h := fp32ToFP16(f), uint16(ndview.ToFloat16(f))
		if f != f {
			h = h&0x8000 | 0x7e00
		}
		if g != h {
			t.Fatalf("%#08x: ggml %#04x, ndview %#04x", math.Float32bits(f), g, h)
		}
	}
}

// nearestIntGGML is ggml's nearest_int as C computes it: the float32 sum with 1.5·2^23,
// its low 23 bits less 2^22.
func nearestIntGGML(v float32) int {
	val := v + 12582912
	return int(math.Float32bits(val)&0x007fffff) - 0x00400000
}

func TestNearestInt(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	vals := []float32{0, -0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 4194303, -4194303, 4194302.5, -4194302.5,
		0.49999997, 0x1p-149, 1e-30, 3.5, 1048575.5}
	for range 100000 {
		vals = append(vals, float32(r.NormFloat64()*math.Pow(10, r.Float64()*7-1)))
		vals = append(vals, float32(r.IntN(8388607)-4194303)/2)
	}
	for _, v := range vals {
		if abs32(v) > 4194303 {
			continue
		}
		got, ok := nearestInt(v)
		if want := nearestIntGGML(v); !ok || got != want {
			t.Fatalf("nearestInt(%v) = %d, %v; ggml %d", v, got, ok, want)
		}
	}
	for _, v := range []float32{4194303.5, -4194304, 1e30, float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN())} {
		if _, ok := nearestInt(v); ok {
			t.Errorf("nearestInt(%v) accepted; ggml asserts |v| <= 4194303", v)
		}
	}
}

func TestQuantizeRefusals(t *testing.T) {
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	// scaled is a block of normal values whose largest magnitude is s.
	r := rand.New(rand.NewPCG(10, 11))
	scaled := func(n int, s float64) []float32 {
		g := make([]float64, n)
		var amax float64
		for i := range g {
			g[i] = r.NormFloat64()
			amax = max(amax, math.Abs(g[i]))
		}
		x := make([]float32, n)
		for i := range x {
			x[i] = float32(g[i] / amax * s)
		}
		return x
	}
	with := func(x []float32, i int, v float32) []float32 { x[i] = v; return x }
	except := func(ts ...Type) map[Type]bool {
		m := map[Type]bool{}
		for _, typ := range quantTypes {
			m[typ] = true
		}
		for _, typ := range ts {
			delete(m, typ)
		}
		return m
	}
	every := except()
	only := func(ts ...Type) map[Type]bool {
		m := map[Type]bool{}
		for _, typ := range ts {
			m[typ] = true
		}
		return m
	}
	for _, c := range []struct {
		name    string
		x       func(n int) []float32
		refused map[Type]bool
	}{
		{"NaN", func(n int) []float32 { return with(scaled(n, 1), 3, nan) }, except(MXFP4, IQ4_XS)},
		{"+Inf", func(n int) []float32 { return with(scaled(n, 1), 3, inf) }, every},
		{"-Inf", func(n int) []float32 { return with(scaled(n, 1), 0, -inf) }, every},
		{"1e4", func(n int) []float32 { return scaled(n, 1e4) }, nil},
		{"3e5", func(n int) []float32 { return scaled(n, 3e5) }, nil},
		{"1e7", func(n int) []float32 { return scaled(n, 1e7) }, only(Q2_K, Q4_K, Q5_K)},
		{"1e13", func(n int) []float32 { return scaled(n, 1e13) }, only(Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, IQ4_XS)},
		{"3e38", func(n int) []float32 { return scaled(n, 3e38) }, only(Q2_K, Q4_1, Q5_1, Q4_K, Q5_K, IQ4_XS)},
		{"1e-30", func(n int) []float32 { return scaled(n, 1e-30) }, nil},
		{"1e-36", func(n int) []float32 { return scaled(n, 1e-36) }, only(Q4_K, Q5_K)},
		{"3.6e-37", func(n int) []float32 { return scaled(n, 3.6e-37) }, only(Q8_0, Q4_K, Q5_K)},
		{"3.8e-37", func(n int) []float32 { return scaled(n, 3.8e-37) }, only(Q4_K, Q5_K)},
		{"1e-38", func(n int) []float32 { return scaled(n, 1e-38) }, except(Q3_K, Q6_K, IQ4_XS, TQ1_0, TQ2_0)},
		{"1e-40", func(n int) []float32 { return scaled(n, 1e-40) }, except(Q3_K, Q6_K, IQ4_XS)},
		{"1e-45", func(n int) []float32 { return scaled(n, 1e-45) }, only(Q2_K, Q4_K, Q5_K, TQ1_0, TQ2_0, MXFP4)},
		// ggml rounds no NaN in MXFP4 and IQ4_XS, nor one in an otherwise zero K-quant group.
		{"zeros and a NaN", func(n int) []float32 { return with(make([]float32, n), 5, nan) }, except(MXFP4, IQ4_XS, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K)},
	} {
		for _, typ := range quantTypes {
			x := c.x(typ.BlockSize())
			err := Quantize(make([]byte, typ.BlockBytes()), x, typ)
			if c.refused[typ] {
				if !errors.Is(err, ndview.ErrFormat) || !strings.Contains(err.Error(), "block 0 (elements 0 to ") {
					t.Errorf("%v %s: %v, want ErrFormat naming block 0", typ, c.name, err)
				}
			} else if err != nil {
				t.Errorf("%v %s: %v, want the block quantized", typ, c.name, err)
			}
		}
	}
	err := Quantize(make([]byte, 68), append(scaled(32, 1), scaled(32, 1e-37)...), Q8_0)
	if !errors.Is(err, ndview.ErrFormat) || !strings.Contains(err.Error(), "block 1 (elements 32 to 63) of Q8_0") ||
		!strings.Contains(err.Error(), "its largest magnitude, 1e-37,") {
		t.Errorf("Q8_0 of a tiny second block: %v", err)
	}
	err = Quantize(make([]byte, 34), with(scaled(32, 1), 7, nan), Q8_0)
	if err == nil || !strings.Contains(err.Error(), "it holds a NaN or an infinity") {
		t.Errorf("Q8_0 of a NaN: %v", err)
	}
}

func TestQuantizeErrors(t *testing.T) {
	for _, c := range []struct {
		t    Type
		n    int
		dst  int
		kind error
		msg  string
	}{
		{Q4_K, 100, 1000, ndview.ErrShape, "not a whole number of Q4_K blocks"},
		{Q8_0, 64, 67, ndview.ErrShape, "take 68 bytes, dst has 67"},
		{F16, 3, 5, ndview.ErrShape, "dst has 5"},
		{4, 32, 100, ndview.ErrFormat, "Q4_2/Q4_3"},
		{77, 32, 100, ndview.ErrFormat, "ggml.Type(77) is not a type ggml defines"},
		{IQ2_XXS, 256, 100, ndview.ErrFormat, "only with an importance matrix"},
		{IQ1_M, 256, 100, ndview.ErrFormat, "only with an importance matrix"},
		{Q8_1, 32, 100, ndview.ErrFormat, "Quantize does not write Q8_1; Quantize writes F32, F16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, IQ4_XS, BF16, TQ1_0, TQ2_0, MXFP4"},
		{IQ4_NL, 32, 1000, ndview.ErrFormat, "Quantize does not write IQ4_NL"},
		{Q8_K, 256, 1000, ndview.ErrFormat, "Quantize does not write Q8_K"},
		{I8, 4, 4, ndview.ErrFormat, "Quantize does not write I8"},
	} {
		err := Quantize(make([]byte, c.dst), make([]float32, c.n), c.t)
		if !errors.Is(err, c.kind) || !strings.Contains(err.Error(), c.msg) || !strings.HasPrefix(err.Error(), "ndview: ggml.Quantize: ") {
			t.Errorf("Quantize(%v, %d elements, %d bytes) = %v; want %v containing %q", c.t, c.n, c.dst, err, c.kind, c.msg)
		}
	}
	if err := Quantize(nil, nil, Q4_K); err != nil {
		t.Errorf("no elements: %v", err)
	}
}

// TestQuantizeDequantize checks that blocks Quantize writes dequantize near their inputs:
// each element within a fraction of its block's largest magnitude, the fraction being the
// type's grid step at that magnitude (half a step is the rounding error; the scales' own
// rounding takes some of the other half).
func TestQuantizeDequantize(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	src := make([]float32, 1024)
	for i := range src {
		src[i] = float32(r.NormFloat64())
	}
	step := map[Type]float64{F32: 0, F16: 0x1p-10, BF16: 0x1p-7,
		Q8_0: 1.0 / 127, Q5_0: 1.0 / 15, Q5_1: 2.0 / 31, Q4_0: 1.0 / 7, Q4_1: 2.0 / 15,
		Q6_K: 1.0 / 31, Q5_K: 2.0 / 31, Q4_K: 2.0 / 15, Q3_K: 1.0 / 3, Q2_K: 2.0 / 3,
		IQ4_XS: 24.0 / 113, MXFP4: 1.0 / 3, TQ1_0: 1, TQ2_0: 1}
	for typ, k := range step {
		n, _ := RowBytes(typ, len(src))
		q := make([]byte, n)
		if err := Quantize(q, src, typ); err != nil {
			t.Fatalf("%v: %v", typ, err)
		}
		back := make([]float32, len(src))
		if err := Dequantize(back, q, typ); err != nil {
			t.Fatalf("%v: %v", typ, err)
		}
		bs := typ.BlockSize()
		for b := 0; b < len(src); b += bs {
			amax := 0.0
			for _, x := range src[b : b+bs] {
				amax = math.Max(amax, math.Abs(float64(x)))
			}
			for i := b; i < b+bs; i++ {
				if d := math.Abs(float64(back[i] - src[i])); d > k*amax {
					t.Errorf("%v: element %d is %v, quantized from %v (block max %v)", typ, i, back[i], src[i], amax)
					break
				}
			}
		}
	}
}

// FuzzQuantize quantizes random data: raw float32 bit patterns when exp is 0, else the
// bytes as halves of small integers times 2^exp (ties and grids). Quantize must refuse with
// ErrFormat or write exactly RowBytes, which then dequantize without panicking.
func FuzzQuantize(f *testing.F) {
	f.Add(uint8(0), int8(0), []byte{})
	f.Add(uint8(5), int8(0), bytes.Repeat([]byte{0, 0, 0x80, 0x3f}, 256))
	f.Add(uint8(2), int8(0), bytes.Repeat([]byte{0, 0, 0xc0, 0x7f, 1, 0, 0, 0}, 128))
	f.Add(uint8(12), int8(0), bytes.Repeat([]byte{0xff, 0xff, 0x7f, 0x7f, 0, 0, 0x80, 0x3f}, 128))
	f.Add(uint8(8), int8(1), bytes.Repeat([]byte{0x81, 3, 0x7f, 0xfd, 0, 5, 9, 0x10}, 32))
	f.Add(uint8(13), int8(-3), bytes.Repeat([]byte{1, 2, 3, 0xff, 0x40, 0xc0, 7, 0x21}, 32))
	types := append([]Type{F32, F16, BF16}, quantTypes...)
	f.Fuzz(func(t *testing.T, which uint8, exp int8, raw []byte) {
		typ := types[int(which)%len(types)]
		var src []float32
		if exp == 0 {
			src = make([]float32, len(raw)/4)
			for i := range src {
				src[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
			}
		} else {
			src = make([]float32, len(raw))
			for i, b := range raw {
				src[i] = float32(math.Ldexp(float64(int8(b))/2, int(exp)%64))
			}
		}
		src = src[:len(src)/typ.BlockSize()*typ.BlockSize()]
		n, err := RowBytes(typ, len(src))
		if err != nil {
			t.Fatal(err)
		}
		dst := bytes.Repeat([]byte{0x3c}, n+8)
		err = Quantize(dst[:n], src, typ)
		if err != nil {
			if !errors.Is(err, ndview.ErrFormat) || !strings.Contains(err.Error(), "ggml's reference quantizer would round") {
				t.Fatalf("%v: %v", typ, err)
			}
			return
		}
		if !bytes.Equal(dst[n:], bytes.Repeat([]byte{0x3c}, 8)) {
			t.Fatalf("%v: wrote past RowBytes", typ)
		}
		_ = Dequantize(make([]float32, len(src)), dst[:n], typ) // must not panic
	})
}

func BenchmarkQuantize(b *testing.B) {
	r := rand.New(rand.NewPCG(7, 8))
	src := make([]float32, 1<<16)
	for i := range src {
		src[i] = float32(r.NormFloat64())
	}
	for _, typ := range append([]Type{F32, F16, BF16}, quantTypes...) {
		b.Run(typ.String(), func(b *testing.B) {
			n, _ := RowBytes(typ, len(src))
			dst := make([]byte, n)
			b.SetBytes(int64(4 * len(src)))
			b.ReportAllocs()
			for b.Loop() {
				if err := Quantize(dst, src, typ); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
