// Package gonumbridge hands ndview views to gonum and gonum matrices to ndview, without
// copying: a bridged value and its view share memory, so writes through either are seen by
// the other.
//
// gonum's SetRawMatrix checks nothing; the bridge checks everything gonum assumes: positive
// strides, a unit inner stride, a row stride of at least the number of columns, a Data slice
// of exactly (rows-1)*stride+cols elements, a non-empty shape, and a writable, unreleased
// view. A refused layout gives an error wrapping one of ndview's sentinels (ErrShape,
// ErrStrides, ErrReadOnly, ErrReleased) that says what gonum would need instead.
//
// A *mat.Dense, *mat.VecDense or *mat.CDense made from a view counts as an export of the
// view's owner until it is collected (see ndview.HoldFor), so a Buffer cannot resize and a
// Mapping cannot close under a live matrix. blas32.General is a plain value: keep its view
// alive while it is in use.
package gonumbridge

import (
	"fmt"

	"github.com/ndview/ndview"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/blas/cblas128"
	"gonum.org/v1/gonum/mat"
)

func errorf(kind error, format string, args ...any) error {
	return &ndview.Error{Kind: kind, Msg: "gonumbridge: " + fmt.Sprintf(format, args...)}
}

// general is a row-major matrix as BLAS sees it.
type general[T ndview.Elem] struct {
	rows, cols, stride int
	data               []T
}

// rowMajor checks that v is a 2-D view gonum can hold as rows×cols with unit column stride,
// and returns its data.
func rowMajor[T ndview.Elem](fn string, v *ndview.View[T]) (general[T], error) {
	if v.Released() {
		return general[T]{}, errorf(ndview.ErrReleased, "%s of a released view", fn)
	}
	if v.NDim() != 2 {
		return general[T]{}, errorf(ndview.ErrShape, "%s needs a 2-D view, not %d-D", fn, v.NDim())
	}
	shape := v.Shape()
	r, c := shape[0], shape[1]
	if r == 0 || c == 0 {
		return general[T]{}, errorf(ndview.ErrShape, "%s of an empty %d×%d view: gonum matrices cannot be empty", fn, r, c)
	}
	data, strides, err := v.Raw()
	if err != nil {
		return general[T]{}, errorf(errKind(err), "%s: %v", fn, err)
	}
	rs, cs := strides[0], strides[1]
	if c > 1 && cs != 1 {
		return general[T]{}, errorf(ndview.ErrStrides, "%s needs unit column stride, the view steps %d elements along a row (%d bytes); Clone it, or use Matrix for a transposed layout", fn, cs, v.Strides()[1])
	}
	if r == 1 {
		rs = c // never used; gonum only needs stride >= cols
	}
	if rs < c {
		return general[T]{}, errorf(ndview.ErrStrides, "%s needs a row stride of at least %d columns, the view's is %d elements", fn, c, rs)
	}
	return general[T]{r, c, rs, data[:(r-1)*rs+c]}, nil
}

// errKind returns the ndview sentinel err wraps.
func errKind(err error) error {
	if e, ok := err.(*ndview.Error); ok {
		return e.Kind
	}
	return err
}

// Dense returns a *mat.Dense that shares v's memory: a 2-D view with unit column stride and a
// row stride of at least its number of columns (a C-contiguous view, or any row-sliced or
// column-sliced block of one).
//
// Dense returns an error wrapping ErrShape (not 2-D, or empty), ErrStrides (a layout gonum
// cannot hold), ErrReadOnly or ErrReleased.
func Dense(v *ndview.View[float64]) (*mat.Dense, error) {
	g, err := rowMajor("Dense", v)
	if err != nil {
		return nil, err
	}
	d := new(mat.Dense)
	d.SetRawMatrix(blas64.General{Rows: g.rows, Cols: g.cols, Stride: g.stride, Data: g.data})
	ndview.HoldFor(v, d)
	return d, nil
}

// Matrix returns a mat.Matrix that shares v's memory: a *mat.Dense for the layouts Dense
// takes, and a mat.Transpose of one for Fortran-like layouts (unit row stride), such as the
// transpose of a C-contiguous view.
//
// Matrix returns the errors of Dense when neither layout fits.
func Matrix(v *ndview.View[float64]) (mat.Matrix, error) {
	d, err := Dense(v)
	if err == nil {
		return d, nil
	}
	if v.Released() || v.NDim() != 2 {
		return nil, err
	}
	t := v.Transpose()
	defer t.Release()
	if dt, errT := Dense(t); errT == nil {
		return mat.Transpose{Matrix: dt}, nil
	}
	return nil, err
}

