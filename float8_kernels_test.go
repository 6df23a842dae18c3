package ndview

import (
	"math"
	"testing"
)

// The float8 types take part in the kernels as floats, as the half types do: Convert/AsType
// to and from every kind (rounding once), Equal by value, Fill, String and the reductions.
func TestFloat8Kernels(t *testing.T) {
	// Conversion from float64 rounds once, straight from the value: 1+2⁻⁴+2⁻³⁰ is just above
	// the midpoint of 1 and 1.125, so it rounds up; through float32 it would be the tie,
	// which rounds to even (1).
	x := 1 + 0x1p-4 + 0x1p-30
	src, _ := FromSlice([]float64{x, -x, 500, math.Inf(1), math.NaN(), 0x1p-11}, 6)
	e4 := AsType[Float8E4M3](src)
	want := []Float8E4M3{Float8E4M3FromFloat64(x), Float8E4M3FromFloat64(-x), 0x7f, 0x7f, 0x7f, 0}
	for i, w := range want {
		if got := e4.At(i); got != w {
			t.Errorf("AsType[Float8E4M3](%v) = %#02x, want %#02x", src.At(i), uint8(got), uint8(w))
		}
	}
	if e4.At(0) != 0x39 {
		t.Errorf("1+2⁻⁴+2⁻³⁰ rounded to %#02x, want 0x39 (rounding once)", uint8(e4.At(0)))
	}
	// Narrow to narrow: exact widening, one rounding.
	h := AsType[Float16](src)
	e5 := AsType[Float8E5M2](h)
	for i := range 6 {
		if got, w := e5.At(i), ToFloat8E5M2(h.At(i).Float32()); got != w {
			t.Errorf("Float16 %v → Float8E5M2: %#02x, want %#02x", h.At(i), uint8(got), uint8(w))
		}
	}
	// Integers, complex and back.
	ints := AsType[int32](AsType[Float8E5M2](src.Slice(0, 2, 3, 1)))
	if ints.At(0) != 512 {
		t.Errorf("500 → Float8E5M2 → int32 = %d, want 512", ints.At(0))
	}
	c := AsType[complex64](e4)
	if real(c.At(2)) == real(c.At(2)) || imag(c.At(0)) != 0 {
		t.Errorf("Float8E4M3 → complex64: %v", c.ToSlice())
	}
	// Equal compares values: NaN is never equal, -0 equals +0.
	a, _ := FromSlice([]Float8E4M3{0x00, 0x38}, 2)
	b, _ := FromSlice([]Float8E4M3{0x80, 0x38}, 2)
	if !Equal(a, b) {
		t.Error("Equal: -0 != +0")
	}
	n, _ := FromSlice([]Float8E5M2{0x7e}, 1)
	if Equal(n, n) {
		t.Error("Equal: NaN == NaN")
	}
	// Fill writes the pattern; String prints values.
	f := New[Float8E5M2](3)
	Fill(f, ToFloat8E5M2(-0.75))
	if s := f.String(); s != "[-0.75 -0.75 -0.75]" {
		t.Errorf("String = %q", s)
	}
	if s := e4.String(); s != "[ 1.125 -1.125    NaN    NaN    NaN      0]" {
		t.Errorf("String = %q", s)
	}
	// Reductions widen to float32 and round once; the extrema compare values, NaN first.
	r, _ := FromSlice([]Float8E5M2{ToFloat8E5M2(1), ToFloat8E5M2(-3), ToFloat8E5M2(2.5)}, 3)
	if got := Sum(r).At().Float32(); got != 0.5 {
		t.Errorf("Sum = %v", got)
	}
	if got := Max(r).At().Float32(); got != 2.5 {
		t.Errorf("Max = %v", got)
	}
	if got := ArgMin(r); got[0] != 1 {
		t.Errorf("ArgMin = %v", got)
	}
	if got := ArgMax(e4); got[0] != 2 { // the first NaN wins
		t.Errorf("ArgMax with NaN = %v", got)
	}
	if got := Mean(r).At(); got != 0.5/3 {
		t.Errorf("Mean = %v", got)
	}
}
