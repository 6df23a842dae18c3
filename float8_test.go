package ndview

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"testing"
)

// The float8 types are checked against the vectors of testdata/gen_float8.py, an exact
// rational reference of ml_dtypes' conversions that shares no code with float8.go, and
// against the ml_dtypes rules written out by hand in TestFloat8Special.

// f8Kind is one float8 format, its conversions on plain bit patterns.
type f8Kind struct {
	name   string
	from32 func(float32) uint8
	from64 func(float64) uint8
	to32   func(uint8) float32
	to64   func(uint8) float64
	nan    uint8 // the NaN a NaN converts to (with the sign bit clear)
	isNaN  func(uint8) bool
}

var f8Kinds = []f8Kind{
	{
		"E4M3",
		func(f float32) uint8 { return uint8(ToFloat8E4M3(f)) },
		func(f float64) uint8 { return uint8(Float8E4M3FromFloat64(f)) },
		func(x uint8) float32 { return Float8E4M3(x).Float32() },
		func(x uint8) float64 { return Float8E4M3(x).Float64() },
		0x7f,
		func(x uint8) bool { return x&0x7f == 0x7f },
	},
	{
		"E5M2",
		func(f float32) uint8 { return uint8(ToFloat8E5M2(f)) },
		func(f float64) uint8 { return uint8(Float8E5M2FromFloat64(f)) },
		func(x uint8) float32 { return Float8E5M2(x).Float32() },
		func(x uint8) float64 { return Float8E5M2(x).Float64() },
		0x7e,
		func(x uint8) bool { return x&0x7f > 0x7c },
	},
}

func TestFloat8Decode(t *testing.T) {
	b := readGz(t, "float8_decode.bin.gz")
	if len(b) != 2*256*12 {
		t.Fatalf("float8_decode.bin.gz holds %d bytes", len(b))
	}
	for k, f := range f8Kinds {
		d := b[k*256*12:]
		for p := range 256 {
			x := uint8(p)
			if got, want := math.Float32bits(f.to32(x)), le.Uint32(d[4*p:]); got != want {
				t.Errorf("Float8%s(%#02x).Float32() = %#08x, reference %#08x", f.name, x, got, want)
			}
			if got, want := math.Float64bits(f.to64(x)), le.Uint64(d[1024+8*p:]); got != want {
				t.Errorf("Float8%s(%#02x).Float64() = %#016x, reference %#016x", f.name, x, got, want)
			}
		}
	}
}

// TestFloat8RoundTrip: every pattern converts back to itself through float32 and through
// float64, except the NaNs, which come back as the format's NaN with their sign. Decoding is
// odd (-x is x with the sign bit) and increasing over the non-NaN patterns of each sign.
func TestFloat8RoundTrip(t *testing.T) {
	for _, f := range f8Kinds {
		prev := math.Inf(-1)
		for p := range 256 {
			x := uint8(p)
			want := x
			if f.isNaN(x) {
				want = x&0x80 | f.nan
			}
			if g := f.from32(f.to32(x)); g != want {
				t.Errorf("%s: from float32 of %#02x's value = %#02x, want %#02x", f.name, x, g, want)
			}
			if g := f.from64(f.to64(x)); g != want {
				t.Errorf("%s: from float64 of %#02x's value = %#02x, want %#02x", f.name, x, g, want)
			}
			v, neg := f.to64(x), f.to64(x^0x80)
			if math.Float64bits(v) != math.Float64bits(neg)^1<<63 {
				t.Errorf("%s: %#02x decodes to %v, %#02x to %v", f.name, x, v, x^0x80, neg)
			}
			if x < 0x80 && !f.isNaN(x) {
				if !(v > prev) && !(p == 0 && v == 0) {
					t.Errorf("%s: %#02x decodes to %v, not above %v", f.name, x, v, prev)
				}
				prev = v
			}
		}
	}
}

