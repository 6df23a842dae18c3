package ndview

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"math"
	"math/big"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/ndview/ndview/internal/dtypes"
)

// Float16 is checked against NumPy 1.24 through the vectors testdata/gen_half.py writes;
// BFloat16, which NumPy lacks, and Float16 again, against refRound, an exact rounding with
// math/big that shares no code with half.go.

// readGz returns the contents of a gzip-compressed file in testdata/.
func readGz(t testing.TB, name string) []byte {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if _, err := b.ReadFrom(z); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var le = binary.LittleEndian

func TestFloat16ToFloatNumPy(t *testing.T) {
	b := readGz(t, "half_f16.bin.gz")
	if len(b) != 65536*12 {
		t.Fatalf("half_f16.bin.gz holds %d bytes", len(b))
	}
	f32, f64 := b[:65536*4], b[65536*4:]
	bad := 0
	for i := range 65536 {
		h := Float16(i)
		if got, want := math.Float32bits(h.Float32()), le.Uint32(f32[4*i:]); got != want && bad < 10 {
			t.Errorf("Float16(%#04x).Float32() = %#08x, NumPy %#08x", i, got, want)
			bad++
		}
		if got, want := math.Float64bits(h.Float64()), le.Uint64(f64[8*i:]); got != want && bad < 10 {
			t.Errorf("Float16(%#04x).Float64() = %#016x, NumPy %#016x", i, got, want)
			bad++
		}
	}
}

// TestHalfRoundTrip: every bit pattern, NaNs included for Float16 (NumPy keeps the payload
// both ways), converts back to itself; a BFloat16 NaN comes back quiet.
func TestHalfRoundTrip(t *testing.T) {
	for i := range 65536 {
		h := Float16(i)
		if g := ToFloat16(h.Float32()); g != h {
			t.Fatalf("ToFloat16(Float16(%#04x).Float32()) = %#04x", i, uint16(g))
		}
		if g := Float16FromFloat64(h.Float64()); g != h {
			t.Fatalf("Float16FromFloat64(Float16(%#04x).Float64()) = %#04x", i, uint16(g))
		}
		b := BFloat16(i)
		want := b
		if b.IsNaN() {
			want |= 0x40
		}
		if g := ToBFloat16(b.Float32()); g != want {
			t.Fatalf("ToBFloat16(BFloat16(%#04x).Float32()) = %#04x, want %#04x", i, uint16(g), uint16(want))
		}
		if g := BFloat16FromFloat64(b.Float64()); g != want {
			t.Fatalf("BFloat16FromFloat64(BFloat16(%#04x).Float64()) = %#04x, want %#04x", i, uint16(g), uint16(want))
		}
		if g := math.Float32bits(b.Float32()); g != uint32(i)<<16 {
			t.Fatalf("BFloat16(%#04x).Float32() = %#08x", i, g)
		}
		if b.IsNaN() != math.IsNaN(b.Float64()) || !b.IsNaN() && b.Float64() != float64(b.Float32()) {
			t.Fatalf("BFloat16(%#04x).Float64() = %v", i, b.Float64())
		}
	}
}

func TestToFloat16NumPy(t *testing.T) {
	b := readGz(t, "half_f32.bin.gz")
	n := len(b) / 6
	in, out := b[:4*n], b[4*n:]
	for i := range n {
		x := le.Uint32(in[4*i:])
		want := Float16(le.Uint16(out[2*i:]))
		for _, s := range []uint32{0, 1 << 31} {
			f := math.Float32frombits(x | s)
			w := want | Float16(s>>16)
			if g := ToFloat16(f); g != w {
				t.Fatalf("ToFloat16(%#08x) = %#04x, NumPy %#04x", x|s, uint16(g), uint16(w))
			}
			if math.IsNaN(float64(f)) {
				continue // a float32 → float64 conversion may quiet it
			}
			if g := Float16FromFloat64(float64(f)); g != w {
				t.Fatalf("Float16FromFloat64(%#08x) = %#04x, NumPy %#04x", x|s, uint16(g), uint16(w))
			}
			if g := Float16(refRound(float64(f), 5, 10)); g != w {
				t.Fatalf("refRound(%#08x) = %#04x, NumPy %#04x", x|s, uint16(g), uint16(w))
			}
		}
	}
}

func TestFloat16FromFloat64NumPy(t *testing.T) {
	b := readGz(t, "half_f64.bin.gz")
	n := len(b) / 10
	in, out := b[:8*n], b[8*n:]
	for i := range n {
		x := le.Uint64(in[8*i:])
		want := Float16(le.Uint16(out[2*i:]))
		for _, s := range []uint64{0, 1 << 63} {
			f := math.Float64frombits(x | s)
			w := want | Float16(s>>48)
			if g := Float16FromFloat64(f); g != w {
				t.Fatalf("Float16FromFloat64(%#016x) = %#04x, NumPy %#04x", x|s, uint16(g), uint16(w))
			}
			if !math.IsNaN(f) {
				if g := Float16(refRound(f, 5, 10)); g != w {
					t.Fatalf("refRound(%#016x) = %#04x, NumPy %#04x", x|s, uint16(g), uint16(w))
				}
			}
		}
	}
	// The trap: through float32, 1 + 2⁻¹¹ + 2⁻³⁰ rounds to the tie 1 + 2⁻¹¹, then to even.
	if g := Float16FromFloat64(1 + 0x1p-11 + 0x1p-30); g != 0x3c01 {
		t.Errorf("Float16FromFloat64(1 + 2⁻¹¹ + 2⁻³⁰) = %#04x, NumPy 0x3c01", uint16(g))
	}
	if g := ToFloat16(float32(1 + 0x1p-11 + 0x1p-30)); g != 0x3c00 {
		t.Errorf("ToFloat16(float32(1 + 2⁻¹¹ + 2⁻³⁰)) = %#04x, want 0x3c00", uint16(g))
	}
}

// TestToFloat16AllFloat32 compares ToFloat16 of every float32 bit pattern with NumPy's, by
// checksums of 2^24 results at a time. A few chunks run by default, one with -short;
// NDVIEW_EXHAUSTIVE=1 runs all 256 (2^32 conversions: about a minute).
func TestToFloat16AllFloat32(t *testing.T) {
	f, err := os.Open("testdata/half_f32_crc.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := map[uint32]uint32{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var k, crc uint32
		if _, err := fmt.Sscanf(sc.Text(), "%x %x", &k, &crc); err != nil {
			t.Fatal(err)
		}
		want[k] = crc
	}
	if len(want) != 256 {
		t.Fatalf("half_f32_crc.txt has %d chunks", len(want))
	}
	// Subnormal results, the bottom of the normal range, overflow: 2^24 conversions each.
	chunks := []uint32{0x33, 0x38, 0x47}
	if os.Getenv("NDVIEW_EXHAUSTIVE") != "" {
		chunks = chunks[:0]
		for k := range uint32(256) {
			chunks = append(chunks, k)
		}
	} else if testing.Short() {
		chunks = chunks[:1]
	}
	buf := make([]byte, 2<<24)
	for _, k := range chunks {
		for i := range uint32(1 << 24) {
			le.PutUint16(buf[2*i:], uint16(ToFloat16(math.Float32frombits(k<<24|i))))
		}
		if got := crc32.ChecksumIEEE(buf); got != want[k] {
			// Find the first difference against the exact reference (NaNs by NumPy's rule).
			for i := range uint32(1 << 24) {
				x := k<<24 | i
				g := ToFloat16(math.Float32frombits(x))
				if r := ref16From32(x); g != r {
					t.Fatalf("ToFloat16(%#08x) = %#04x, reference %#04x", x, uint16(g), uint16(r))
				}
			}
			t.Fatalf("chunk %#02x: CRC %08x, NumPy's %08x", k, got, want[k])
		}
	}
}

// ref16From32 is the reference float32 → float16 conversion: refRound, and NumPy's NaN rule
// (sign and top ten payload bits, 0x7c01 if those are zero).
func ref16From32(x uint32) Float16 {
	f := math.Float32frombits(x)
	if f != f {
		p := uint16(x>>13) & 0x3ff
		if p == 0 {
			p = 1
		}
		return Float16(uint16(x>>16)&0x8000 | 0x7c00 | p)
	}
	return Float16(refRound(float64(f), 5, 10))
}

// refRound rounds a non-NaN x to the nearest value of a binary format with expBits exponent
// bits and fracBits fraction bits, ties to even, with IEEE subnormals and overflow to Inf,
// and returns its bit pattern: an exact rounding with math/big. (For a NaN it returns 0xffff,
// which callers never want.)
func refRound(x float64, expBits, fracBits int) uint16 {
	if math.IsNaN(x) {
		return 0xffff
	}
	var sign uint16
	if math.Signbit(x) {
		sign, x = 1<<(expBits+fracBits), -x
	}
	bias := 1<<(expBits-1) - 1
	inf := uint16(1<<expBits-1) << fracBits
	switch {
	case x == 0:
		return sign
	case math.IsInf(x, 0):
		return sign | inf
	}
	bx := new(big.Float).SetFloat64(x) // exact
	emin := 1 - bias
	if bx.Cmp(new(big.Float).SetMantExp(big.NewFloat(1), emin)) >= 0 {
		r := new(big.Float).SetPrec(uint(fracBits + 1)).SetMode(big.ToNearestEven).Set(bx)
		mant := new(big.Float)
		e := r.MantExp(mant) - 1 // r = 1.f × 2^e
		if e > bias {
			return sign | inf
		}
		m, _ := new(big.Float).SetMantExp(mant, fracBits+1).Int64() // 1f, fracBits+1 bits
		return sign | uint16(e+bias)<<fracBits | uint16(m-1<<fracBits)
	}
	// Subnormal: count units of 2^(emin-fracBits), rounding the remainder.
	q := new(big.Float).SetMantExp(bx, fracBits-emin)
	n, _ := q.Int(nil)
	rem := new(big.Float).Sub(q, new(big.Float).SetInt(n))
	if c := rem.Cmp(big.NewFloat(0.5)); c > 0 || c == 0 && n.Bit(0) == 1 {
		n.Add(n, big.NewInt(1))
	}
	return sign | uint16(n.Int64()) // 1<<fracBits, the smallest normal, encodes itself
}

// bf16Cases returns float64 values around every rounding boundary of BFloat16 (both signs):
// each midpoint between neighbouring finite values (the largest one's towards 2^128 too),
// its float32 and float64 neighbours, and values within 2^-30 of it relative, which round
// to the midpoint in float32 (the double-rounding trap).
func bf16Cases() []float64 {
	var xs []float64
	for b := BFloat16(0); b < 0x7f80; b++ {
		lo, hi := b.Float64(), math.Ldexp(1, 128)
		if b+1 < 0x7f80 {
			hi = (b + 1).Float64()
		}
		m := (lo + hi) / 2
		m32 := float32(m)
		xs = append(xs, lo, m, math.Nextafter(m, 0), math.Nextafter(m, math.Inf(1)),
			m*(1+0x1p-30), m*(1-0x1p-30),
			float64(math.Nextafter32(m32, 0)), float64(math.Nextafter32(m32, float32(math.Inf(1)))))
	}
	n := len(xs)
	for _, x := range xs[:n] {
		xs = append(xs, -x)
	}
	return xs
}

func TestBFloat16Rounding(t *testing.T) {
	xs := bf16Cases()
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		xs = append(xs, math.Float64frombits(r.Uint64()), float64(math.Float32frombits(r.Uint32())))
	}
	xs = append(xs, math.MaxFloat64, math.SmallestNonzeroFloat64, math.MaxFloat32, math.SmallestNonzeroFloat32,
		0x1p-133, 0x1p-134, 0x1.8p-134, math.Nextafter(0x1p-134, 1), 0x1p-126, math.Inf(1), math.Inf(-1))
	for _, x := range xs {
		if math.IsNaN(x) {
			continue // TestHalfNaN
		}
		want := BFloat16(refRound(x, 8, 7))
		if g := BFloat16FromFloat64(x); g != want {
			t.Fatalf("BFloat16FromFloat64(%x) = %#04x, reference %#04x", x, uint16(g), uint16(want))
		}
		if f := float32(x); float64(f) == x {
			if g := ToBFloat16(f); g != want {
				t.Fatalf("ToBFloat16(%x) = %#04x, reference %#04x", f, uint16(g), uint16(want))
			}
		}
	}
}

