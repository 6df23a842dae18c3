// Package gonumbridge hands ndview views to gonum and gonum matrices to ndview, without
// copying: a bridged value and its view share memory, so writes through either are seen by
// the other.
//
// gonum's SetRawMatrix checks nothing; the bridge checks everything gonum assumes: positive
// strides, a unit inner stride, a row stride of at least the number of columns, a Data slice
// of exactly (rows-1)*stride+cols elements, a non-empty shape, and an unreleased view. A
// refused layout gives an error wrapping one of ndview's sentinels (ErrShape, ErrStrides,
// ErrReadOnly, ErrReleased) that names the function called and says what to do instead.
//
// # Read-only views
//
// Dense, VecDense, CDense and General32 give gonum writable memory, so they refuse
// read-only views (a file mapped read-only, say). Matrix and Vector take read-only views
// too: they return read-only values that gonum reads in place as operands (of Mul, SVD's
// Factorize, Solve and the like), through mat.RawMatrixer and mat.RawVectorer. gonum never
// writes to its operands; the slices RawMatrix and RawVector expose must not be written
// either (over a read-only mapping a write kills the program).
//
// # Lifetimes: the pin rule
//
// gonum's types cannot carry a hold on ndview's memory, and what gonum derives from a
// bridged matrix (Slice, RowView, ColView, T, and views FromDense makes of those) shares
// its memory without telling anyone. So when the view's memory is lent by an owner (a
// Buffer, a Mapping, npy.Map's file, any ndview.Exporter), every bridging function pins it:
// the owner cannot resize, close or unmap until Unpin is called with the value the bridge
// returned, and neither releasing the view nor the garbage collector gives the pin back.
// Call Unpin once that value and everything gonum derived from it are no longer used. A
// forgotten Unpin leaks the export (for a mapping, its address space until the program
// ends) instead of unmapping memory that gonum may still read. Views over Go memory (New,
// FromSlice, FromBytes) have no owner to pin: the garbage collector keeps their memory alive
// as long as any gonum value uses it, and Unpin of their values does nothing.
package gonumbridge

import (
	"fmt"
	"sync"

	"github.com/ndview/ndview"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/blas/cblas128"
	"gonum.org/v1/gonum/mat"
)

// errorf returns an error of the public call op ("gonumbridge.Dense").
func errorf(op string, kind error, format string, args ...any) error {
	return &ndview.Error{Op: op, Kind: kind, Msg: fmt.Sprintf(format, args...)}
}

// wrap puts the public call op on an error from ndview.
func wrap(op string, err error) error {
	if e, ok := err.(*ndview.Error); ok {
		c := *e
		c.Op = op
		return &c
	}
	return fmt.Errorf("ndview: %s: %w", op, err)
}

// pins are the holds taken for values handed to gonum, by the value (or, for a
// blas32.General, which is not comparable, its first element). The map keeps the values
// reachable: a pinned Mapping is never unmapped by the collector either.
var pins struct {
	mu sync.Mutex
	m  map[any][]ndview.Hold
}

// pin pins v's owner for the gonum value key.
func pin[T ndview.Elem](v *ndview.View[T], key any) {
	h := ndview.Pin(v)
	if !h.Held() {
		return // Go memory: nothing to pin
	}
	pins.mu.Lock()
	defer pins.mu.Unlock()
	if pins.m == nil {
		pins.m = make(map[any][]ndview.Hold)
	}
	pins.m[key] = append(pins.m[key], h)
}

// pinKey returns the key under which m was pinned.
func pinKey(m any) (any, bool) {
	switch m := m.(type) {
	case *mat.Dense, *mat.VecDense, *mat.CDense, *readOnlyMatrix, *readOnlyVector:
		return m, true
	case mat.Transpose:
		return pinKey(m.Matrix)
	case blas32.General:
		if len(m.Data) == 0 {
			return nil, false
		}
		return &m.Data[0], true
	}
	return nil, false
}

