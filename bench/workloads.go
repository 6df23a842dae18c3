package main

import (
	"fmt"
	"math"
	"testing"

	"github.com/ndview/ndview"
	"gonum.org/v1/gonum/mat"
)

// A workload is one measured operation; each comparison pairs ndview's with a baseline that
// does the same work another way, and the two run interleaved in one process.
type workload struct {
	name string
	fn   func(b *testing.B)
}

// Sinks: benchmarks store their results here so that the compiler keeps the work.
var (
	sinkI int64   //lint:ignore U1000 written by the workloads, never read, on purpose
	sinkF float64 //lint:ignore U1000 written by the workloads, never read, on purpose
	sinkV any     //lint:ignore U1000 written by the workloads, never read, on purpose
)

const (
	nContig = 4 << 20
	nSide   = 2048
	nAt     = 1024
	nCopy   = 4096
)

func int64s(n int) []int64 {
	s := make([]int64, n)
	for i := range s {
		s[i] = int64(i)
	}
	return s
}

func float64s(n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = float64(i)
	}
	return s
}

// valuesContig: Values over 4M contiguous int64 against a for-range loop.
func valuesContig() (workload, workload) {
	data := int64s(nContig)
	v, _ := ndview.FromSlice(data)
	return workload{"Values", func(b *testing.B) {
			b.SetBytes(nContig * 8)
			for b.Loop() {
				sinkI = sumValues(v)
			}
		}}, workload{"for range", func(b *testing.B) {
			b.SetBytes(nContig * 8)
			for b.Loop() {
				sinkI = sumSlice(data)
			}
		}}
}

// valuesStrided: Values over v[::2, ::3] of a 2048×2048 int64 view against a hand-written loop.
func valuesStrided() (workload, workload) {
	data := int64s(nSide * nSide)
	v, _ := ndview.FromSlice(data, nSide, nSide)
	s := v.Slice(0, 0, nSide, 2).Slice(1, 0, nSide, 3)
	n := int64(s.Size())
	return workload{"Values [::2, ::3]", func(b *testing.B) {
			b.SetBytes(n * 8)
			for b.Loop() {
				sinkI = sumValues(s)
			}
		}}, workload{"hand loop", func(b *testing.B) {
			b.SetBytes(n * 8)
			for b.Loop() {
				sinkI = sumStrided(data)
			}
		}}
}

// at2D: At(i, j) over a 1024×1024 float64 view against gonum's Dense.At.
func at2D() (workload, workload) {
	data := float64s(nAt * nAt)
	v, _ := ndview.FromSlice(data, nAt, nAt)
	d := mat.NewDense(nAt, nAt, data)
	return workload{"At(i, j)", func(b *testing.B) {
			for b.Loop() {
				sinkF = sumAt(v)
			}
		}}, workload{"gonum Dense.At", func(b *testing.B) {
			for b.Loop() {
				sinkF = sumDenseAt(d)
			}
		}}
}

// copyTransposed: Copy of a transposed 4096×4096 float64 view into a contiguous one against
// copy() of the same bytes.
func copyTransposed() (workload, workload) {
	src := float64s(nCopy * nCopy)
	dst := make([]float64, nCopy*nCopy)
	sv, _ := ndview.FromSlice(src, nCopy, nCopy)
	dv, _ := ndview.FromSlice(dst, nCopy, nCopy)
	t := sv.Transpose()
	return workload{"Copy(dst, src.T)", func(b *testing.B) {
			b.SetBytes(nCopy * nCopy * 8)
			for b.Loop() {
				ndview.Copy(dv, t)
			}
		}}, workload{"copy()", func(b *testing.B) {
			b.SetBytes(nCopy * nCopy * 8)
			for b.Loop() {
				copy(dst, src)
			}
		}}
}

// select3: Select of 3 axes of a 3×480×640 float32 image stack, a[:, 100:200, 50:150:2],
// against the same crop as 3 Slice calls. Both report their allocations: Select makes 1.
func select3() (workload, workload) {
	v := ndview.New[float32](3, 480, 640)
	return workload{"Select(Full, R(100, 200), R(50, 150).By(2))", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sinkV = selectCrop(v)
			}
		}}, workload{"Slice 3 times", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sinkV = sliceCrop(v)
			}
		}}
}

// The kernels are plain functions, as a user would write them: b.Loop keeps the calls in its
// own body from being inlined, which would penalize both sides.

func sumValues(v *ndview.View[int64]) int64 {
	var s int64
	for x := range v.Values() {
		s += x
	}
	return s
}

func sumSlice(data []int64) int64 {
	var s int64
	for _, x := range data {
		s += x
	}
	return s
}

// sumStrided is the hand-written loop over data[::2, ::3] of a 2048×2048 array.
func sumStrided(data []int64) int64 {
	var t int64
	for i := 0; i < nSide; i += 2 {
		row := data[i*nSide : (i+1)*nSide]
		for j := 0; j < nSide; j += 3 {
			t += row[j]
		}
	}
	return t
}

