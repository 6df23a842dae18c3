package arrowbridge

import (
	"cmp"
	"math"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/arrow/tensor"
	"github.com/ndview/ndview"
)

// ToTensor returns an arrow/tensor value (a *tensor.Float64 for a View[float64], and so on)
// with v's shape and strides, in bytes. It copies nothing when every stride is non-negative
// and a whole number of elements (strides of axes of length 0 or 1 are reported as
// row-major ones); other views (negative strides) are copied once into C order. dimNames,
// if given, name the axes. The caller releases the tensor.
//
// The tensor holds v's export (if v has an exporter) until its last reference is released,
// even after v is released. arrow/tensor values are read-only; do not write through v while
// the tensor is in use.
//
// ToTensor returns an error wrapping ErrReleased for a released view, ErrShape for the wrong
// number of dimNames, and ErrFormat for element types arrow/tensor lacks (complex, float16).
func ToTensor[T ndview.Elem](v *ndview.View[T], dimNames ...string) (tensor.Interface, error) {
	const fn = "ToTensor"
	if v.Released() {
		return nil, errorf(ndview.ErrReleased, fn, "the view is released")
	}
	value, err := arrowType[T](fn)
	if err != nil {
		return nil, err
	}
	if value.ID() == arrow.FLOAT16 {
		return nil, errorf(ndview.ErrFormat, fn, "arrow/tensor has no float16 tensors")
	}
	shape := v.Shape()
	if len(dimNames) != 0 && len(dimNames) != len(shape) {
		return nil, errorf(ndview.ErrShape, fn, "%d dimNames for %d axes", len(dimNames), len(shape))
	}
	isz := v.ItemSize()
	p := v.AsReadOnly() // a view of its own, released below; the buffer holds its export
	defer p.Release()
	for k, s := range p.Strides() {
		if shape[k] > 1 && (s < 0 || s%isz != 0) {
			c := v.Clone()
			defer c.Release()
			p = c
			break
		}
	}
	strides := make([]int64, len(shape))
	shape64 := make([]int64, len(shape))
	row := int64(isz) // row-major stride of the axis, for axes whose own is never used
	for k := len(shape) - 1; k >= 0; k-- {
		shape64[k] = int64(shape[k])
		strides[k] = int64(p.Strides()[k])
		if shape[k] <= 1 {
			strides[k] = row
		}
		row *= max(int64(shape[k]), 1)
	}
	names := make([]string, len(shape)) // arrow/tensor's DimName indexes this
	copy(names, dimNames)
	buf := exportBuffer(p)
	defer buf.Release()
	data := array.NewData(value, buf.Len()/isz, []*memory.Buffer{nil, buf}, nil, 0, 0)
	defer data.Release()
	return tensor.New(data, shape64, strides, names), nil // retains data
}

// FromTensor returns a read-only view of t's memory with t's shape and strides. It copies
// nothing when t's layout is a permutation of a C-contiguous one (row-major, column-major,
// any transpose of them); other layouts (stepped strides) are copied once into C order.
// The view retains t until it and every view derived from it are released or collected:
// the caller may release t at once.
//
// FromTensor returns an error wrapping ErrFormat if t's element type is not T's Arrow type
// or t's buffer is too short for its shape and strides (the errors of ndview.NewStrided
// otherwise), and ErrReleased for a released tensor.
func FromTensor[T ndview.Elem](t tensor.Interface) (*ndview.View[T], error) {
	const fn = "FromTensor"
	if t == nil {
		return nil, errorf(ndview.ErrFormat, fn, "nil tensor")
	}
	want, err := arrowType[T](fn)
	if err != nil {
		return nil, err
	}
	if !arrow.TypeEqual(t.DataType(), want) {
		return nil, errorf(ndview.ErrFormat, fn, "a tensor of %s; a View[%s] needs %s", t.DataType(), ndview.DTypeOf[T](), want)
	}
	d := t.Data()
	if d == nil {
		return nil, errorf(ndview.ErrReleased, fn, "tensor is released")
	}
	shape64, strides64 := t.Shape(), t.Strides()
	if len(strides64) != len(shape64) {
		return nil, errorf(ndview.ErrStrides, fn, "%d strides for %d dimensions", len(strides64), len(shape64))
	}
	shape, strides := make([]int, len(shape64)), make([]int, len(shape64))
	for k := range shape64 {
		if shape64[k] < 0 || shape64[k] > math.MaxInt || strides64[k] < math.MinInt || strides64[k] > math.MaxInt {
			return nil, errorf(ndview.ErrShape, fn, "shape %v, strides %v", shape64, strides64)
		}
		shape[k], strides[k] = int(shape64[k]), int(strides64[k])
	}
	// The tensor's element i is element d.Offset()+i of its buffer; its element (0, …, 0) is
	// element 0 of the tensor.
	isz := ndview.DTypeOf[T]().ItemSize()
	var all []byte
	if bufs := d.Buffers(); len(bufs) > 1 && bufs[1] != nil {
		all = bufs[1].Bytes()
	}
	lo, ok := product([]int{d.Offset(), isz}, maxInt)
	if !ok || d.Offset() < 0 || lo > len(all) {
		return nil, errorf(ndview.ErrFormat, fn, "offset %d beyond a buffer of %d bytes", d.Offset(), len(all))
	}
	all = all[lo:]
	size, ok := product(shape, maxInt)
	if !ok {
		return nil, errorf(ndview.ErrOverflow, fn, "shape %v overflows", shape)
	}

	// Zero copy: the axes by decreasing stride are a C-contiguous layout.
	order := identity(len(shape))
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(strides[b], strides[a]) })
	phys := make([]int, len(shape))
	inv := make([]int, len(shape))
	for j, a := range order {
		phys[j] = shape[a]
		inv[a] = j
	}
	if nb, ok := product([]int{size, isz}, maxInt); ok && nb <= len(all) && size > 0 {
		base, err := viewOf[T](all[:nb], phys, t, nil)
		if err == nil {
			v := base.Transpose(inv...)
			base.Release()
			if sameStrides(shape, strides, v.Strides()) {
				return v, nil
			}
			v.Release()
		}
	}

	// A copy, through a view that validates the layout against the buffer.
	w, err := ndview.NewStrided[T](all, 0, shape, strides)
	if err != nil {
		return nil, wrap(fn, err)
	}
	c := w.Clone()
	w.Release()
	r := c.AsReadOnly()
	c.Release()
	return r, nil
}

// sameStrides reports whether two layouts of shape agree on every axis longer than 1.
func sameStrides(shape, a, b []int) bool {
	for k, d := range shape {
		if d > 1 && a[k] != b[k] {
			return false
		}
	}
	return true
}
