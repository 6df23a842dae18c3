package gonumbridge_test

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/ndview/ndview"
	"github.com/ndview/ndview/gonumbridge"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/mat"
)

func grid(r, c int) *ndview.View[float64] {
	s := make([]float64, r*c)
	for i := range s {
		s[i] = float64(i)
	}
	v, _ := ndview.FromSlice(s, r, c)
	return v
}

func TestDenseLayouts(t *testing.T) {
	released := grid(3, 4)
	released.Release()
	tests := []struct {
		name string
		v    *ndview.View[float64]
		want error // nil: accepted
	}{
		{"C-contiguous", grid(3, 4), nil},
		{"row block", grid(6, 4).Slice(0, 1, 4, 1), nil},
		{"column block", grid(6, 8).Slice(1, 2, 5, 1), nil},
		{"every other row", grid(6, 4).Slice(0, 0, 6, 2), nil},
		{"sub-block", grid(10, 12).Slice(0, 2, 7, 1).Slice(1, 3, 8, 1), nil},
		{"one row of a transpose", grid(4, 3).Transpose().Slice(0, 1, 2, 1).Slice(1, 0, 1, 1), nil},
		{"one column, strided", grid(5, 4).Slice(1, 2, 3, 1), nil},
		{"1-D", grid(3, 4).Index(0, 0), ndview.ErrShape},
		{"3-D", ndview.New[float64](2, 2, 2), ndview.ErrShape},
		{"empty", grid(3, 4).Slice(0, 1, 1, 1), ndview.ErrShape},
		{"transposed", grid(3, 4).Transpose(), ndview.ErrStrides},
		{"column step", grid(3, 4).Slice(1, 0, 4, 2), ndview.ErrStrides},
		{"reversed rows", grid(3, 4).Slice(0, 0, 3, -1), ndview.ErrStrides},
		{"reversed columns", grid(3, 4).Slice(1, 0, 4, -1), ndview.ErrStrides},
		{"read-only", grid(3, 4).AsReadOnly(), ndview.ErrReadOnly},
		{"released", released, ndview.ErrReleased},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := gonumbridge.Dense(tt.v)
			if tt.want != nil {
				if !errors.Is(err, tt.want) || d != nil {
					t.Fatalf("got %v, %v; want %v", d, err, tt.want)
				}
				if !strings.HasPrefix(err.Error(), "ndview: gonumbridge.Dense: ") {
					t.Fatalf("message %q", err)
				}
				t.Logf("refused: %v", err)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			shape := tt.v.Shape()
			if r, c := d.Dims(); r != shape[0] || c != shape[1] {
				t.Fatalf("dims %d×%d, view %v", r, c, shape)
			}
			raw := d.RawMatrix()
			if len(raw.Data) != (raw.Rows-1)*raw.Stride+raw.Cols || raw.Stride < raw.Cols {
				t.Fatalf("raw matrix %d×%d stride %d len %d", raw.Rows, raw.Cols, raw.Stride, len(raw.Data))
			}
			for i := range shape[0] {
				for j := range shape[1] {
					if d.At(i, j) != tt.v.At(i, j) {
						t.Fatalf("(%d,%d): %v != %v", i, j, d.At(i, j), tt.v.At(i, j))
					}
				}
			}
			// Write-through, both ways.
			d.Set(shape[0]-1, shape[1]-1, -7)
			if tt.v.At(shape[0]-1, shape[1]-1) != -7 {
				t.Fatal("a write through the Dense is not seen by the view")
			}
			tt.v.Set(-9, 0, 0)
			if d.At(0, 0) != -9 {
				t.Fatal("a write through the view is not seen by the Dense")
			}
		})
	}
}