func sumAt(v *ndview.View[float64]) float64 {
	var s float64
	for i := range nAt {
		for j := range nAt {
			s += v.At(i, j)
		}
	}
	return s
}

func sumDenseAt(d *mat.Dense) float64 {
	var s float64
	for i := range nAt {
		for j := range nAt {
			s += d.At(i, j)
		}
	}
	return s
}

// derived returns workloads that make one derived view of a 2-D float64 view of the given
// side, for the cost of views at small and huge sizes.
func derived(side int) []workload {
	v, _ := ndview.FromSlice(make([]float64, side*side), side, side)
	h := side / 2
	return []workload{
		{"Slice", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sinkV = v.Slice(1, 1, h, 2)
			}
		}},
		{"Index", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sinkV = v.Index(0, h)
			}
		}},
		{"Transpose", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sinkV = v.Transpose()
			}
		}},
		{"Reshape", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sinkV, _ = v.Reshape(h, -1)
			}
		}},
		{"Cast", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sinkV, _ = ndview.Cast[uint8](v)
			}
		}},
	}
}

func selectCrop(v *ndview.View[float32]) *ndview.View[float32] {
	return v.Select(ndview.Full, ndview.R(100, 200), ndview.R(50, 150).By(2))
}

func sliceCrop(v *ndview.View[float32]) *ndview.View[float32] {
	return v.Slice(0, 0, v.Len(), 1).Slice(1, 100, 200, 1).Slice(2, 50, 150, 2)
}

// sines returns sin(i) for i < n: the data of the reduction workloads.
func sines(n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = math.Sin(float64(i))
	}
	return s
}

// sumContig: Sum of 4M contiguous float64 (NumPy's pairwise sum, bit for bit) against a
// plain for-range loop (one running sum, bound by the latency of an add).
func sumContig() (workload, workload) {
	data := sines(nContig)
	v, _ := ndview.FromSlice(data)
	return workload{"Sum", func(b *testing.B) {
			b.SetBytes(nContig * 8)
			for b.Loop() {
				sinkF = sumAll(v)
			}
		}}, workload{"for range", func(b *testing.B) {
			b.SetBytes(nContig * 8)
			for b.Loop() {
				sinkF = sumFloats(data)
			}
		}}
}

// sumAxis returns the workloads Sum along axis of a 2048×2048 float64 view against Sum of all
// of it.
func sumAxis(axis int) func() (workload, workload) {
	return func() (workload, workload) {
		v, _ := ndview.FromSlice(sines(nSide*nSide), nSide, nSide)
		return workload{fmt.Sprintf("Sum(v, %d)", axis), func(b *testing.B) {
				b.SetBytes(nSide * nSide * 8)
				for b.Loop() {
					sinkV = ndview.Sum(v, axis)
				}
			}}, workload{"Sum(v)", func(b *testing.B) {
				b.SetBytes(nSide * nSide * 8)
				for b.Loop() {
					sinkF = sumAll(v)
				}
			}}
	}
}

// maxContig: Max of 4M contiguous float64 against a plain loop (which ignores NaN).
func maxContig() (workload, workload) {
	data := sines(nContig)
	v, _ := ndview.FromSlice(data)
	return workload{"Max", func(b *testing.B) {
			b.SetBytes(nContig * 8)
			for b.Loop() {
				sinkF = maxAll(v)
			}
		}}, workload{"if x > m loop", func(b *testing.B) {
			b.SetBytes(nContig * 8)
			for b.Loop() {
				sinkF = maxFloats(data)
			}
		}}
}

// argMaxContig: ArgMax of 4M contiguous float64 against a plain loop (which ignores NaN).
func argMaxContig() (workload, workload) {
	data := sines(nContig)
	v, _ := ndview.FromSlice(data)
	return workload{"ArgMax", func(b *testing.B) {
			b.SetBytes(nContig * 8)
			for b.Loop() {
				sinkI = int64(ndview.ArgMax(v)[0])
			}
		}}, workload{"argmax loop", func(b *testing.B) {
			b.SetBytes(nContig * 8)
			for b.Loop() {
				sinkI = int64(argMaxFloats(data))
			}
		}}
}

func sumAll(v *ndview.View[float64]) float64 { return ndview.Sum(v).At() }

func maxAll(v *ndview.View[float64]) float64 { return ndview.Max(v).At() }

func sumFloats(data []float64) float64 {
	var s float64
	for _, x := range data {
		s += x
	}
	return s
}

func maxFloats(data []float64) float64 {
	m := data[0]
	for _, x := range data {
		if x > m {
			m = x
		}
	}
	return m
}

func argMaxFloats(data []float64) int {
	k := 0
	for i, x := range data {
		if x > data[k] {
			k = i
		}
	}
	return k
}