// TestFloat8Special checks the rules of ml_dtypes' conversions (ml_dtypes/include/float8.h,
// ConvertImpl) by name, with results written from the rules, not from running the code.
func TestFloat8Special(t *testing.T) {
	inf, nan32 := math.Inf(1), func(b uint32) float32 { return math.Float32frombits(b) }
	above := func(x float64) float64 { return float64(math.Nextafter32(float32(x), float32(inf))) }
	below := func(x float64) float64 { return float64(math.Nextafter32(float32(x), 0)) }
	for _, c := range []struct {
		name       string
		x          float64 // from float32 too where float32 holds it exactly
		e4m3, e5m2 uint8
	}{
		{"+0", 0, 0x00, 0x00},
		{"-0", math.Copysign(0, -1), 0x80, 0x80},
		{"1", 1, 0x38, 0x3c},
		{"-1", -1, 0xb8, 0xbc},
		{"0.1 rounds to 0.1015625 (E4M3) and 0.09375 (E5M2)", 0.1, 0x1d, 0x2e},
		{"E4M3 max 448", 448, 0x7e, 0x5f},
		{"-448", -448, 0xfe, 0xdf},
		{"464: E4M3 tie of 448 (even) and 480 rounds to 448", 464, 0x7e, 0x5f},
		{"-464", -464, 0xfe, 0xdf},
		{"464 + 1 float32 ulp: E4M3 NaN", above(464), 0x7f, 0x5f},
		{"-464 - 1 ulp: E4M3 -NaN", -above(464), 0xff, 0xdf},
		{"464 + 2^-40 (float64 only: through float32 it is 464)", 464 + 0x1p-40, 0x7f, 0x5f},
		{"480", 480, 0x7f, 0x60},
		{"E5M2 max 57344", 57344, 0x7f, 0x7b},
		{"-57344", -57344, 0xff, 0xfb},
		{"61440 - 1 ulp", below(61440), 0x7f, 0x7b},
		{"61440: E5M2 tie of 57344 and 65536 (0x7C, even) is Inf", 61440, 0x7f, 0x7c},
		{"-61440", -61440, 0xff, 0xfc},
		{"61440 - 2^-30 (float64 only: through float32 it is 61440, Inf)", 61440 - 0x1p-30, 0x7f, 0x7b},
		{"65536", 65536, 0x7f, 0x7c},
		{"MaxFloat32", math.MaxFloat32, 0x7f, 0x7c},
		{"MaxFloat64", math.MaxFloat64, 0x7f, 0x7c},
		{"-MaxFloat64", -math.MaxFloat64, 0xff, 0xfc},
		{"+Inf", inf, 0x7f, 0x7c},
		{"-Inf", -inf, 0xff, 0xfc},
		{"E4M3 smallest normal 2^-6", 0x1p-6, 0x08, 0x24},
		{"E4M3 largest subnormal 7×2^-9", 7 * 0x1p-9, 0x07, 0x23},
		{"7.5×2^-9: tie of 0x07 and 0x08 (even), rounds up into the normals", 7.5 * 0x1p-9, 0x08, 0x24},
		{"E4M3 smallest subnormal 2^-9", 0x1p-9, 0x01, 0x18},
		{"1.5×2^-9: tie of 0x01 and 0x02 (even)", 1.5 * 0x1p-9, 0x02, 0x1a},
		{"2^-10: E4M3 tie of 0 (even) and 2^-9", 0x1p-10, 0x00, 0x14},
		{"-2^-10", -0x1p-10, 0x80, 0x94},
		{"2^-10 + 1 ulp", above(0x1p-10), 0x01, 0x14},
		{"2^-10 + 2^-60 (float64 only)", 0x1p-10 + 0x1p-60, 0x01, 0x14},
		{"2^-11", 0x1p-11, 0x00, 0x10},
		{"E5M2 smallest normal 2^-14", 0x1p-14, 0x00, 0x04},
		{"E5M2 largest subnormal 3×2^-16", 3 * 0x1p-16, 0x00, 0x03},
		{"3.5×2^-16: tie of 0x03 and 0x04 (even), rounds up into the normals", 3.5 * 0x1p-16, 0x00, 0x04},
		{"E5M2 smallest subnormal 2^-16", 0x1p-16, 0x00, 0x01},
		{"1.5×2^-16: tie of 0x01 and 0x02 (even)", 1.5 * 0x1p-16, 0x00, 0x02},
		{"2^-17: E5M2 tie of 0 (even) and 2^-16", 0x1p-17, 0x00, 0x00},
		{"-2^-17", -0x1p-17, 0x80, 0x80},
		{"2^-17 + 1 ulp", above(0x1p-17), 0x00, 0x01},
		{"-2^-17 - 1 ulp", -above(0x1p-17), 0x80, 0x81},
		{"float32 smallest subnormal", math.SmallestNonzeroFloat32, 0x00, 0x00},
		{"-float32 smallest subnormal", -math.SmallestNonzeroFloat32, 0x80, 0x80},
		{"float32 largest subnormal", float64(math.Float32frombits(0x007fffff)), 0x00, 0x00},
		{"float64 smallest subnormal", math.SmallestNonzeroFloat64, 0x00, 0x00},
		{"-float64 smallest subnormal", -math.SmallestNonzeroFloat64, 0x80, 0x80},
		{"1.0625: E4M3 tie of 1 (even) and 1.125", 1.0625, 0x38, 0x3c},
		{"1.1875: E4M3 tie of 1.125 and 1.25 (even)", 1.1875, 0x3a, 0x3d},
		{"1.125: E5M2 tie of 1 (even) and 1.25", 1.125, 0x39, 0x3c},
		{"1.375: E5M2 tie of 1.25 and 1.5 (even)", 1.375, 0x3b, 0x3e},
		{"1.9375: E4M3 tie of 1.875 and 2 (even), into the next binade", 1.9375, 0x40, 0x40},
		{"1.875: E5M2 tie of 1.75 and 2 (even), into the next binade", 1.875, 0x3f, 0x40},
		{"1 + 2^-4 + 2^-30 (float64 only: through float32 the E4M3 tie, 1)", 1 + 0x1p-4 + 0x1p-30, 0x39, 0x3c},
		{"1 + 2^-4 + 2^-20", 1 + 0x1p-4 + 0x1p-20, 0x39, 0x3c},
		{"1 + 2^-3 + 2^-30 (float64 only: through float32 the E5M2 tie, 1)", 1 + 0x1p-3 + 0x1p-30, 0x39, 0x3d},
		{"240: E5M2 tie of 224 and 256 (even)", 240, 0x77, 0x5c},
		{"-2.75", -2.75, 0xc3, 0xc2},
	} {
		if g := Float8E4M3FromFloat64(c.x); uint8(g) != c.e4m3 {
			t.Errorf("Float8E4M3FromFloat64(%s) = %#02x, want %#02x", c.name, uint8(g), c.e4m3)
		}
		if g := Float8E5M2FromFloat64(c.x); uint8(g) != c.e5m2 {
			t.Errorf("Float8E5M2FromFloat64(%s) = %#02x, want %#02x", c.name, uint8(g), c.e5m2)
		}
		if f := float32(c.x); float64(f) == c.x || math.IsInf(c.x, 0) {
			if g := ToFloat8E4M3(f); uint8(g) != c.e4m3 {
				t.Errorf("ToFloat8E4M3(%s) = %#02x, want %#02x", c.name, uint8(g), c.e4m3)
			}
			if g := ToFloat8E5M2(f); uint8(g) != c.e5m2 {
				t.Errorf("ToFloat8E5M2(%s) = %#02x, want %#02x", c.name, uint8(g), c.e5m2)
			}
		}
	}
	// The double-rounding cases above do differ through float32.
	if ToFloat8E4M3(float32(1+0x1p-4+0x1p-30)) != 0x38 || Float8E4M3FromFloat64(1+0x1p-4+0x1p-30) != 0x39 ||
		ToFloat8E4M3(float32(464+0x1p-40)) != 0x7e || ToFloat8E5M2(float32(61440-0x1p-30)) != 0x7c {
		t.Error("double rounding through float32 gives the same results")
	}

	// NaNs: E4M3's NaN, E5M2's quiet NaN, each with the input's sign; no payload survives.
	for _, b := range []uint64{
		0x7ff8000000000000, 0x7ff0000000000001, 0x7ff4000000000000, 0x7fffffffffffffff,
		0x7ff0000000100000, 0x7ff0000020000000,
	} {
		for _, s := range []uint64{0, 1 << 63} {
			f := math.Float64frombits(b | s)
			e4, e5 := uint8(s>>56)|0x7f, uint8(s>>56)|0x7e
			if g := Float8E4M3FromFloat64(f); uint8(g) != e4 {
				t.Errorf("Float8E4M3FromFloat64(%#016x) = %#02x, want %#02x", b|s, uint8(g), e4)
			}
			if g := Float8E5M2FromFloat64(f); uint8(g) != e5 {
				t.Errorf("Float8E5M2FromFloat64(%#016x) = %#02x, want %#02x", b|s, uint8(g), e5)
			}
		}
	}
	for _, b := range []uint32{0x7fc00000, 0x7f800001, 0x7fa00000, 0x7fffffff, 0x7f800100, 0x7fe00000} {
		for _, s := range []uint32{0, 1 << 31} {
			f := nan32(b | s)
			e4, e5 := uint8(s>>24)|0x7f, uint8(s>>24)|0x7e
			if g := ToFloat8E4M3(f); uint8(g) != e4 {
				t.Errorf("ToFloat8E4M3(%#08x) = %#02x, want %#02x", b|s, uint8(g), e4)
			}
			if g := ToFloat8E5M2(f); uint8(g) != e5 {
				t.Errorf("ToFloat8E5M2(%#08x) = %#02x, want %#02x", b|s, uint8(g), e5)
			}
		}
	}

	// Decoding: the bounds, and NaNs as the float's quiet NaN with their sign.
	for _, c := range []struct {
		name string
		got  float32
		want uint32
	}{
		{"E4M3 0x7E", Float8E4M3(0x7e).Float32(), math.Float32bits(448)},
		{"E4M3 0xFE", Float8E4M3(0xfe).Float32(), math.Float32bits(-448)},
		{"E4M3 0x7F", Float8E4M3(0x7f).Float32(), 0x7fc00000},
		{"E4M3 0xFF", Float8E4M3(0xff).Float32(), 0xffc00000},
		{"E4M3 0x78", Float8E4M3(0x78).Float32(), math.Float32bits(256)},
		{"E4M3 0x08", Float8E4M3(0x08).Float32(), math.Float32bits(0x1p-6)},
		{"E4M3 0x07", Float8E4M3(0x07).Float32(), math.Float32bits(7 * 0x1p-9)},
		{"E4M3 0x01", Float8E4M3(0x01).Float32(), math.Float32bits(0x1p-9)},
		{"E4M3 0x80", Float8E4M3(0x80).Float32(), 0x80000000},
		{"E5M2 0x7B", Float8E5M2(0x7b).Float32(), math.Float32bits(57344)},
		{"E5M2 0x7C", Float8E5M2(0x7c).Float32(), 0x7f800000},
		{"E5M2 0xFC", Float8E5M2(0xfc).Float32(), 0xff800000},
		{"E5M2 0x7D (signaling)", Float8E5M2(0x7d).Float32(), 0x7fc00000},
		{"E5M2 0x7E", Float8E5M2(0x7e).Float32(), 0x7fc00000},
		{"E5M2 0xFF", Float8E5M2(0xff).Float32(), 0xffc00000},
		{"E5M2 0x04", Float8E5M2(0x04).Float32(), math.Float32bits(0x1p-14)},
		{"E5M2 0x03", Float8E5M2(0x03).Float32(), math.Float32bits(3 * 0x1p-16)},
		{"E5M2 0x01", Float8E5M2(0x01).Float32(), math.Float32bits(0x1p-16)},
		{"E5M2 0x80", Float8E5M2(0x80).Float32(), 0x80000000},
	} {
		if math.Float32bits(c.got) != c.want {
			t.Errorf("%s decodes to %#08x, want %#08x", c.name, math.Float32bits(c.got), c.want)
		}
	}
	for _, c := range []struct {
		name string
		got  float64
		want uint64
	}{
		{"E4M3 0x7F", Float8E4M3(0x7f).Float64(), 0x7ff8000000000000},
		{"E4M3 0xFF", Float8E4M3(0xff).Float64(), 0xfff8000000000000},
		{"E5M2 0x7D", Float8E5M2(0x7d).Float64(), 0x7ff8000000000000},
		{"E5M2 0xFF", Float8E5M2(0xff).Float64(), 0xfff8000000000000},
		{"E5M2 0xFC", Float8E5M2(0xfc).Float64(), math.Float64bits(math.Inf(-1))},
		{"E5M2 0x01", Float8E5M2(0x01).Float64(), math.Float64bits(0x1p-16)},
	} {
		if math.Float64bits(c.got) != c.want {
			t.Errorf("%s decodes to %#016x, want %#016x", c.name, math.Float64bits(c.got), c.want)
		}
	}
}