// Unpin gives back the pin that Dense, Matrix, Vector, VecDense, CDense or General32 took
// on the owner of a view's memory when it returned m (see the package doc): afterwards a
// Buffer may resize and a Mapping close or unmap, so m and every gonum value derived from it
// must no longer be used. Unpin reports whether it gave a pin back: false for values over Go
// memory, values the bridge did not make, and values already unpinned. A value bridged
// twice from one view (two calls returning one General32's memory, say) is pinned twice.
func Unpin(m any) bool {
	key, ok := pinKey(m)
	if !ok {
		return false
	}
	pins.mu.Lock()
	hs := pins.m[key]
	if len(hs) == 0 {
		pins.mu.Unlock()
		return false
	}
	h := hs[len(hs)-1]
	if len(hs) == 1 {
		delete(pins.m, key)
	} else {
		pins.m[key] = hs[:len(hs)-1]
	}
	pins.mu.Unlock()
	h.Release()
	return true
}

// general is a row-major matrix as BLAS sees it.
type general[T ndview.Elem] struct {
	rows, cols, stride int
	data               []T
}

// rowMajor checks that v is a 2-D view gonum can hold as rows×cols with unit column stride,
// and returns its data; fn is the public function called, for the messages. With writable
// set it refuses read-only views.
func rowMajor[T ndview.Elem](fn string, v *ndview.View[T], writable bool) (general[T], error) {
	if v.Released() {
		return general[T]{}, errorf(fn, ndview.ErrReleased, "the view is released")
	}
	if writable && v.ReadOnly() {
		return general[T]{}, errorf(fn, ndview.ErrReadOnly, "needs a writable view and this one is read-only (a file mapped read-only, say); "+
			"use gonumbridge.Matrix or gonumbridge.Vector to use it as a read-only operand, map the file writable (npy.Map(path, true)), or Clone() it")
	}
	if v.NDim() != 2 {
		return general[T]{}, errorf(fn, ndview.ErrShape, "needs a 2-D view, not %d-D (shape %v)", v.NDim(), v.Shape())
	}
	shape := v.Shape()
	r, c := shape[0], shape[1]
	if r == 0 || c == 0 {
		return general[T]{}, errorf(fn, ndview.ErrShape, "an empty %d×%d view: gonum matrices cannot be empty", r, c)
	}
	bs := v.Strides()
	data, strides, err := v.UnsafeRaw()
	if err != nil {
		return general[T]{}, errorf(fn, ndview.ErrStrides, "needs positive strides of whole elements, the view's are %v bytes; Clone() it", bs)
	}
	rs, cs := strides[0], strides[1]
	if c > 1 && cs != 1 {
		return general[T]{}, errorf(fn, ndview.ErrStrides, "needs unit column stride, the view steps %d elements along a row (%d bytes); Clone() it, or use gonumbridge.Matrix for a transposed layout", cs, bs[1])
	}
	if r == 1 {
		rs = c // never used; gonum only needs stride >= cols
	}
	if rs < c {
		return general[T]{}, errorf(fn, ndview.ErrStrides, "needs a row stride of at least %d columns, the view's is %d elements; Clone() it", c, rs)
	}
	return general[T]{r, c, rs, data[:(r-1)*rs+c]}, nil
}

// Dense returns a *mat.Dense that shares v's memory: a 2-D view with unit column stride and a
// row stride of at least its number of columns (a C-contiguous view, or any row-sliced or
// column-sliced block of one). Memory lent by an owner stays pinned until Unpin (see the
// package doc).
//
// Dense returns an error wrapping ErrShape (not 2-D, or empty), ErrStrides (a layout gonum
// cannot hold), ErrReadOnly (use Matrix to read a read-only view) or ErrReleased.
func Dense(v *ndview.View[float64]) (*mat.Dense, error) {
	return dense("gonumbridge.Dense", v)
}

func dense(fn string, v *ndview.View[float64]) (*mat.Dense, error) {
	g, err := rowMajor(fn, v, true)
	if err != nil {
		return nil, err
	}
	d := new(mat.Dense)
	d.SetRawMatrix(blas64.General{Rows: g.rows, Cols: g.cols, Stride: g.stride, Data: g.data})
	pin(v, d)
	return d, nil
}

