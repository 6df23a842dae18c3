package ndview

import (
	"math"
	"testing"
)

// Every kernel treats Float16 and BFloat16 as floats, never as the uint16 bits under them.
func TestHalfKernels(t *testing.T) {
	nan16, negZero16 := Float16(0x7e00), Float16(0x8000)
	nanBF, negZeroBF := BFloat16(0x7fc0), BFloat16(0x8000)

	t.Run("Equal", func(t *testing.T) {
		a, _ := FromSlice([]Float16{ToFloat16(1), 0, ToFloat16(-2)})
		b, _ := FromSlice([]Float16{ToFloat16(1), negZero16, ToFloat16(-2)})
		if !Equal(a, b) {
			t.Fatal("Float16: -0 must equal +0")
		}
		n, _ := FromSlice([]Float16{nan16})
		if Equal(n, n) {
			t.Fatal("Float16: NaN must not equal itself")
		}
		c, _ := FromSlice([]BFloat16{0, ToBFloat16(3)})
		d, _ := FromSlice([]BFloat16{negZeroBF, ToBFloat16(3)})
		if !Equal(c, d) {
			t.Fatal("BFloat16: -0 must equal +0")
		}
		m, _ := FromSlice([]BFloat16{nanBF})
		if Equal(m, m) {
			t.Fatal("BFloat16: NaN must not equal itself")
		}
		// A type defined from uint16 compares bits, as integers do.
		type bits uint16
		u, _ := FromSlice([]bits{0x8000})
		z, _ := FromSlice([]bits{0})
		if Equal(u, z) {
			t.Fatal("a uint16-based type is not half precision")
		}
	})

	t.Run("Convert", func(t *testing.T) {
		src, _ := FromSlice([]float64{1 + 1.0/2048 + 1.0/(1<<30), 65504, 1e6, -1e-8, math.NaN(), math.Inf(-1)})
		h := AsType[Float16](src)
		want := []Float16{0x3c01, 0x7bff, 0x7c00, 0x8000, 0x7e00, 0xfc00}
		for i, w := range want {
			if got := h.At(i); got != w && !(w.IsNaN() && got.IsNaN()) {
				t.Errorf("float64 %v → Float16: %#04x, want %#04x", src.At(i), uint16(got), uint16(w))
			}
		}
		back := AsType[float32](h)
		for i := range 4 {
			if back.At(i) != h.At(i).Float32() {
				t.Errorf("Float16 → float32 at %d", i)
			}
		}
		if !math.IsNaN(float64(back.At(4))) {
			t.Error("NaN must stay NaN")
		}
		// To integers they saturate like floats, not like bits.
		i8 := AsType[int8](h)
		if i8.At(0) != 1 || i8.At(1) != 127 || i8.At(4) != 0 || i8.At(5) != -128 {
			t.Errorf("Float16 → int8: %v", i8)
		}
		bf := AsType[BFloat16](h) // Float16 → BFloat16 through float32, rounding once
		if bf.At(1) != ToBFloat16(65504) || !bf.At(4).IsNaN() {
			t.Errorf("Float16 → BFloat16: %v", bf)
		}
		c := AsType[complex64](bf)
		if real(c.At(1)) != 65536 || imag(c.At(1)) != 0 { // 65504 rounds to bfloat16's 65536
			t.Errorf("BFloat16 → complex64: %v", c.At(1))
		}
		fromInts, _ := FromSlice([]int32{-3, 2049, 1 << 20})
		hi := AsType[Float16](fromInts)
		if hi.At(0).Float32() != -3 || hi.At(1).Float32() != 2048 || !hi.At(2).IsInf(1) {
			t.Errorf("int32 → Float16: %v", hi)
		}
	})

	t.Run("Fill and String", func(t *testing.T) {
		v := New[Float16](2, 3)
		Fill(v, ToFloat16(0.5))
		if s := v.String(); s != "[[0.5 0.5 0.5]\n [0.5 0.5 0.5]]" {
			t.Fatalf("String of Float16: %q", s)
		}
		b := New[BFloat16](2)
		Fill(b, ToBFloat16(-1.5))
		b.Set(nanBF, 1)
		if s := b.String(); s != "[-1.5  NaN]" {
			t.Fatalf("String of BFloat16: %q", s)
		}
	})
}

// Reductions treat half-precision values as floats: they accumulate in float32 and round
// once; comparisons are by value, never by bits.
func TestHalfReductions(t *testing.T) {
	vals := []float32{1.5, -2, 0.25, 65504, -0.5, 3}
	h := New[Float16](2, 3)
	b := New[BFloat16](2, 3)
	for i, x := range vals {
		h.Set(ToFloat16(x), i/3, i%3)
		b.Set(ToBFloat16(x), i/3, i%3)
	}
	// 1.5 - 2 + 0.25 + 65504 - 0.5 + 3 = 65506.25 in float32, which rounds to 65504 in
	// Float16 (summed in Float16 it would overflow on the way or lose the small terms).
	if s := Sum(h).At(); s != ToFloat16(65506.25) {
		t.Errorf("Sum of Float16: %v", s)
	}
	if s := Sum(h, 1); s.At(0) != ToFloat16(-0.25) || s.At(1) != ToFloat16(65506.5) {
		t.Errorf("Sum of Float16 along axis 1: %v", s)
	}
	if m := Max(h).At(); m != ToFloat16(65504) {
		t.Errorf("Max of Float16: %v", m) // as bits, 0xc000 (-2) would be the largest
	}
	if m := Min(b).At(); m != ToBFloat16(-2) {
		t.Errorf("Min of BFloat16: %v", m)
	}
	if i := ArgMin(h); i[0] != 0 || i[1] != 1 {
		t.Errorf("ArgMin of Float16: %v", i)
	}
	if i := ArgMax(b); i[0] != 1 || i[1] != 0 {
		t.Errorf("ArgMax of BFloat16: %v", i)
	}
	if m := Mean(h).At(); m != 65506.25/6 {
		t.Errorf("Mean of Float16: %v", m)
	}
	if p := Prod(b, 0); p.At(0) != ToBFloat16(1.5*65504) || p.At(2) != ToBFloat16(0.75) {
		t.Errorf("Prod of BFloat16 along axis 0: %v", p)
	}
	h.Set(Float16(0x7e00), 1, 2)
	if !Max(h).At().IsNaN() || ArgMax(h)[1] != 2 {
		t.Error("a NaN must propagate through Max and be ArgMax's answer")
	}
}

// Convert from Float16 (through a table) gives Float32's bits for all 65,536 patterns, NaN
// payloads included, contiguous and strided.
func TestConvertFloat16Exhaustive(t *testing.T) {
	all := New[Float16](1 << 16)
	for i := range 1 << 16 {
		all.Set(Float16(i), i)
	}
	for _, src := range []*View[Float16]{all, all.Slice(0, 0, 1<<16, -1)} {
		f := AsType[float32](src)
		for i := range src.Len() {
			if got, want := math.Float32bits(f.At(i)), math.Float32bits(src.At(i).Float32()); got != want {
				t.Fatalf("%#04x: %#08x, want %#08x", uint16(src.At(i)), got, want)
			}
		}
		d := AsType[float64](src)
		for i := range src.Len() {
			if x := src.At(i); !x.IsNaN() && d.At(i) != float64(x.Float32()) {
				t.Fatalf("%#04x → float64: %v", uint16(x), d.At(i))
			}
		}
	}
}
