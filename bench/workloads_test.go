package main

import (
	"math"
	"testing"

	"github.com/ndview/ndview"
	"gonum.org/v1/gonum/mat"
)

// The benchmark pairs must compute the same thing, or their ratios mean nothing.
func TestWorkloadsAgree(t *testing.T) {
	data := int64s(nSide * nSide)
	v, _ := ndview.FromSlice(data, nSide, nSide)
	if a, b := sumValues(v), sumSlice(data); a != b {
		t.Fatalf("contiguous: Values %d, range %d", a, b)
	}
	s := v.Slice(0, 0, nSide, 2).Slice(1, 0, nSide, 3)
	if a, b := sumValues(s), sumStrided(data); a != b {
		t.Fatalf("strided: Values %d, hand loop %d", a, b)
	}
	f := float64s(nAt * nAt)
	fv, _ := ndview.FromSlice(f, nAt, nAt)
	if a, b := sumAt(fv), sumDenseAt(mat.NewDense(nAt, nAt, f)); a != b {
		t.Fatalf("At %v, Dense.At %v", a, b)
	}
	src := ndview.New[float64](300, 200)
	for run := range src.Runs() {
		for i := range run {
			run[i] = float64(i)
		}
	}
	img := ndview.New[float32](3, 480, 640)
	for run := range img.Runs() {
		for i := range run {
			run[i] = float32(i)
		}
	}
	if a, b := selectCrop(img), sliceCrop(img); !ndview.Equal(a, b) || a.Offset() != b.Offset() || a.Size() != 3*100*50 {
		t.Fatalf("Select %v %v, Slice 3 times %v %v", a.Shape(), a.Strides(), b.Shape(), b.Strides())
	}
	x := sines(nContig)
	sv, _ := ndview.FromSlice(x)
	if a, b := sumAll(sv), sumFloats(x); math.Abs(a-b) > 1e-9 {
		t.Fatalf("Sum %v, for range %v", a, b)
	}
	if a, b := maxAll(sv), maxFloats(x); a != b {
		t.Fatalf("Max %v, loop %v", a, b)
	}
	if a, b := ndview.ArgMax(sv)[0], argMaxFloats(x); a != b {
		t.Fatalf("ArgMax %v, loop %v", a, b)
	}
	sq, _ := sv.Reshape(nSide, nSide)
	for axis := range 2 {
		if a, b := sumAll(ndview.Sum(sq, axis)), sumAll(sv); math.Abs(a-b) > 1e-9 {
			t.Fatalf("Sum along axis %d then all: %v, Sum of all %v", axis, a, b)
		}
	}
	dst := ndview.New[float64](200, 300)
	ndview.Copy(dst, src.Transpose())
	if !ndview.Equal(dst, src.Transpose()) {
		t.Fatal("Copy of a transpose")
	}
	if a, b := sumAt2(fv), sumDenseAt(mat.NewDense(nAt, nAt, f)); a != b {
		t.Fatalf("At2 %v, Dense.At %v", a, b)
	}
	idx := [][2]int{{3, 5}, {1023, 0}, {7, 7}}
	if a, b := sumAt2Idx(fv, idx), sumDenseAtIdx(mat.NewDense(nAt, nAt, f), idx); a != b {
		t.Fatalf("At2 random %v, Dense.At %v", a, b)
	}
	d1, d2 := float64s(10), float64s(10)
	dv, _ := ndview.FromSlice(d1)
	av, _ := ndview.FromSlice(float64s(10))
	ndview.Apply2(dv, av, av, fma)
	apply2Slices(d2, float64s(10), float64s(10), fma)
	if !ndview.Equal(dv, must(ndview.FromSlice(d2))) {
		t.Fatal("Apply2 and the hand loop differ")
	}
	c1 := make([]float32, 10)
	cv, _ := ndview.FromSlice(c1)
	ndview.Convert(cv, av)
	c2 := make([]float32, 10)
	convertSlice(c2, float64s(10))
	if !ndview.Equal(cv, must(ndview.FromSlice(c2))) {
		t.Fatal("Convert and the typed loop differ")
	}
	p := ndview.New[float32](4, 5, 6)
	q := ndview.New[float32](6, 4, 5)
	ndview.Copy(q, p.Transpose(2, 0, 1))
	if !ndview.Equal(q, p.Transpose(2, 0, 1)) {
		t.Fatal("permuted Copy")
	}
	e1, e2 := float64s(10), float64s(10)
	ev, _ := ndview.FromSlice(e1)
	ndview.Apply(ev, av, axpy)
	applySlices(e2, float64s(10), axpy)
	if !ndview.Equal(ev, must(ndview.FromSlice(e2))) {
		t.Fatal("Apply and the hand loop differ")
	}
	table, tdata, rows := gatherTable()
	out := make([]float32, nCopy*nCopy)
	copyRows(out, tdata, rows)
	if !ndview.Equal(ndview.Take(table, rows, 0), must(ndview.FromSlice(out, nCopy, nCopy))) {
		t.Fatal("Take and copy() of the rows differ")
	}
	m := ndview.New[float64](nSide, nSide)
	m.Set(1, 7, 9)
	m.Set(2, 9, 3)
	if a := ndview.ArgMaxAxis(m, 1); a.At(7) != 9 || a.At(9) != 3 || a.At(0) != 0 {
		t.Fatalf("ArgMaxAxis: %v %v %v", a.At(7), a.At(9), a.At(0))
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