func TestMatrixTransposed(t *testing.T) {
	v := grid(3, 4)
	m, err := gonumbridge.Matrix(v.Transpose())
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := m.(mat.Transpose); !ok {
		t.Fatalf("Matrix of a transpose is %T, want mat.Transpose", m)
	}
	if r, c := m.Dims(); r != 4 || c != 3 || m.At(3, 1) != v.At(1, 3) {
		t.Fatalf("dims %d×%d, At %v", r, c, m.At(3, 1))
	}
	m.(mat.Transpose).Matrix.(*mat.Dense).Set(1, 3, 42)
	if v.At(1, 3) != 42 {
		t.Fatal("write-through")
	}
	if _, ok := must(gonumbridge.Matrix(v)).(*mat.Dense); !ok {
		t.Fatal("Matrix of a C view is a *mat.Dense")
	}
	if _, err := gonumbridge.Matrix(v.Slice(1, 0, 4, 2).Slice(0, 0, 3, 2)); !errors.Is(err, ndview.ErrStrides) {
		t.Fatalf("neither layout: %v", err)
	}
}

func must[T any](x T, err error) T {
	if err != nil {
		panic(err)
	}
	return x
}

func TestVecDense(t *testing.T) {
	v := grid(5, 3)
	col := v.Index(1, 2) // stride 3 elements
	x, err := gonumbridge.VecDense(col)
	if err != nil {
		t.Fatal(err)
	}
	if x.Len() != 5 || x.AtVec(4) != 14 || x.RawVector().Inc != 3 {
		t.Fatalf("len %d at %v inc %d", x.Len(), x.AtVec(4), x.RawVector().Inc)
	}
	x.SetVec(1, -1)
	if v.At(1, 2) != -1 {
		t.Fatal("write-through")
	}
	for name, tt := range map[string]struct {
		v    *ndview.View[float64]
		want error
	}{
		"reversed":  {col.Slice(0, 0, 5, -1), ndview.ErrStrides},
		"2-D":       {v, ndview.ErrShape},
		"empty":     {col.Slice(0, 2, 2, 1), ndview.ErrShape},
		"read-only": {col.AsReadOnly(), ndview.ErrReadOnly},
		"0-d":       {must(col.Slice(0, 0, 1, 1).Reshape()), ndview.ErrShape},
	} {
		if _, err := gonumbridge.VecDense(tt.v); !errors.Is(err, tt.want) {
			t.Errorf("%s: %v, want %v", name, err, tt.want)
		}
	}
}

func TestCDenseAndGeneral32(t *testing.T) {
	c := ndview.New[complex128](2, 3)
	c.Set(1+2i, 1, 2)
	cd, err := gonumbridge.CDense(c)
	if err != nil || cd.At(1, 2) != 1+2i {
		t.Fatalf("CDense: %v", err)
	}
	cd.Set(0, 0, 3i)
	if c.At(0, 0) != 3i {
		t.Fatal("CDense write-through")
	}
	if _, err := gonumbridge.CDense(c.Transpose()); !errors.Is(err, ndview.ErrStrides) {
		t.Fatal(err)
	}

	f := ndview.New[float32](4, 6)
	sub := f.Slice(0, 1, 3, 1).Slice(1, 2, 5, 1)
	g, err := gonumbridge.General32(sub)
	if err != nil || g.Rows != 2 || g.Cols != 3 || g.Stride != 6 || len(g.Data) != 9 {
		t.Fatalf("General32: %+v %v", g, err)
	}
	// C := A·Aᵀ through blas32 on the sub-block, written into another sub-block.
	sub.Set(1, 0, 0)
	sub.Set(2, 1, 1)
	out := f.Slice(0, 0, 2, 1).Slice(1, 4, 6, 1)
	o, _ := gonumbridge.General32(out)
	blas32.Gemm(blas.NoTrans, blas.Trans, 1, g, g, 0, o)
	if out.At(0, 0) != 1 || out.At(1, 1) != 4 || f.At(0, 4) != 1 {
		t.Fatalf("Gemm: %v", f)
	}
}