func TestHalfNaN(t *testing.T) {
	for _, c := range []struct {
		in          uint32
		f16, bf16   uint16
		f16b, bf16b uint16 // from the same NaN as float64 (payload shifted up by 29 bits)
	}{
		{0x7f800001, 0x7c01, 0x7fc0, 0x7c01, 0x7fc0}, // +Inf if shifted: kept a NaN
		{0xff800001, 0xfc01, 0xffc0, 0xfc01, 0xffc0},
		{0x7fa00000, 0x7d00, 0x7fe0, 0x7d00, 0x7fe0}, // signaling, payload kept
		{0x7fc00000, 0x7e00, 0x7fc0, 0x7e00, 0x7fc0},
		{0x7fffffff, 0x7fff, 0x7fff, 0x7fff, 0x7fff},
		{0x7f810000, 0x7c08, 0x7fc1, 0x7c08, 0x7fc1},
	} {
		f := math.Float32frombits(c.in)
		d := math.Float64frombits(uint64(c.in>>31)<<63 | 0x7ff<<52 | uint64(c.in&0x7fffff)<<29)
		if g := ToFloat16(f); uint16(g) != c.f16 || !g.IsNaN() {
			t.Errorf("ToFloat16(%#08x) = %#04x, want %#04x", c.in, uint16(g), c.f16)
		}
		if g := ToBFloat16(f); uint16(g) != c.bf16 || !g.IsNaN() {
			t.Errorf("ToBFloat16(%#08x) = %#04x, want %#04x", c.in, uint16(g), c.bf16)
		}
		if g := Float16FromFloat64(d); uint16(g) != c.f16b {
			t.Errorf("Float16FromFloat64(%#016x) = %#04x, want %#04x", math.Float64bits(d), uint16(g), c.f16b)
		}
		if g := BFloat16FromFloat64(d); uint16(g) != c.bf16b {
			t.Errorf("BFloat16FromFloat64(%#016x) = %#04x, want %#04x", math.Float64bits(d), uint16(g), c.bf16b)
		}
	}
	if !Float16(0x7c00).IsInf(1) || Float16(0x7c00).IsInf(-1) || !Float16(0xfc00).IsInf(0) || Float16(0x7c01).IsInf(0) {
		t.Error("Float16.IsInf")
	}
	if !BFloat16(0x7f80).IsInf(0) || !BFloat16(0xff80).IsInf(-1) || BFloat16(0xff80).IsInf(1) || BFloat16(0x7f81).IsInf(0) {
		t.Error("BFloat16.IsInf")
	}
}