// Matrix returns a mat.Matrix that shares v's memory: for a writable view, a *mat.Dense for
// the layouts Dense takes and a mat.Transpose of one for Fortran-like layouts (unit row
// stride, such as the transpose of a C-contiguous view); for a read-only view, a read-only
// mat.Matrix that implements mat.RawMatrixer (inside a mat.Transpose for Fortran-like
// layouts), which gonum reads in place as an operand. The slice its RawMatrix returns must
// not be written. Memory lent by an owner stays pinned until Unpin (see the package doc).
//
// Matrix returns an error wrapping ErrShape, ErrStrides or ErrReleased when neither layout
// fits.
func Matrix(v *ndview.View[float64]) (mat.Matrix, error) {
	const fn = "gonumbridge.Matrix"
	ro := !v.Released() && v.ReadOnly()
	m, err := matrix(fn, v, ro)
	if err == nil {
		return m, nil
	}
	if v.Released() || v.NDim() != 2 {
		return nil, err
	}
	t := v.Transpose()
	defer t.Release()
	if mt, errT := matrix(fn, t, ro); errT == nil {
		return mat.Transpose{Matrix: mt}, nil
	}
	return nil, err
}

func matrix(fn string, v *ndview.View[float64], readOnly bool) (mat.Matrix, error) {
	if !readOnly {
		return dense(fn, v)
	}
	g, err := rowMajor(fn, v, false)
	if err != nil {
		return nil, err
	}
	m := &readOnlyMatrix{blas64.General{Rows: g.rows, Cols: g.cols, Stride: g.stride, Data: g.data}}
	pin(v, m)
	return m, nil
}

// readOnlyMatrix is a read-only row-major matrix that gonum reads through RawMatrix.
type readOnlyMatrix struct{ raw blas64.General }

var (
	_ mat.Matrix      = (*readOnlyMatrix)(nil)
	_ mat.RawMatrixer = (*readOnlyMatrix)(nil)
)

func (m *readOnlyMatrix) Dims() (r, c int) { return m.raw.Rows, m.raw.Cols }

func (m *readOnlyMatrix) At(i, j int) float64 {
	if uint(i) >= uint(m.raw.Rows) {
		panic(mat.ErrRowAccess)
	}
	if uint(j) >= uint(m.raw.Cols) {
		panic(mat.ErrColAccess)
	}
	return m.raw.Data[i*m.raw.Stride+j]
}

func (m *readOnlyMatrix) T() mat.Matrix { return mat.Transpose{Matrix: m} }

// RawMatrix returns the matrix's memory for gonum to read; it must not be written.
func (m *readOnlyMatrix) RawMatrix() blas64.General { return m.raw }

// Vector returns a mat.Vector that shares v's memory, a non-empty 1-D view with a positive
// stride of whole elements, read-only or not: a read-only mat.Vector that implements
// mat.RawVectorer, which gonum reads in place as an operand. The slice its RawVector returns
// must not be written (use VecDense for a vector gonum may write). Memory lent by an owner
// stays pinned until Unpin (see the package doc).
//
// Vector returns an error wrapping ErrShape, ErrStrides or ErrReleased.
func Vector(v *ndview.View[float64]) (mat.Vector, error) {
	raw, err := vector("gonumbridge.Vector", v, false)
	if err != nil {
		return nil, err
	}
	x := &readOnlyVector{raw}
	pin(v, x)
	return x, nil
}

// readOnlyVector is a read-only vector that gonum reads through RawVector.
type readOnlyVector struct{ raw blas64.Vector }

var (
	_ mat.Vector      = (*readOnlyVector)(nil)
	_ mat.RawVectorer = (*readOnlyVector)(nil)
)

func (x *readOnlyVector) Dims() (r, c int) { return x.raw.N, 1 }
func (x *readOnlyVector) Len() int         { return x.raw.N }
func (x *readOnlyVector) T() mat.Matrix    { return mat.Transpose{Matrix: x} }

func (x *readOnlyVector) At(i, j int) float64 {
	if j != 0 {
		panic(mat.ErrColAccess)
	}
	return x.AtVec(i)
}