func TestFromDense(t *testing.T) {
	m := mat.NewDense(4, 5, nil)
	sub := m.Slice(1, 3, 2, 5).(*mat.Dense)
	v, err := gonumbridge.FromDense(sub)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(v.Shape(), v.Strides()) != "[2 3] [40 8]" {
		t.Fatalf("shape %v strides %v", v.Shape(), v.Strides())
	}
	v.Set(5, 1, 2)
	if m.At(2, 4) != 5 {
		t.Fatal("write through the view is not seen by gonum")
	}
	m.Set(1, 2, 6)
	if v.At(0, 0) != 6 {
		t.Fatal("write through gonum is not seen by the view")
	}
	// And back: the view's transpose, cast to bytes, sliced: all zero-copy.
	if _, err := ndview.Cast[uint8](v); !errors.Is(err, ndview.ErrNotContiguous) {
		t.Fatal("a sub-block is not C-contiguous")
	}
	e, err := gonumbridge.FromDense(&mat.Dense{})
	if err != nil || e.Size() != 0 {
		t.Fatalf("empty Dense: %v %v", e, err)
	}
	x := mat.NewVecDense(6, []float64{0, 1, 2, 3, 4, 5})
	xs := x.SliceVec(1, 5).(*mat.VecDense)
	xv, err := gonumbridge.FromVecDense(xs)
	if err != nil || xv.At(3) != 4 {
		t.Fatal(err)
	}
	xv.Set(-4, 3)
	if x.AtVec(4) != -4 {
		t.Fatal("FromVecDense write-through")
	}
	var bad mat.Dense
	bad.SetRawMatrix(blasGeneral(2, 3, 2, make([]float64, 6)))
	if _, err := gonumbridge.FromDense(&bad); !errors.Is(err, ndview.ErrStrides) {
		t.Fatalf("stride below cols: %v", err)
	}
	bad.SetRawMatrix(blasGeneral(3, 3, 3, make([]float64, 8)))
	if _, err := gonumbridge.FromDense(&bad); !errors.Is(err, ndview.ErrStrides) {
		t.Fatalf("Data too short: %v", err)
	}
}

// TestSolveOnSubBlock solves A·x = b where A is a strided sub-block of a larger buffer and b
// a strided column of it, and checks the answer against gonum on copies.
func TestSolveOnSubBlock(t *testing.T) {
	buf := ndview.New[float64](12, 14)
	for idx := range buf.All() {
		i, j := idx[0], idx[1]
		x := float64((i*7+j*3)%11) - 5
		if i == j+2 {
			x += 40 // diagonally dominant in the sub-block
		}
		buf.Set(x, i, j)
	}
	aV := buf.Slice(0, 2, 8, 1).Slice(1, 0, 6, 1) // 6×6, row stride 14
	bV := buf.Slice(0, 2, 8, 1).Index(1, 10)      // 6, stride 14
	a, err := gonumbridge.Dense(aV)
	if err != nil {
		t.Fatal(err)
	}
	b, err := gonumbridge.VecDense(bV)
	if err != nil {
		t.Fatal(err)
	}
	var x mat.VecDense
	if err := x.SolveVec(a, b); err != nil {
		t.Fatal(err)
	}
	ac := mat.NewDense(6, 6, aV.ToSlice())
	bc := mat.NewVecDense(6, bV.ToSlice())
	var xc mat.VecDense
	if err := xc.SolveVec(ac, bc); err != nil {
		t.Fatal(err)
	}
	if !mat.Equal(&x, &xc) {
		t.Fatalf("bridged solve %v, on copies %v", mat.Formatted(&x), mat.Formatted(&xc))
	}
	// Mul into a third sub-block of the same buffer.
	out, _ := gonumbridge.Dense(buf.Slice(0, 8, 12, 1).Slice(1, 6, 10, 1))
	a4, _ := gonumbridge.Dense(aV.Slice(0, 0, 4, 1).Slice(1, 0, 4, 1))
	out.Mul(a4, a4.T())
	var want mat.Dense
	c4 := mat.NewDense(4, 4, aV.Slice(0, 0, 4, 1).Slice(1, 0, 4, 1).ToSlice())
	want.Mul(c4, c4.T())
	if !mat.Equal(out, &want) {
		t.Fatalf("Mul on sub-blocks differs from Mul on copies")
	}
	if buf.At(8, 6) != want.At(0, 0) {
		t.Fatal("Mul did not write into the buffer")
	}
}

