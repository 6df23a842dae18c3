package ggml

import (
	"errors"
	"math"
	"testing"

	"github.com/ndview/ndview"
)

func TestRowBytes(t *testing.T) {
	for _, c := range []struct {
		t    Type
		n    int
		want int
		err  error
	}{
		{F32, 7, 28, nil},
		{Q4_K, 512, 288, nil},
		{Q4_K, 100, 0, ndview.ErrShape},
		{Q8_0, -32, 0, ndview.ErrShape},
		{Q8_0, math.MaxInt - 31, 0, ndview.ErrOverflow},
		{4, 32, 0, ndview.ErrFormat},
		{43, 32, 0, ndview.ErrFormat},
	} {
		got, err := RowBytes(c.t, c.n)
		if got != c.want || !errors.Is(err, c.err) || (c.err == nil) != (err == nil) {
			t.Errorf("RowBytes(%v, %d) = %d, %v; want %d, %v", c.t, c.n, got, err, c.want, c.err)
		}
	}
	if s := Type(77).String(); s != "ggml.Type(77)" {
		t.Errorf("Type(77).String() = %q", s)
	}
	if n := len(Types()); n != 35 {
		t.Errorf("%d types, want the 35 ggml defines", n)
	}
}

func TestDequantizePlain(t *testing.T) {
	src := []byte{0x00, 0x3c, 0x00, 0xc0, 0x01, 0x00, 0x00, 0x7c} // 1, -2, 2^-24, +inf
	dst := make([]float32, 4)
	if err := Dequantize(dst, src, F16); err != nil {
		t.Fatal(err)
	}
	want := []float32{1, -2, 0x1p-24, float32(math.Inf(1))}
	for i := range want {
		if dst[i] != want[i] {
			t.Errorf("F16 %d: %v, want %v", i, dst[i], want[i])
		}
	}
	if err := Dequantize(dst, src[:7], F16); !errors.Is(err, ndview.ErrShape) {
		t.Errorf("short src: %v", err)
	}
	if err := Dequantize(dst[:2], src, I32); err != nil || dst[0] != float32(0xc0003c00-(1<<32)) {
		t.Errorf("I32: %v %v", dst[:2], err)
	}
}