func (x *readOnlyVector) AtVec(i int) float64 {
	if uint(i) >= uint(x.raw.N) {
		panic(mat.ErrVectorAccess)
	}
	return x.raw.Data[i*x.raw.Inc]
}

// RawVector returns the vector's memory for gonum to read; it must not be written.
func (x *readOnlyVector) RawVector() blas64.Vector { return x.raw }

// vector checks that v is a 1-D view gonum can hold and returns it as BLAS sees it.
func vector(fn string, v *ndview.View[float64], writable bool) (blas64.Vector, error) {
	if v.Released() {
		return blas64.Vector{}, errorf(fn, ndview.ErrReleased, "the view is released")
	}
	if writable && v.ReadOnly() {
		return blas64.Vector{}, errorf(fn, ndview.ErrReadOnly, "needs a writable view and this one is read-only (a file mapped read-only, say); "+
			"use gonumbridge.Vector to use it as a read-only operand, map the file writable (npy.Map(path, true)), or Clone() it")
	}
	if v.NDim() != 1 || v.Len() == 0 {
		return blas64.Vector{}, errorf(fn, ndview.ErrShape, "needs a non-empty 1-D view, not shape %v", v.Shape())
	}
	data, strides, err := v.UnsafeRaw()
	n, inc := v.Len(), 0
	if err == nil {
		inc = strides[0]
	}
	if n == 1 {
		inc = 1
	}
	if inc <= 0 {
		return blas64.Vector{}, errorf(fn, ndview.ErrStrides, "needs a positive stride of whole elements, the view's is %d bytes; Clone() it", v.Strides()[0])
	}
	return blas64.Vector{N: n, Inc: inc, Data: data[:(n-1)*inc+1]}, nil
}

// VecDense returns a *mat.VecDense that shares v's memory: a non-empty 1-D view with a
// positive stride of whole elements. Memory lent by an owner stays pinned until Unpin (see
// the package doc).
//
// VecDense returns an error wrapping ErrShape, ErrStrides, ErrReadOnly (use Vector to read a
// read-only view) or ErrReleased.
func VecDense(v *ndview.View[float64]) (*mat.VecDense, error) {
	raw, err := vector("gonumbridge.VecDense", v, true)
	if err != nil {
		return nil, err
	}
	x := new(mat.VecDense)
	x.SetRawVector(raw)
	pin(v, x)
	return x, nil
}

// CDense is Dense for complex128.
func CDense(v *ndview.View[complex128]) (*mat.CDense, error) {
	g, err := rowMajor("gonumbridge.CDense", v, true)
	if err != nil {
		return nil, err
	}
	d := new(mat.CDense)
	d.SetRawCMatrix(cblas128.General{Rows: g.rows, Cols: g.cols, Stride: g.stride, Data: g.data})
	pin(v, d)
	return d, nil
}

// General32 returns the blas32.General of a float32 view, for gonum's blas32 routines, with
// the layout rules of Dense. Memory lent by an owner stays pinned until Unpin (see the
// package doc).
func General32(v *ndview.View[float32]) (blas32.General, error) {
	g, err := rowMajor("gonumbridge.General32", v, true)
	if err != nil {
		return blas32.General{}, err
	}
	m := blas32.General{Rows: g.rows, Cols: g.cols, Stride: g.stride, Data: g.data}
	pin(v, &m.Data[0])
	return m, nil
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
		return nil, errorf("gonumbridge.FromDense", ndview.ErrStrides, "stride %d is below the %d columns", raw.Stride, raw.Cols)
	}
	v, err := ndview.FromSliceStrided(raw.Data, 0, []int{raw.Rows, raw.Cols}, []int{raw.Stride, 1})
	if err != nil {
		return nil, wrap("gonumbridge.FromDense", err)
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
		return nil, errorf("gonumbridge.FromVecDense", ndview.ErrStrides, "increment %d", raw.Inc)
	}
	v, err := ndview.FromSliceStrided(raw.Data, 0, []int{raw.N}, []int{raw.Inc})
	if err != nil {
		return nil, wrap("gonumbridge.FromVecDense", err)
	}
	return v, nil
}
