package main

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/ndview/ndview"
)

// apply: Apply over two contiguous 4M float64 views against a hand loop over the slices
// calling the same function value: the engine's overhead with two operands (Apply2's row
// has three).
func apply() (workload, workload) {
	d, a := float64s(nContig), float64s(nContig)
	dv, _ := ndview.FromSlice(d)
	av, _ := ndview.FromSlice(a)
	return workload{"Apply(d, a, f)", func(b *testing.B) {
			b.SetBytes(nContig * 16)
			for b.Loop() {
				ndview.Apply(dv, av, axpy)
			}
		}}, workload{"hand loop calling f", func(b *testing.B) {
			b.SetBytes(nContig * 16)
			for b.Loop() {
				applySlices(d, a, axpy)
			}
		}}
}

//go:noinline
func axpy(d, a float64) float64 { return d*0.5 + a }

func applySlices(d, a []float64, f func(float64, float64) float64) {
	a = a[:len(d)]
	for i, x := range d {
		d[i] = f(x, a[i])
	}
}

// gatherTable is a 4096×4096 float32 table and 4096 random row indices into it.
func gatherTable() (*ndview.View[float32], []float32, []int) {
	data := make([]float32, nCopy*nCopy)
	for i := range data {
		data[i] = float32(i)
	}
	table, _ := ndview.FromSlice(data, nCopy, nCopy)
	r := rand.New(rand.NewPCG(1, 2))
	idx := make([]int, nCopy)
	for i := range idx {
		idx[i] = r.IntN(nCopy)
	}
	return table, data, idx
}

// copyRows is the baseline of the gathers: copy() of the same rows, in the same order, into
// a preallocated slice.
func copyRows(out, data []float32, idx []int) {
	for j, i := range idx {
		copy(out[j*nCopy:(j+1)*nCopy], data[i*nCopy:(i+1)*nCopy])
	}
}

// take: Take of 4096 random rows of a 4096×4096 float32 table (a new 64 MiB result) against
// copy() of the same rows into a preallocated slice.
func take() (workload, workload) {
	table, data, idx := gatherTable()
	out := make([]float32, nCopy*nCopy)
	return workload{"Take(table, idx, 0)", func(b *testing.B) {
			b.SetBytes(nCopy * nCopy * 4)
			for b.Loop() {
				sinkV = ndview.Take(table, idx, 0)
			}
		}}, workload{"copy() of the rows", func(b *testing.B) {
			b.SetBytes(nCopy * nCopy * 4)
			for b.Loop() {
				copyRows(out, data, idx)
			}
		}}
}

// takeInto: TakeInto, the same gather into a view the caller owns.
func takeInto() (workload, workload) {
	table, data, idx := gatherTable()
	dst := ndview.New[float32](nCopy, nCopy)
	out := make([]float32, nCopy*nCopy)
	return workload{"TakeInto(dst, table, idx, 0)", func(b *testing.B) {
			b.SetBytes(nCopy * nCopy * 4)
			for b.Loop() {
				ndview.TakeInto(dst, table, idx, 0)
			}
		}}, workload{"copy() of the rows", func(b *testing.B) {
			b.SetBytes(nCopy * nCopy * 4)
			for b.Loop() {
				copyRows(out, data, idx)
			}
		}}
}

// concatenate: Concatenate of two 1024×4096 float32 views (a new 32 MiB result) against
// copy() of the same bytes into a preallocated slice.
func concatenate() (workload, workload) {
	x, y := ndview.New[float32](1024, 4096), ndview.New[float32](1024, 4096)
	ndview.Fill(x, 1)
	ndview.Fill(y, 2)
	xs, ys := x.ToSlice(), y.ToSlice()
	dst := make([]float32, len(xs)+len(ys))
	n := int64(2 * x.NBytes())
	return workload{"Concatenate(0, x, y)", func(b *testing.B) {
			b.SetBytes(n)
			for b.Loop() {
				sinkV = ndview.Concatenate(0, x, y)
			}
		}}, workload{"copy() into a slice", func(b *testing.B) {
			b.SetBytes(n)
			for b.Loop() {
				copy(dst, xs)
				copy(dst[len(xs):], ys)
			}
		}}
}

// argMaxAxis: ArgMaxAxis along the last axis of 2048×2048 float64 against ArgMax over the
// same bytes.
func argMaxAxis() (workload, workload) {
	s := make([]float64, nSide*nSide)
	for i := range s {
		s[i] = math.Sin(float64(i))
	}
	v, _ := ndview.FromSlice(s, nSide, nSide)
	return workload{"ArgMaxAxis(v, 1)", func(b *testing.B) {
			b.SetBytes(int64(v.NBytes()))
			for b.Loop() {
				sinkV = ndview.ArgMaxAxis(v, 1)
			}
		}}, workload{"ArgMax(v)", func(b *testing.B) {
			b.SetBytes(int64(v.NBytes()))
			for b.Loop() {
				sinkV = ndview.ArgMax(v)
			}
		}}
}
