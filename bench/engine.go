package main

import (
	"math/rand/v2"
	"testing"

	"github.com/ndview/ndview"
	"gonum.org/v1/gonum/mat"
)

// Workloads of the walk plan: fixed-rank access, layouts in memory order,
// permuted copies, three-operand kernels and conversions.

const nPermute = 256

// at2Sweep: At2(i, j) over a 1024×1024 float64 view, row by row, against gonum's Dense.At.
func at2Sweep() (workload, workload) {
	data := float64s(nAt * nAt)
	v, _ := ndview.FromSlice(data, nAt, nAt)
	d := mat.NewDense(nAt, nAt, data)
	return workload{"At2(i, j)", func(b *testing.B) {
			for b.Loop() {
				sinkF = sumAt2(v)
			}
		}}, workload{"gonum Dense.At", func(b *testing.B) {
			for b.Loop() {
				sinkF = sumDenseAt(d)
			}
		}}
}

// at2Random: At2 at 1M random indices of a 1024×1024 float64 view against Dense.At.
func at2Random() (workload, workload) {
	data := float64s(nAt * nAt)
	v, _ := ndview.FromSlice(data, nAt, nAt)
	d := mat.NewDense(nAt, nAt, data)
	r := rand.New(rand.NewPCG(1, 2))
	idx := make([][2]int, nAt*nAt)
	for k := range idx {
		idx[k] = [2]int{r.IntN(nAt), r.IntN(nAt)}
	}
	return workload{"At2 random", func(b *testing.B) {
			for b.Loop() {
				sinkF = sumAt2Idx(v, idx)
			}
		}}, workload{"gonum Dense.At random", func(b *testing.B) {
			for b.Loop() {
				sinkF = sumDenseAtIdx(d, idx)
			}
		}}
}

// copyF: Copy between two F-contiguous 2048×2048 float64 views against the same Copy of
// C-contiguous ones: the plan walks both as one run.
func copyF() (workload, workload) {
	c1, c2 := ndview.New[float64](nSide, nSide), ndview.New[float64](nSide, nSide)
	f1, f2 := ndview.New[float64](nSide, nSide).Transpose(), ndview.New[float64](nSide, nSide).Transpose()
	return workload{"Copy, F-contiguous", func(b *testing.B) {
			b.SetBytes(nSide * nSide * 8)
			for b.Loop() {
				ndview.Copy(f1, f2)
			}
		}}, workload{"Copy, C-contiguous", func(b *testing.B) {
			b.SetBytes(nSide * nSide * 8)
			for b.Loop() {
				ndview.Copy(c1, c2)
			}
		}}
}

// equalF: Equal of two F-contiguous 2048×2048 float64 views against two C-contiguous ones.
func equalF() (workload, workload) {
	c1, c2 := ndview.New[float64](nSide, nSide), ndview.New[float64](nSide, nSide)
	f1, f2 := ndview.New[float64](nSide, nSide).Transpose(), ndview.New[float64](nSide, nSide).Transpose()
	return workload{"Equal, F-contiguous", func(b *testing.B) {
			for b.Loop() {
				sinkV = ndview.Equal(f1, f2)
			}
		}}, workload{"Equal, C-contiguous", func(b *testing.B) {
			for b.Loop() {
				sinkV = ndview.Equal(c1, c2)
			}
		}}
}

// permute: Copy of a 256³ float32 view permuted by (2, 0, 1) against copy() of its bytes.
func permute() (workload, workload) {
	n := nPermute * nPermute * nPermute
	src := make([]float32, n)
	for i := range src {
		src[i] = float32(i)
	}
	dst := make([]float32, n)
	sv, _ := ndview.FromSlice(src, nPermute, nPermute, nPermute)
	dv, _ := ndview.FromSlice(dst, nPermute, nPermute, nPermute)
	p := sv.Transpose(2, 0, 1)
	return workload{"Copy(dst, src.transpose(2, 0, 1))", func(b *testing.B) {
			b.SetBytes(int64(n) * 4)
			for b.Loop() {
				ndview.Copy(dv, p)
			}
		}}, workload{"copy()", func(b *testing.B) {
			b.SetBytes(int64(n) * 4)
			for b.Loop() {
				copy(dst, src)
			}
		}}
}

// apply2: Apply2 over three contiguous 4M float64 views against a hand loop over the slices
// calling the same function value: the engine's overhead.
func apply2() (workload, workload) {
	d, a, c := float64s(nContig), float64s(nContig), float64s(nContig)
	dv, _ := ndview.FromSlice(d)
	av, _ := ndview.FromSlice(a)
	cv, _ := ndview.FromSlice(c)
	return workload{"Apply2(d, a, c, f)", func(b *testing.B) {
			b.SetBytes(nContig * 24)
			for b.Loop() {
				ndview.Apply2(dv, av, cv, fma)
			}
		}}, workload{"hand loop calling f", func(b *testing.B) {
			b.SetBytes(nContig * 24)
			for b.Loop() {
				apply2Slices(d, a, c, fma)
			}
		}}
}

// convert: Convert of 4M float64 to float32 against a hand typed loop.
func convert() (workload, workload) {
	src := float64s(nContig)
	dst := make([]float32, nContig)
	sv, _ := ndview.FromSlice(src)
	dv, _ := ndview.FromSlice(dst)
	return workload{"Convert float64→float32", func(b *testing.B) {
			b.SetBytes(nContig * 8)
			for b.Loop() {
				ndview.Convert(dv, sv)
			}
		}}, workload{"typed loop", func(b *testing.B) {
			b.SetBytes(nContig * 8)
			for b.Loop() {
				convertSlice(dst, src)
			}
		}}
}

// fma is the three-operand kernel: its work is small, so the engine's share shows.
var fma = func(d, a, c float64) float64 { return d*0.5 + a*c }

func apply2Slices(d, a, c []float64, f func(float64, float64, float64) float64) {
	a, c = a[:len(d)], c[:len(d)]
	for i := range d {
		d[i] = f(d[i], a[i], c[i])
	}
}

func convertSlice(dst []float32, src []float64) {
	src = src[:len(dst)]
	for i, x := range src {
		dst[i] = float32(x)
	}
}

func sumAt2(v *ndview.View[float64]) float64 {
	var s float64
	for i := range nAt {
		for j := range nAt {
			s += v.At2(i, j)
		}
	}
	return s
}

func sumAt2Idx(v *ndview.View[float64], idx [][2]int) float64 {
	var s float64
	for _, ij := range idx {
		s += v.At2(ij[0], ij[1])
	}
	return s
}

func sumDenseAtIdx(d *mat.Dense, idx [][2]int) float64 {
	var s float64
	for _, ij := range idx {
		s += d.At(ij[0], ij[1])
	}
	return s
}

// convertHalf: Convert of 4M Float16 to float32 against copy() of the float32 result's bytes.
func convertHalf() (workload, workload) {
	src := make([]ndview.Float16, nContig)
	for i := range src {
		src[i] = ndview.ToFloat16(float32(i%2048) / 7)
	}
	dst := make([]float32, nContig)
	other := make([]float32, nContig)
	sv, _ := ndview.FromSlice(src)
	dv, _ := ndview.FromSlice(dst)
	return workload{"Convert Float16→float32", func(b *testing.B) {
			b.SetBytes(nContig * 2)
			for b.Loop() {
				ndview.Convert(dv, sv)
			}
		}}, workload{"copy() of the float32s", func(b *testing.B) {
			b.SetBytes(nContig * 2)
			for b.Loop() {
				copy(other, dst)
			}
		}}
}
