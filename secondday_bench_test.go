package ndview

import (
	"math"
	"testing"
)

var (
	sinkInts  *View[int]
	sinkIdx   []int
	sinkF32   *View[float32]
	sinkBytes []float32
)

// sines returns an r×c float64 view of sin(i) in C order.
func sines(r, c int) *View[float64] {
	s := make([]float64, r*c)
	for i := range s {
		s[i] = math.Sin(float64(i))
	}
	v, _ := FromSlice(s, r, c)
	return v
}

// BenchmarkArgMaxAxisLast compares ArgMaxAxis along the last axis (one contiguous run per
// result cell) with ArgMax over the same bytes.
func BenchmarkArgMaxAxisLast(b *testing.B) {
	v := sines(2048, 2048)
	b.Run("ndview", func(b *testing.B) {
		b.SetBytes(int64(v.NBytes()))
		b.ReportAllocs()
		for b.Loop() {
			sinkInts = ArgMaxAxis(v, 1)
		}
	})
	b.Run("baseline", func(b *testing.B) {
		b.SetBytes(int64(v.NBytes()))
		b.ReportAllocs()
		for b.Loop() {
			sinkIdx = ArgMax(v)
		}
	})
}

// BenchmarkArgMaxAxisFirst is ArgMaxAxis along axis 0 of a C-contiguous matrix (rows
// folded into per-column bests) and of its transpose.
func BenchmarkArgMaxAxisFirst(b *testing.B) {
	v := sines(2048, 2048)
	for name, w := range map[string]*View[float64]{"C": v, "T": v.Transpose()} {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(v.NBytes()))
			b.ReportAllocs()
			for b.Loop() {
				sinkInts = ArgMaxAxis(w, 0)
			}
		})
	}
}

// BenchmarkConcatenate compares Concatenate of two 1024×4096 float32 views with copy() of
// the same bytes into a preallocated slice.
func BenchmarkConcatenate(b *testing.B) {
	x, y := New[float32](1024, 4096), New[float32](1024, 4096)
	Fill(x, 1)
	Fill(y, 2)
	b.Run("ndview", func(b *testing.B) {
		b.SetBytes(int64(2 * x.NBytes()))
		b.ReportAllocs()
		for b.Loop() {
			sinkF32 = Concatenate(0, x, y)
		}
	})
	b.Run("baseline", func(b *testing.B) {
		xs, ys := x.ToSlice(), y.ToSlice()
		dst := make([]float32, len(xs)+len(ys))
		b.SetBytes(int64(2 * x.NBytes()))
		b.ReportAllocs()
		for b.Loop() {
			copy(dst, xs)
			copy(dst[len(xs):], ys)
		}
		sinkBytes = dst
	})
	// What the result's allocation costs alone: a zeroed 32 MiB New, collected each time.
	b.Run("new", func(b *testing.B) {
		b.SetBytes(int64(2 * x.NBytes()))
		b.ReportAllocs()
		for b.Loop() {
			sinkF32 = New[float32](2048, 4096)
		}
	})
	// The copy kernel alone, into a preallocated result: Copy into its two slots.
	b.Run("copyinto", func(b *testing.B) {
		out := New[float32](2048, 4096)
		top, bottom := out.Slice(0, 0, 1024, 1), out.Slice(0, 1024, 2048, 1)
		b.SetBytes(int64(2 * x.NBytes()))
		b.ReportAllocs()
		for b.Loop() {
			Copy(top, x)
			Copy(bottom, y)
		}
	})
	b.Run("transposed", func(b *testing.B) {
		xt := New[float32](4096, 1024).Transpose()
		b.SetBytes(int64(2 * x.NBytes()))
		b.ReportAllocs()
		for b.Loop() {
			sinkF32 = Concatenate(0, xt, y)
		}
	})
}