func TestFloat8FromFloat32Vectors(t *testing.T) {
	b := readGz(t, "float8_f32.bin.gz")
	n := len(b) / 6
	if n == 0 || len(b)%6 != 0 {
		t.Fatalf("float8_f32.bin.gz holds %d bytes", len(b))
	}
	in := b[:4*n]
	for k, f := range f8Kinds {
		out := b[4*n+k*n:]
		for i := range n {
			x := le.Uint32(in[4*i:])
			want := out[i]
			v := math.Float32frombits(x)
			if g := f.from32(v); g != want {
				t.Fatalf("%s: from float32 %#08x = %#02x, reference %#02x", f.name, x, g, want)
			}
			if v != v {
				continue // a NaN's float64 conversion is platform's; the float64 vectors have NaNs
			}
			if g := f.from64(float64(v)); g != want {
				t.Fatalf("%s: from float64 of float32 %#08x = %#02x, reference %#02x", f.name, x, g, want)
			}
		}
	}
}

func TestFloat8FromFloat64Vectors(t *testing.T) {
	b := readGz(t, "float8_f64.bin.gz")
	n := len(b) / 12
	if n == 0 || len(b)%12 != 0 {
		t.Fatalf("float8_f64.bin.gz holds %d bytes", len(b))
	}
	in := b[:8*n]
	for k, f := range f8Kinds {
		direct, via := b[8*n+k*n:], b[10*n+k*n:]
		differ := 0
		for i := range n {
			x := le.Uint64(in[8*i:])
			v := math.Float64frombits(x)
			if g := f.from64(v); g != direct[i] {
				t.Fatalf("%s: from float64 %#016x = %#02x, reference %#02x", f.name, x, g, direct[i])
			}
			if v != v {
				continue // float32(NaN) is the platform's
			}
			// float32(v) rounds to nearest even on every platform Go supports.
			if g := f.from32(float32(v)); g != via[i] {
				t.Fatalf("%s: from float32(%#016x) = %#02x, reference %#02x", f.name, x, g, via[i])
			}
			if direct[i] != via[i] {
				differ++
			}
		}
		// The vectors hold double-rounding traps: rounding once must make a difference.
		if differ == 0 {
			t.Errorf("%s: no float64 input rounds differently through float32", f.name)
		}
	}
}