// A bridged Dense pins the export: the Buffer cannot resize, even after the view is
// released and the Dense collected, until Unpin.
func TestDensePinsExport(t *testing.T) {
	b := ndview.NewBuffer(8 * 16)
	v, _ := ndview.FromExporter[float64](b, 4, 4)
	d, err := gonumbridge.Dense(v.Slice(0, 1, 3, 1))
	if err != nil {
		t.Fatal(err)
	}
	row := d.RowView(1) // shares the memory, holds nothing gonum could tell us about
	v.Release()
	for range 3 {
		runtime.GC()
	}
	if err := b.Resize(0); !errors.Is(err, ndview.ErrExported) {
		t.Fatalf("Resize under a live Dense: %v", err)
	}
	if !gonumbridge.Unpin(d) || gonumbridge.Unpin(d) {
		t.Fatal("Unpin must give back exactly one pin")
	}
	_ = row
	if err := b.Resize(0); err != nil {
		t.Fatalf("Resize after Unpin: %v", err)
	}
	if gonumbridge.Unpin(mat.NewDense(1, 1, nil)) {
		t.Fatal("Unpin of a matrix the bridge did not make")
	}
}

// Matrices gonum derives from a bridged matrix over a mapping stay readable after the view
// is released and the bridged matrix collected: the mapping is unmapped only after Unpin.
func TestDerivedMatricesKeepMappingAlive(t *testing.T) {
	p := filepath.Join(t.TempDir(), "m.bin")
	vals := make([]float64, 36)
	raw := make([]byte, 8*len(vals))
	for i := range vals {
		vals[i] = float64(i) + 0.5
		binary.LittleEndian.PutUint64(raw[8*i:], math.Float64bits(vals[i]))
	}
	if err := os.WriteFile(p, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, writable := range []bool{true, false} {
		m, err := ndview.MapFile(p, writable)
		if err != nil {
			t.Fatal(err)
		}
		v, err := ndview.FromExporter[float64](m, 6, 6)
		if err != nil {
			t.Fatal(err)
		}
		if err := m.CloseWhenUnused(); err != nil { // as npy.Map does
			t.Fatal(err)
		}
		root, err := gonumbridge.Matrix(v)
		if err != nil {
			t.Fatal(err)
		}
		var sub mat.Matrix
		var col mat.Vector
		if d, ok := root.(*mat.Dense); ok {
			s := d.Slice(1, 4, 2, 5).(*mat.Dense)
			sub, col = s, s.ColView(1)
			w, err := gonumbridge.FromDense(s)
			if err != nil {
				t.Fatal(err)
			}
			if w.At(0, 0) != vals[8] {
				t.Fatal("FromDense of a slice")
			}
		} else {
			sub, col = root, nil
		}
		v.Release()
		pinned := root
		root = nil
		for range 5 {
			runtime.GC()
		}
		if m.Len() == 0 {
			t.Fatalf("writable %v: mapping closed under gonum values", writable)
		}
		if col != nil && col.AtVec(2) != vals[(1+2)*6+2+1] {
			t.Fatalf("ColView read %v", col.AtVec(2))
		}
		if sub.At(0, 0) == 0 {
			t.Fatal("derived matrix unreadable")
		}
		if err := m.Close(); !errors.Is(err, ndview.ErrExported) {
			t.Fatalf("Close under gonum values: %v", err)
		}
		runtime.KeepAlive(col)
		// Once gonum is done, Unpin gives the mapping back; npy.Map's closes with it.
		if !gonumbridge.Unpin(pinned) {
			t.Fatal("Unpin")
		}
		if m.Len() != 0 {
			t.Fatalf("writable %v: mapping still open after Unpin", writable)
		}
	}
}

// Bridging costs the same at any size: no copy.
func TestBridgeAllocs(t *testing.T) {
	var prev float64 = -1
	for _, n := range []int{4, 1024} {
		v := ndview.New[float64](n, n)
		a := testing.AllocsPerRun(20, func() { gonumbridge.Dense(v) })
		if prev >= 0 && a != prev {
			t.Fatalf("Dense of %d×%d: %v allocations, %v at the smaller size", n, n, a, prev)
		}
		prev = a
		d, _ := gonumbridge.Dense(v)
		raw, _, _ := v.Raw()
		if &d.RawMatrix().Data[0] != &raw[0] {
			t.Fatal("Dense copied")
		}
	}
}

func BenchmarkDense(b *testing.B) {
	for _, n := range []int{4, 4096} {
		v := ndview.New[float64](n, n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				gonumbridge.Dense(v)
			}
		})
	}
}

