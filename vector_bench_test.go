package ndview

import (
	"math"
	"testing"
)

// The workloads of the vector kernels' goals (bench/README.md), for `go test -bench Vec`:
// NumPy's times for the same operations come from bench/numpy_bench.py.

var sinkF64 *View[float64]

// BenchmarkVecExtrema is Max, Min, ArgMax and ArgMin of 4M float64 and float32 sines.
func BenchmarkVecExtrema(b *testing.B) {
	v64 := sines(1, 4<<20).Index(0, 0)
	v32 := AsType[float32](v64)
	b.Run("Max/f64", func(b *testing.B) { benchBytes(b, v64.NBytes(), func() { sinkF64 = Max(v64) }) })
	b.Run("Min/f64", func(b *testing.B) { benchBytes(b, v64.NBytes(), func() { sinkF64 = Min(v64) }) })
	b.Run("ArgMax/f64", func(b *testing.B) { benchBytes(b, v64.NBytes(), func() { sinkIdx = ArgMax(v64) }) })
	b.Run("ArgMin/f64", func(b *testing.B) { benchBytes(b, v64.NBytes(), func() { sinkIdx = ArgMin(v64) }) })
	b.Run("Max/f32", func(b *testing.B) { benchBytes(b, v32.NBytes(), func() { sinkF32 = Max(v32) }) })
	b.Run("Min/f32", func(b *testing.B) { benchBytes(b, v32.NBytes(), func() { sinkF32 = Min(v32) }) })
	b.Run("ArgMax/f32", func(b *testing.B) { benchBytes(b, v32.NBytes(), func() { sinkIdx = ArgMax(v32) }) })
	b.Run("ArgMin/f32", func(b *testing.B) { benchBytes(b, v32.NBytes(), func() { sinkIdx = ArgMin(v32) }) })
}

// BenchmarkVecAxes is ArgMaxAxis along the last axis and Sum along each axis of a 2048²
// float64 matrix.
func BenchmarkVecAxes(b *testing.B) {
	v := sines(2048, 2048)
	b.Run("ArgMaxAxis/last", func(b *testing.B) { benchBytes(b, v.NBytes(), func() { sinkInts = ArgMaxAxis(v, 1) }) })
	b.Run("Sum/axis0", func(b *testing.B) { benchBytes(b, v.NBytes(), func() { sinkF64 = Sum(v, 0) }) })
	b.Run("Sum/axis1", func(b *testing.B) { benchBytes(b, v.NBytes(), func() { sinkF64 = Sum(v, 1) }) })
	b.Run("Sum/all", func(b *testing.B) { benchBytes(b, v.NBytes(), func() { sinkF64 = Sum(v) }) })
}

// BenchmarkVecConvert is Convert of 16M elements into a kept float32 (or float64)
// destination, beside copy() of the source's and of the destination's bytes.
func BenchmarkVecConvert(b *testing.B) {
	const n = 16 << 20
	f64 := make([]float64, n)
	for i := range f64 {
		f64[i] = math.Sin(float64(i))
	}
	src64, _ := FromSlice(f64)
	d32 := make([]float32, n)
	dst32, _ := FromSlice(d32)
	d64 := make([]float64, n)
	dst64, _ := FromSlice(d64)
	src32 := AsType[float32](src64)
	srcH := AsType[Float16](src64)
	srcB := AsType[BFloat16](src64)
	scaled := func(f func(float64) float64) *View[float64] {
		s := src64.Clone()
		Apply(s, src64, func(_, x float64) float64 { return f(x) })
		return s
	}
	srcI8 := AsType[int8](scaled(func(x float64) float64 { return x * 100 }))
	srcU8 := AsType[uint8](scaled(func(x float64) float64 { return (x + 1) * 100 }))
	srcI32 := AsType[int32](scaled(func(x float64) float64 { return x * 1e6 }))
	c64 := make([]float64, n)
	c32 := make([]float32, n)
	b.Run("copy/f64", func(b *testing.B) { benchBytes(b, n*8, func() { copy(c64, f64) }) })
	s32, _, _ := src32.Raw()
	b.Run("copy/f32", func(b *testing.B) { benchBytes(b, n*4, func() { copy(c32, s32) }) })
	b.Run("f64-f32", func(b *testing.B) { benchBytes(b, n*8, func() { Convert(dst32, src64) }) })
	b.Run("f32-f64", func(b *testing.B) { benchBytes(b, n*8, func() { Convert(dst64, src32) }) })
	b.Run("f16-f32", func(b *testing.B) { benchBytes(b, n*4, func() { Convert(dst32, srcH) }) })
	b.Run("bf16-f32", func(b *testing.B) { benchBytes(b, n*4, func() { Convert(dst32, srcB) }) })
	b.Run("i8-f32", func(b *testing.B) { benchBytes(b, n*4, func() { Convert(dst32, srcI8) }) })
	b.Run("u8-f32", func(b *testing.B) { benchBytes(b, n*4, func() { Convert(dst32, srcU8) }) })
	b.Run("i32-f32", func(b *testing.B) { benchBytes(b, n*4, func() { Convert(dst32, srcI32) }) })
}

func benchBytes(b *testing.B, n int, f func()) {
	b.SetBytes(int64(n))
	for b.Loop() {
		f()
	}
}

// BenchmarkVecFillEqual is Fill of 16M float64 (beyond the caches) and of 64K (in them),
// of 16M and 64K uint8 (with -tags noasm, the Go fill that arm64 and x86-64 without AVX2
// run, which once stored a byte at a time), and Equal of two equal 4M float64 views.
func BenchmarkVecFillEqual(b *testing.B) {
	big, small := New[float64](16<<20), New[float64](64<<10)
	Fill(big, 1)
	b.Run("Fill/16M", func(b *testing.B) { benchBytes(b, big.NBytes(), func() { Fill(big, 1.5) }) })
	b.Run("Fill/64K", func(b *testing.B) { benchBytes(b, small.NBytes(), func() { Fill(small, 1.5) }) })
	bytes16M, bytes64K := New[uint8](16<<20), New[uint8](64<<10)
	b.Run("Fill/u8-16M", func(b *testing.B) { benchBytes(b, bytes16M.NBytes(), func() { Fill(bytes16M, 7) }) })
	b.Run("Fill/u8-64K", func(b *testing.B) { benchBytes(b, bytes64K.NBytes(), func() { Fill(bytes64K, 7) }) })
	x, y := sines(1, 4<<20), sines(1, 4<<20)
	b.Run("Equal/4M", func(b *testing.B) {
		benchBytes(b, 2*x.NBytes(), func() {
			if !Equal(x, y) {
				b.Fatal("not equal")
			}
		})
	})
}