func TestHalfString(t *testing.T) {
	for _, c := range []struct {
		got, want string
	}{
		{ToFloat16(0.1).String(), "0.1"},    // NumPy: 0.1
		{Float16(0x7bff).String(), "65500"}, // NumPy: 65500.0
		{Float16(0x0001).String(), "6e-08"}, // NumPy: 6e-08
		{ToFloat16(1e-5).String(), "1e-05"},
		{ToFloat16(1).String(), "1"},
		{ToFloat16(-2.5).String(), "-2.5"},
		{Float16(0x8000).String(), "-0"},
		{Float16(0x7e00).String(), "NaN"},
		{Float16(0xfc00).String(), "-Inf"},
		{ToFloat16(1.0 / 3).String(), "0.3333"}, // NumPy: 0.3333
		{ToBFloat16(0.1).String(), "0.1"},
		{ToBFloat16(math.Pi).String(), "3.14"},
		{BFloat16(0x7f7f).String(), "3.39e+38"},
		{BFloat16(0x7f80).String(), "+Inf"},
		{fmt.Sprint([]Float16{ToFloat16(1.5), ToFloat16(-0.25)}), "[1.5 -0.25]"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
	// Every value prints as digits that convert back to it, at most five significant ones.
	for i := range 65536 {
		for _, v := range []interface {
			String() string
			IsNaN() bool
		}{Float16(i), BFloat16(i)} {
			if v.IsNaN() {
				continue
			}
			s := v.String()
			x, err := strconv.ParseFloat(s, 64)
			back := any(Float16FromFloat64(x))
			if _, ok := v.(BFloat16); ok {
				back = BFloat16FromFloat64(x)
			}
			digits := strings.Trim(strings.ReplaceAll(strings.Split(strings.TrimLeft(s, "-+"), "e")[0], ".", ""), "0")
			if err != nil || back != v || len(digits) > 5 {
				t.Fatalf("%T(%#04x).String() = %q", v, i, s)
			}
		}
	}
}

type (
	fromFloat16  Float16
	fromBFloat16 BFloat16
)

func TestHalfDType(t *testing.T) {
	for _, c := range []struct {
		d      DType
		format string
		class  dtypes.Class
		name   string
	}{
		{DTypeOf[Float16](), "e", dtypes.Float16, "float16"},
		{DTypeOf[BFloat16](), "E", dtypes.BFloat16, "bfloat16"},
		{DTypeOf[fromFloat16](), "H", dtypes.Uint, "uint16"}, // a type defined from Float16 is a uint16
		{DTypeOf[fromBFloat16](), "H", dtypes.Uint, "uint16"},
		{DTypeOf[uint16](), "H", dtypes.Uint, "uint16"},
	} {
		if c.d.Format() != c.format || c.d.class != c.class || c.d.String() != c.name || c.d.ItemSize() != 2 || c.d.Align() != 2 {
			t.Errorf("%v: format %q, class %v, size %d, align %d", c.name, c.d.Format(), c.d.class, c.d.ItemSize(), c.d.Align())
		}
		p, err := ParseFormat(c.format)
		if err != nil || p != c.d {
			t.Errorf("ParseFormat(%q) = %+v, %v; DTypeOf %+v", c.format, p, err, c.d)
		}
	}
	if DTypeOf[Float16]().Kind() != KindFloat || DTypeOf[BFloat16]().Kind() != KindFloat || DTypeOf[fromFloat16]().Kind() != KindUint {
		t.Error("Kind of the half types")
	}
	if elemKind[Float16]() != dtypes.Float16 || elemKind[BFloat16]() != dtypes.BFloat16 ||
		elemKind[fromFloat16]() != dtypes.Uint || elemKind[float32]() != dtypes.Float || elemKind[complex64]() != dtypes.Complex {
		t.Error("elemKind")
	}
	for _, c := range []struct {
		format, name string
		size         int
		order        ByteOrder
	}{
		{"<E", "bfloat16 (little-endian)", 2, LittleEndian},
		{">E", "bfloat16 (big-endian)", 2, BigEndian},
		{"=e", "float16", 2, NativeOrder},
		{"!e", "float16 (big-endian)", 2, BigEndian},
	} {
		d, err := ParseFormat(c.format)
		if err != nil || d.String() != c.name || d.ItemSize() != c.size || d.ByteOrder() != c.order || d.Format() != c.format || d.Align() != 1 {
			t.Errorf("ParseFormat(%q) = %v (%+v), %v", c.format, d, d, err)
		}
	}
	// Every Go element type: its format parses back to the same DType.
	for _, d := range []DType{
		DTypeOf[int8](), DTypeOf[uint8](), DTypeOf[int16](), DTypeOf[uint16](), DTypeOf[int32](),
		DTypeOf[uint32](), DTypeOf[int64](), DTypeOf[uint64](), DTypeOf[int](), DTypeOf[uint](),
		DTypeOf[uintptr](), DTypeOf[float32](), DTypeOf[float64](), DTypeOf[complex64](),
		DTypeOf[complex128](), DTypeOf[Float16](), DTypeOf[BFloat16](),
	} {
		p, err := ParseFormat(d.Format())
		if err == nil && p.align != d.align && d.size >= 8 {
			p.align = d.align // Go aligns 8-byte scalars to 4 on 32-bit platforms, C to 8
		}
		if err != nil || p != d {
			t.Errorf("ParseFormat(%q) = %+v, %v; DTypeOf %+v", d.Format(), p, err, d)
		}
	}
	if n := testing.AllocsPerRun(100, func() {
		_ = DTypeOf[Float16]()
		_ = DTypeOf[complex128]()
		_ = elemKind[fromBFloat16]()
	}); n != 0 {
		t.Errorf("DTypeOf and elemKind allocate %v times", n)
	}
}

// The narrow codecs agree with the types' own conversions, for every narrow class.
func TestNarrowCodecs(t *testing.T) {
	for c := dtypes.Float16; c <= dtypes.Float8E5M2; c++ {
		n := narrowOf(c)
		if n.dtype.class != c || n.dtype.ItemSize() != n.size || !c.IsNarrow() {
			t.Errorf("%v: dtype %v, size %d", c, n.dtype, n.size)
		}
		for _, x := range []float64{0, 1, -2.5, 0.1, 1e-7, 7e4, 3e38, math.Inf(-1), math.NaN()} {
			var want uint16
			switch c {
			case dtypes.Float16:
				want = uint16(Float16FromFloat64(x))
			case dtypes.BFloat16:
				want = uint16(BFloat16FromFloat64(x))
			case dtypes.Float8E4M3:
				want = uint16(Float8E4M3FromFloat64(x))
			case dtypes.Float8E5M2:
				want = uint16(Float8E5M2FromFloat64(x))
			}
			h := n.fromF64(x)
			f32 := n.toF32(h)
			if h != want || n.fromF32(f32) != h || !(n.toF64(h) == float64(f32) || f32 != f32) {
				t.Errorf("%v %v: %#04x, want %#04x", c, x, h, want)
			}
		}
	}
}

func FuzzFloat16(f *testing.F) {
	for _, x := range []uint64{0, 0x3ff0020000400000, 0x7ff0000000000001, 0x40effe0000000000, 0x3e60000000000001, 0x477ff000} {
		f.Add(x)
	}
	f.Fuzz(func(t *testing.T, x uint64) {
		if g, r := ToFloat16(math.Float32frombits(uint32(x))), ref16From32(uint32(x)); g != r {
			t.Fatalf("ToFloat16(%#08x) = %#04x, reference %#04x", uint32(x), uint16(g), uint16(r))
		}
		d := math.Float64frombits(x)
		if g := Float16FromFloat64(d); d == d && g != Float16(refRound(d, 5, 10)) || d != d && !g.IsNaN() {
			t.Fatalf("Float16FromFloat64(%#016x) = %#04x, reference %#04x", x, uint16(g), refRound(d, 5, 10))
		}
		h := Float16(x)
		if g := ToFloat16(h.Float32()); g != h {
			t.Fatalf("ToFloat16(Float16(%#04x).Float32()) = %#04x", uint16(h), uint16(g))
		}
	})
}

func FuzzBFloat16(f *testing.F) {
	for _, x := range []uint64{0, 0x7f800001, 0x7f7fffff, 0x3ff0000000000001, 0x3f80800000000000, 0x0000000100000001} {
		f.Add(x)
	}
	f.Fuzz(func(t *testing.T, x uint64) {
		f32 := math.Float32frombits(uint32(x))
		if g := ToBFloat16(f32); f32 == f32 && g != BFloat16(refRound(float64(f32), 8, 7)) || f32 != f32 && !g.IsNaN() {
			t.Fatalf("ToBFloat16(%#08x) = %#04x, reference %#04x", uint32(x), uint16(g), refRound(float64(f32), 8, 7))
		}
		d := math.Float64frombits(x)
		if g := BFloat16FromFloat64(d); d == d && g != BFloat16(refRound(d, 8, 7)) || d != d && !g.IsNaN() {
			t.Fatalf("BFloat16FromFloat64(%#016x) = %#04x, reference %#04x", x, uint16(g), refRound(d, 8, 7))
		}
		if b := BFloat16(x); !b.IsNaN() && ToBFloat16(b.Float32()) != b {
			t.Fatalf("ToBFloat16(BFloat16(%#04x).Float32()) = %#04x", uint16(b), uint16(ToBFloat16(b.Float32())))
		}
	})
}