// splitmix64 is the generator gen_float8.py makes its random inputs with.
type splitmix64 uint64

func (s *splitmix64) next() uint64 {
	*s += 0x9e3779b97f4a7c15
	z := uint64(*s)
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// TestFloat8RandomVectors makes the random inputs of gen_float8.py again (rand32, rand64)
// and checks them against the results it stored; E5M2 also against refRound, which rounds
// to any IEEE-like binary format exactly with math/big.
func TestFloat8RandomVectors(t *testing.T) {
	const n32, n64 = 50000, 25000
	b := readGz(t, "float8_rand.bin.gz")
	if len(b) != 2*(2*n32+2*n64) {
		t.Fatalf("float8_rand.bin.gz holds %d bytes", len(b))
	}
	s := splitmix64(0x6e6476696577f8)
	in32 := make([]uint32, 0, 2*n32)
	for range n32 {
		in32 = append(in32, uint32(s.next()))
	}
	for range n32 {
		r := s.next()
		in32 = append(in32, uint32(r>>63)<<31|uint32(107+(r>>32)%38)<<23|uint32(r)&0x7fffff)
	}
	in64 := make([]uint64, 0, 2*n64)
	for range n64 {
		in64 = append(in64, s.next())
	}
	for range n64 {
		r := s.next()
		q := s.next()
		in64 = append(in64, q>>63<<63|(1003+(q>>32)%38)<<52|r&(1<<52-1))
	}
	for k, f := range f8Kinds {
		out := b[k*2*n32:]
		for i, x := range in32 {
			v := math.Float32frombits(x)
			if g := f.from32(v); g != out[i] {
				t.Fatalf("%s: from float32 %#08x = %#02x, reference %#02x", f.name, x, g, out[i])
			}
			if f.name == "E5M2" && v == v {
				if r := uint8(refRound(float64(v), 5, 2)); r != out[i] { // the sign is bit 7 here
					t.Fatalf("refRound(%#08x, 5, 2) = %#02x, reference %#02x", x, r, out[i])
				}
			}
		}
		out = b[4*n32+k*2*n64:]
		for i, x := range in64 {
			v := math.Float64frombits(x)
			if g := f.from64(v); g != out[i] {
				t.Fatalf("%s: from float64 %#016x = %#02x, reference %#02x", f.name, x, g, out[i])
			}
			if f.name == "E5M2" && v == v {
				if r := uint8(refRound(v, 5, 2)); r != out[i] { // the sign is bit 7 here
					t.Fatalf("refRound(%#016x, 5, 2) = %#02x, reference %#02x", x, r, out[i])
				}
			}
		}
	}
}

// f8Run is a run of positive float32 bit patterns, from first up to the next run's first,
// that convert to result.
type f8Run struct {
	first  uint32
	result uint8
}

// TestFloat8AllFloat32 checks the conversion of float32 bit patterns, both signs, against
// the runs gen_float8.py found with its exact reference: by default the 2^14 patterns at
// each end of every run and one in 4099 of the rest (about 20 million conversions), with
// -short 2^8 at each end; NDVIEW_EXHAUSTIVE=1 checks all 2^32, through float64 as well
// (about two minutes).
func TestFloat8AllFloat32(t *testing.T) {
	fh, err := os.Open("testdata/float8_f32_runs.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	runs := map[string][]f8Run{}
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		var name string
		var r f8Run
		if _, err := fmt.Sscanf(sc.Text(), "%s %x %x", &name, &r.first, &r.result); err != nil {
			t.Fatal(err)
		}
		runs[name] = append(runs[name], r)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	edge, stride := uint32(1<<14), uint32(4099)
	exhaustive := os.Getenv("NDVIEW_EXHAUSTIVE") != ""
	if exhaustive {
		edge, stride = 0, 1
	} else if testing.Short() {
		edge, stride = 1<<8, 0
	}
	for _, f := range f8Kinds {
		rs := runs[strings.ToLower(f.name)]
		if len(rs) < 100 || rs[0].first != 0 {
			t.Fatalf("%s: %d runs", f.name, len(rs))
		}
		check := func(x uint32, want uint8) {
			for _, s := range []uint32{0, 1 << 31} {
				v := math.Float32frombits(x | s)
				w := want | uint8(s>>24)
				if g := f.from32(v); g != w {
					t.Fatalf("%s: from float32 %#08x = %#02x, reference %#02x", f.name, x|s, g, w)
				}
				if exhaustive && v == v {
					if g := f.from64(float64(v)); g != w {
						t.Fatalf("%s: from float64 of float32 %#08x = %#02x, reference %#02x", f.name, x|s, g, w)
					}
				}
			}
		}
		for i, r := range rs {
			end := uint64(1 << 31) // the run's last pattern + 1
			if i+1 < len(rs) {
				end = uint64(rs[i+1].first)
				if end <= uint64(r.first) {
					t.Fatalf("%s: runs out of order at %#08x", f.name, end)
				}
			}
			// Every pattern near the ends, one in stride in the middle (none with -short).
			lo, hi, e := uint64(r.first), end, uint64(edge)
			for x := lo; x < hi; x++ {
				check(uint32(x), r.result)
				if e > 0 && x+1 >= lo+e && x+1+e < hi { // x+1 is in the middle
					if stride == 0 {
						x = hi - e - 1
					} else {
						x = min(x+uint64(stride), hi-e) - 1
					}
				}
			}
		}
	}
}

// TestFloat8Monotonic sweeps float32 values upwards, from -Inf to +Inf (one in 1021 bit
// patterns and each power of two), and checks that the results never go down: for
// E4M3, whose overflow is the NaN, the NaN counts as past the largest finite value.
func TestFloat8Monotonic(t *testing.T) {
	rank := func(p uint8) int {
		if p&0x80 != 0 {
			return -int(p & 0x7f)
		}
		return int(p)
	}
	var xs []uint32
	for x := uint64(0); x <= 0x7f800000; x += 1021 {
		xs = append(xs, uint32(x))
	}
	for e := range uint32(256) {
		xs = append(xs, e<<23) // 0, then each power of two, then +Inf
	}
	slices.Sort(xs) // by value: positive float32 bit patterns are in value order
	xs = slices.Compact(xs)
	sweep := make([]float32, 0, 2*len(xs))
	for i := len(xs) - 1; i >= 0; i-- {
		sweep = append(sweep, -math.Float32frombits(xs[i]))
	}
	for _, x := range xs {
		sweep = append(sweep, math.Float32frombits(x))
	}
	for _, f := range f8Kinds {
		prev, prevX := math.MinInt, float32(0)
		for _, x := range sweep {
			for _, r := range []int{rank(f.from32(x)), rank(f.from64(float64(x)))} {
				if r < prev {
					t.Fatalf("%s: %v converts below %v", f.name, x, prevX)
				}
				prev, prevX = r, x
			}
		}
	}
}