// Read-only views reach gonum as operands through Matrix and Vector, read in place.
func TestReadOnlyOperands(t *testing.T) {
	a := grid(5, 5)
	for i := range 5 {
		a.Set(a.At(i, i)+10, i, i) // well conditioned
	}
	ro := a.AsReadOnly()
	m, err := gonumbridge.Matrix(ro)
	if err != nil {
		t.Fatal(err)
	}
	rm, ok := m.(mat.RawMatrixer)
	if !ok {
		t.Fatalf("read-only Matrix is %T, not a RawMatrixer", m)
	}
	if d, _ := gonumbridge.Dense(a); &rm.RawMatrix().Data[0] != &d.RawMatrix().Data[0] {
		t.Fatal("read-only Matrix copied")
	}
	mt, err := gonumbridge.Matrix(ro.Transpose())
	if err != nil {
		t.Fatal(err)
	}
	tr, ok := mt.(mat.Transpose)
	if !ok {
		t.Fatalf("F-like read-only Matrix is %T", mt)
	}
	if _, ok := tr.Matrix.(mat.RawMatrixer); !ok {
		t.Fatal("inside the Transpose: not a RawMatrixer")
	}
	c := mat.NewDense(5, 5, a.ToSlice())
	var got, want mat.Dense
	got.Mul(m, mt)
	want.Mul(c, c.T())
	if !mat.Equal(&got, &want) {
		t.Fatal("Mul of read-only operands")
	}
	var svd, svdWant mat.SVD
	if !svd.Factorize(m, mat.SVDThin) || !svdWant.Factorize(c, mat.SVDThin) {
		t.Fatal("SVD failed")
	}
	if !floatsEqual(svd.Values(nil), svdWant.Values(nil)) {
		t.Fatal("SVD of a read-only operand")
	}
	x, err := gonumbridge.Vector(ro.Index(1, 2))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := x.(mat.RawVectorer); !ok || x.Len() != 5 || x.AtVec(3) != a.At(3, 2) {
		t.Fatal("read-only Vector")
	}
	var y, yWant mat.VecDense
	y.MulVec(m, x)
	yWant.MulVec(c, mat.NewVecDense(5, a.Index(1, 2).ToSlice()))
	if !mat.EqualApprox(&y, &yWant, 0) {
		t.Fatal("MulVec of read-only operands")
	}
	// The writable forms refuse, saying what to do.
	for name, f := range map[string]func() error{
		"Dense":    func() error { _, err := gonumbridge.Dense(ro); return err },
		"VecDense": func() error { _, err := gonumbridge.VecDense(ro.Index(0, 0)); return err },
	} {
		err := f()
		if !errors.Is(err, ndview.ErrReadOnly) || !strings.Contains(err.Error(), "gonumbridge."+name+": ") ||
			!strings.Contains(err.Error(), "npy.Map(path, true)") || !strings.Contains(err.Error(), "Clone()") {
			t.Fatalf("%s of a read-only view: %v", name, err)
		}
	}
	if _, err := gonumbridge.Matrix(ro.Slice(1, 0, 5, -1)); !errors.Is(err, ndview.ErrStrides) || !strings.Contains(err.Error(), "gonumbridge.Matrix: ") {
		t.Fatalf("Matrix of reversed columns: %v", err)
	}
}

func floatsEqual(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Abs(a[i]-b[i]) > 1e-12*math.Abs(b[i]) {
			return false
		}
	}
	return true
}