// VecDense returns a *mat.VecDense that shares v's memory: a non-empty 1-D view with a
// positive stride of whole elements.
//
// VecDense returns an error wrapping ErrShape, ErrStrides, ErrReadOnly or ErrReleased.
func VecDense(v *ndview.View[float64]) (*mat.VecDense, error) {
	if v.Released() {
		return nil, errorf(ndview.ErrReleased, "VecDense of a released view")
	}
	if v.NDim() != 1 || v.Len() == 0 {
		return nil, errorf(ndview.ErrShape, "VecDense needs a non-empty 1-D view, not shape %v", v.Shape())
	}
	data, strides, err := v.Raw()
	if err != nil {
		return nil, errorf(errKind(err), "VecDense: %v", err)
	}
	n, inc := v.Len(), strides[0]
	if n == 1 {
		inc = 1
	}
	if inc <= 0 {
		return nil, errorf(ndview.ErrStrides, "VecDense needs a positive stride, the view's is %d elements", inc)
	}
	x := new(mat.VecDense)
	x.SetRawVector(blas64.Vector{N: n, Inc: inc, Data: data[:(n-1)*inc+1]})
	ndview.HoldFor(v, x)
	return x, nil
}

// CDense is Dense for complex128.
func CDense(v *ndview.View[complex128]) (*mat.CDense, error) {
	g, err := rowMajor("CDense", v)
	if err != nil {
		return nil, err
	}
	d := new(mat.CDense)
	d.SetRawCMatrix(cblas128.General{Rows: g.rows, Cols: g.cols, Stride: g.stride, Data: g.data})
	ndview.HoldFor(v, d)
	return d, nil
}

// General32 returns the blas32.General of a float32 view, for gonum's blas32 routines, with
// the layout rules of Dense. The General is a value and holds no export: keep v alive (and
// unreleased) while it is in use.
func General32(v *ndview.View[float32]) (blas32.General, error) {
	g, err := rowMajor("General32", v)
	if err != nil {
		return blas32.General{}, err
	}
	return blas32.General{Rows: g.rows, Cols: g.cols, Stride: g.stride, Data: g.data}, nil
}

// FromDense returns a rows×cols view of m's memory (a zero-value Dense gives a 0×0 view).
//
// FromDense returns an error wrapping ErrStrides if m's raw matrix is inconsistent (a
// stride below its columns, or Data too short), which gonum's SetRawMatrix allows.
func FromDense(m *mat.Dense) (*ndview.View[float64], error) {
	raw := m.RawMatrix()
	if raw.Rows == 0 || raw.Cols == 0 {
		return ndview.FromSliceStrided(raw.Data[:0], 0, []int{raw.Rows, raw.Cols}, []int{raw.Cols, 1})
	}
	if raw.Stride < raw.Cols {
		return nil, errorf(ndview.ErrStrides, "FromDense: stride %d is below the %d columns", raw.Stride, raw.Cols)
	}
	v, err := ndview.FromSliceStrided(raw.Data, 0, []int{raw.Rows, raw.Cols}, []int{raw.Stride, 1})
	if err != nil {
		return nil, errorf(errKind(err), "FromDense: %v", err)
	}
	return v, nil
}

// FromVecDense returns a 1-D view of x's memory, with x's increment as its stride.
func FromVecDense(x *mat.VecDense) (*ndview.View[float64], error) {
	raw := x.RawVector()
	if raw.N == 0 {
		return ndview.FromSliceStrided(raw.Data[:0], 0, []int{0}, []int{1})
	}
	if raw.Inc <= 0 {
		return nil, errorf(ndview.ErrStrides, "FromVecDense: increment %d", raw.Inc)
	}
	v, err := ndview.FromSliceStrided(raw.Data, 0, []int{raw.N}, []int{raw.Inc})
	if err != nil {
		return nil, errorf(errKind(err), "FromVecDense: %v", err)
	}
	return v, nil
}
