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
// number of dimNames, ErrOverflow for a copy larger than ndview.MemoryLimit, and ErrFormat
// for element types arrow/tensor lacks (complex, float16).
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
			c, err := cloneOf(fn, v)
			if err != nil {
				return nil, err
			}
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
// nothing when t's layout is one a view of the buffer can take with the shape and byte strides
// of t: any permutation of a C-contiguous layout (row-major, column-major, transposes), any
// slice of one with steps, and broadcasts (stride 0, so a tensor of 2^40 elements over one
// element is a view of that element), in short any layout of non-negative strides that nest.
// Other layouts (negative strides, elements that overlap along strides other than 0, strides
// that are not whole elements) are copied once into C order. The view retains t until it and
// every view derived from it are released or collected: the caller may release t at once.
//
// FromTensor returns an error wrapping ErrFormat if t's element type is not T's Arrow type
// or t's buffer is too short for its shape and strides (the errors of ndview.NewStrided
// otherwise), ErrOverflow for a copy larger than ndview.MemoryLimit, and ErrReleased for a
// released tensor.
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
	if len(shape64) > ndview.MaxDims {
		return nil, errorf(ndview.ErrShape, fn, "%d dimensions; ndview views have at most %d", len(shape64), ndview.MaxDims)
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

	// The layout is checked against the buffer as bytes (every byte of every element in it),
	// so that a buffer not aligned for T is copied, not refused.
	u, err := ndview.NewStrided[uint8](all, 0, append(slices.Clone(shape), isz), append(slices.Clone(strides), 1))
	if err != nil {
		return nil, wrap(fn, err)
	}
	defer u.Release()
	if v, ok := stridedView[T](all, shape, strides, t); ok {
		if sameStrides(shape, strides, v.Strides()) {
			return v, nil
		}
		v.Release() // composition went wrong: a bug, but a copy is still right
	}

	// A copy of the bytes in C order (refused over the memory limit), viewed as T.
	c, err := cloneOf(fn, u)
	if err != nil {
		return nil, err
	}
	defer c.Release()
	ro := c.AsReadOnly()
	defer ro.Release()
	dims := shape
	if len(shape) == 0 {
		dims = []int{1} // Cast reads no shape as "all of it, 1-D"
	}
	v, err := ndview.Cast[T](ro, dims...)
	if err == nil && len(shape) == 0 {
		w, err2 := v.Reshape()
		v.Release()
		v, err = w, err2
	}
	if err != nil {
		return nil, wrap(fn, err)
	}
	return v, nil
}

// stridedView returns a read-only view of shape and byte strides whose element (0, …, 0) is
// the start of b, holding r through a lender, without copying; false for a layout it cannot
// make. ndview makes strided views over an Exporter only by deriving them from a C-contiguous
// one, so the view is composed: the axes of positive stride, by decreasing stride, must nest
// (each stride a multiple of the next, with room for the next axis's elements between): they
// are then a slice of a C-contiguous block of b, whose shape is (first axis, ratios of
// consecutive strides, last stride), by Slice and Index. Reshape adds the axes of stride 0
// and of length 1 as axes of length 1, Transpose puts every axis in its place, and
// BroadcastTo stretches the stride-0 axes. Overlapping axes, strides that do not nest or are
// not whole elements, and a block that runs past b (the last row of a slice whose buffer
// ends early) are left to a copy.
func stridedView[T ndview.Elem](b []byte, shape, strides []int, r refCounted) (*ndview.View[T], bool) {
	isz := ndview.DTypeOf[T]().ItemSize()
	type axis struct{ k, d, s int } // tensor axis k: d elements, s elements apart
	var pos []axis
	for k, d := range shape {
		switch {
		case d == 0:
			return nil, false // empty: a copy allocates nothing
		case d == 1 || strides[k] == 0:
		case strides[k] < 0 || strides[k]%isz != 0:
			return nil, false
		default:
			pos = append(pos, axis{k, d, strides[k] / isz})
		}
	}
	slices.SortStableFunc(pos, func(a, b axis) int { return cmp.Compare(b.s, a.s) })
	block, n := []int{1}, 1
	if len(pos) > 0 {
		block = []int{pos[0].d}
		for i := 1; i < len(pos); i++ {
			if pos[i-1].s%pos[i].s != 0 || pos[i-1].s/pos[i].s < pos[i].d {
				return nil, false
			}
			block = append(block, pos[i-1].s/pos[i].s)
		}
		block = append(block, pos[len(pos)-1].s)
		var ok bool
		if n, ok = product([]int{pos[0].d, pos[0].s}, maxInt); !ok {
			return nil, false
		}
	}
	nb, ok := product([]int{n, isz}, maxInt)
	if !ok || nb > len(b) || len(block) > ndview.MaxDims {
		return nil, false
	}
	v, err := ndview.FromExporter[T](&lender{b: b[:nb], r: r}, block...)
	if err != nil {
		return nil, false // misaligned
	}
	next := func(w *ndview.View[T], err error) bool {
		v.Release()
		v = w
		return err == nil
	}
	for i := 1; i < len(pos); i++ {
		next(v.Slice(i, 0, pos[i].d, 1), nil)
	}
	next(v.Index(len(block)-1, 0), nil)
	dims := make([]int, len(shape)) // v's axes, then the axes of length 1
	perm := make([]int, len(shape)) // tensor axis k is axis perm[k] of v
	for i, a := range pos {
		dims[i], perm[a.k] = a.d, i
	}
	j := len(pos)
	for k, d := range shape {
		if d == 1 || strides[k] == 0 {
			dims[j], perm[k] = 1, j
			j++
		}
	}
	if !next(v.Reshape(dims...)) {
		return nil, false
	}
	next(v.Transpose(perm...), nil)
	if !next(ndview.BroadcastTo(v, shape...)) {
		return nil, false
	}
	return v, true
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
