package arrowbridge

import (
	"cmp"
	"errors"
	"math"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/ndview/ndview"
)

// exportAllocator is the memory.Allocator of the buffer Arrow is handed over a view's memory.
// It allocates nothing of that memory: its Free, called by arrow-go when the buffer's last
// reference is released, gives the view's export back. The allocator is also the holder of
// the hold (ndview.HoldFor), so a buffer dropped without Release gives the export back once
// the garbage collector has collected it.
type exportAllocator struct {
	hold ndview.Hold
}

var _ memory.Allocator = (*exportAllocator)(nil)

// Allocate and Reallocate serve arrow-go's resizable buffers; a buffer over a view's memory
// is never resized, so they only exist to satisfy memory.Allocator.
func (*exportAllocator) Allocate(n int) []byte { return make([]byte, n) }

func (*exportAllocator) Reallocate(n int, b []byte) []byte {
	nb := make([]byte, n)
	copy(nb, b)
	return nb
}

// Free gives the export back; it is idempotent.
func (a *exportAllocator) Free([]byte) { a.hold.Release() }

// exportBuffer returns an Arrow buffer over the bytes of v's elements from element
// (0, …, 0) to the last one (see span) that holds v's export until its last reference is
// released.
func exportBuffer[T ndview.Elem](v *ndview.View[T]) *memory.Buffer {
	a := new(exportAllocator)
	a.hold = ndview.HoldFor(v, a)
	return memory.NewBufferWithAllocator(bytesOf(span(v)), a)
}

// refCounted is what Arrow values that own memory have in common (arrow.ArrayData,
// tensor.Interface).
type refCounted interface {
	Retain()
	Release()
}

// lender is the ndview.Exporter of Arrow memory: each export retains the Arrow value that
// owns the memory (a column's data, a tensor), and gives it back with Unexport. With pin
// set, each export is also an export of pin (a File's mapping), so that File.Close waits
// for the view.
type lender struct {
	b   []byte
	r   refCounted
	pin ndview.Exporter
}

// Export implements ndview.Exporter. Views of Arrow memory are read-only.
func (l *lender) Export() ([]byte, bool, error) {
	if l.pin != nil {
		if _, _, err := l.pin.Export(); err != nil {
			return nil, false, err
		}
	}
	l.r.Retain()
	return l.b, true, nil
}

// Unexport implements ndview.Exporter.
func (l *lender) Unexport() {
	l.r.Release()
	if l.pin != nil {
		l.pin.Unexport()
	}
}

// viewOf returns a read-only view of shape over b (C order), holding r (and pin) through a
// lender, or a read-only copy if b is not aligned for T.
func viewOf[T ndview.Elem](b []byte, shape []int, r refCounted, pin ndview.Exporter) (*ndview.View[T], error) {
	dims := shape
	if len(shape) == 0 {
		dims = []int{1} // FromExporter and FromSlice read no shape as "all of it"
	}
	v, err := ndview.FromExporter[T](&lender{b: b, r: r, pin: pin}, dims...)
	if errors.Is(err, ndview.ErrMisaligned) {
		// Arrow aligns buffers to 8 bytes or more; other producers may not. Copy.
		n, ok := product(dims, maxInt)
		if err := copyLimit[T](n, ok); err != nil {
			return nil, err
		}
		s := make([]T, n)
		copy(bytesOf(s), b)
		w, err := ndview.FromSlice(s, dims...)
		if err != nil {
			return nil, err
		}
		v = w.AsReadOnly()
	} else if err != nil {
		return nil, err
	}
	if len(shape) == 0 {
		w, err := v.Reshape() // a 0-d view of the one element
		v.Release()
		return w, err
	}
	return v, nil
}

// ToColumn returns a column of v.Shape()[0] tensors of shape v.Shape()[1:], of type
// TensorType, whose element type is T's Arrow type. The caller releases the column.
//
// ToColumn of a 1-D view gives a plain primitive array (an arrow.Int64 column of token ids,
// say), which FromColumn reads back; it copies nothing when the view is contiguous.
//
// ToColumn copies nothing when the rows are a C-contiguous batch (any C-contiguous view of
// rank 2 or more) or a batch whose tensor axes are a permutation of a C-contiguous layout,
// such as base.Transpose(0, 2, 1) of a C-contiguous base: then the type's Shape is the
// physical layout and its Permutation maps the view's axes onto it (logical axis i is
// physical axis Permutation()[i]; the transpose of a (4, 3, 5) batch above gives shape
// [3, 5] and permutation [1, 0]). Other layouts (a stepped row axis, negative strides, rows
// that are not outermost) are copied once into C order. dimNames, if given, name v's tensor
// axes (one name per axis after the first) and are stored in physical order.
//
// The column holds v's export (if v has an exporter) until Arrow releases the column's last
// reference to the memory, even after v is released: a Buffer cannot Resize and a Mapping
// cannot Close in between. Do not write through v while Arrow uses the column.
//
// ToColumn returns an error wrapping ErrReleased for a released view, ErrShape for a 0-d
// view, dimNames for a 1-D one, a tensor axis of length 0 or the wrong number of dimNames, ErrOverflow for
// tensors of more than 2³¹-1 elements or a copy larger than ndview.MemoryLimit (a broadcast
// view's size is virtual: its copy may be larger than memory), and ErrFormat for element
// types Arrow lacks (complex).
func ToColumn[T ndview.Elem](v *ndview.View[T], dimNames ...string) (arrow.Array, error) {
	const fn = "ToColumn"
	if v.Released() {
		return nil, errorf(ndview.ErrReleased, fn, "the view is released")
	}
	value, err := arrowType[T](fn)
	if err != nil {
		return nil, err
	}
	shape := v.Shape()
	if len(shape) == 1 {
		return primitiveColumn(fn, v, value, dimNames)
	}
	if len(shape) < 2 {
		return nil, errorf(ndview.ErrShape, fn, "needs a view of rank 1 (a primitive column) or more (rows of tensors), not shape %v", shape)
	}
	k := len(shape) - 1
	if len(dimNames) != 0 && len(dimNames) != k {
		return nil, errorf(ndview.ErrShape, fn, "%d dimNames for %d tensor axes of shape %v", len(dimNames), k, shape)
	}
	for a, d := range shape[1:] {
		if d == 0 {
			return nil, errorf(ndview.ErrShape, fn, "tensor axis %d of shape %v has length 0; Arrow's FixedSizeList needs a positive size", a+1, shape)
		}
	}
	if _, ok := product(shape[1:], math.MaxInt32); !ok {
		return nil, errorf(ndview.ErrOverflow, fn, "tensors of shape %v have more than 2^31-1 elements, the most a FixedSizeList holds", shape[1:])
	}
	// axes[j] is the axis of v that becomes physical axis j: the row axis first, then the
	// tensor axes by decreasing stride. p is v in that order, C-contiguous or a copy.
	axes := physicalOrder(v)
	p := v.Transpose(axes...)
	defer p.Release()
	if !p.IsCContiguous() {
		c, err := cloneOf(fn, v)
		if err != nil {
			return nil, err
		}
		defer c.Release()
		p, axes = c, identity(len(shape))
	}
	physShape := p.Shape()[1:]
	var perm []int
	var names []string
	if !isIdentity(axes) {
		perm = make([]int, k)
		for j, a := range axes[1:] {
			perm[a-1] = j
		}
	}
	if len(dimNames) != 0 {
		names = make([]string, k)
		for j, a := range axes[1:] {
			names[j] = dimNames[a-1]
		}
	}
	tt, err := newTensorType(fn, ndview.ErrShape, value, physShape, names, perm)
	if err != nil {
		return nil, err
	}
	size, _ := product(physShape, maxInt)
	buf := exportBuffer(p)
	defer buf.Release()
	values := array.NewData(value, shape[0]*size, []*memory.Buffer{nil, buf}, nil, 0, 0)
	defer values.Release()
	lists := array.NewData(tt.StorageType(), shape[0], []*memory.Buffer{nil}, []arrow.ArrayData{values}, 0, 0)
	defer lists.Release()
	storage := array.NewFixedSizeListData(lists)
	defer storage.Release()
	return array.NewExtensionArrayWithStorage(tt, storage), nil
}

// physicalOrder returns the axes of v in the order of its memory: axis 0 (the rows) first,
// then the tensor axes by decreasing stride (a stable sort, so an already C-ordered layout
// keeps its order). It is the identity for a C-contiguous view.
func physicalOrder[T ndview.Elem](v *ndview.View[T]) []int {
	axes := identity(v.NDim())
	if v.IsCContiguous() {
		return axes
	}
	strides := v.Strides()
	slices.SortStableFunc(axes[1:], func(a, b int) int { return cmp.Compare(strides[b], strides[a]) })
	return axes
}

func identity(n int) []int {
	axes := make([]int, n)
	for i := range axes {
		axes[i] = i
	}
	return axes
}

// FromColumn returns a read-only view of the column's memory, without copying: a column of
// TensorType (or a slice of one) gives shape (rows, logical tensor shape...), its
// permutation applied through strides. A plain FixedSizeList column (nested or not) gives
// (rows, sizes...), and a primitive column (rows), as DuckDB and other engines return
// FLOAT[12] or DOUBLE columns. The view retains the column's memory until it and every view
// derived from it are released or collected: the caller may release col at once.
//
// Memory that is not aligned for T (which Arrow's own writers never produce) is copied.
//
// FromColumn returns an error wrapping ErrFormat for an element type other than T's Arrow
// type, a column of another type (strings, variable-size lists, structs, ...), nulls, or
// buffers too short for the column's length.
func FromColumn[T ndview.Elem](col arrow.Array) (*ndview.View[T], error) {
	const fn = "FromColumn"
	l, err := layoutOf[T](fn, col)
	if err != nil {
		return nil, err
	}
	return l.view(fn, nil)
}

// colLayout is where a column's elements lie and how to view them.
type colLayout[T ndview.Elem] struct {
	values arrow.ArrayData // the primitive data that owns the elements
	b      []byte          // the elements of the column's rows, physical C order
	shape  []int           // (rows, physical tensor shape...)
	axes   []int           // the Transpose that applies the permutation; nil for none
}

// layoutOf finds and checks the elements of col: types, nulls, offsets and lengths.
func layoutOf[T ndview.Elem](fn string, col arrow.Array) (colLayout[T], error) {
	var l colLayout[T]
	if col == nil {
		return l, errorf(ndview.ErrFormat, fn, "nil column")
	}
	want, err := arrowType[T](fn)
	if err != nil {
		return l, err
	}
	d := col.Data()
	if d == nil {
		return l, errorf(ndview.ErrReleased, fn, "column is released")
	}
	start, count := 0, d.Len() // logical range of d (before its own offset)
	l.shape = []int{count}
	dt := d.DataType()
	tt, isTensor, err := tensorTypeOf(fn, dt)
	if err != nil {
		return l, err
	}
	if isTensor {
		dt = tt.StorageType()
		if perm := tt.perm; !isIdentity(perm) {
			l.axes = make([]int, len(perm)+1)
			for i, p := range perm {
				l.axes[i+1] = p + 1
			}
		}
	} else if ext, ok := dt.(arrow.ExtensionType); ok {
		return l, errorf(ndview.ErrFormat, fn, "a column of extension type %s, not %s", ext.ExtensionName(), TensorName)
	}
	for depth := 0; ; depth++ {
		if err := checkNulls(fn, d, start, count); err != nil {
			return l, err
		}
		phys := d.Offset() + start // the first element, counted in d's buffers
		if t, ok := dt.(*arrow.FixedSizeListType); ok && (!isTensor || depth == 0) {
			n := int(t.Len())
			if len(d.Children()) != 1 {
				return l, errorf(ndview.ErrFormat, fn, "FixedSizeList data with %d children", len(d.Children()))
			}
			if len(l.shape) >= ndview.MaxDims {
				return l, errorf(ndview.ErrFormat, fn, "more than %d nested dimensions", ndview.MaxDims)
			}
			if isTensor {
				l.shape = append(l.shape, tt.shape...) // product(shape) == n, checked by the type
			} else {
				l.shape = append(l.shape, n)
			}
			// List i of d spans elements [(phys+i)*n, (phys+i+1)*n) of the child.
			var ok1, ok2 bool
			start, ok1 = product([]int{phys, n}, maxInt)
			count, ok2 = product([]int{count, n}, maxInt)
			d = d.Children()[0]
			dt = d.DataType()
			if !ok1 || !ok2 || count > 0 && (start > d.Len() || count > d.Len()-start) {
				return l, errorf(ndview.ErrFormat, fn, "%d lists of %d from list %d do not fit a child of length %d", l.shape[0], n, phys, d.Len())
			}
			continue
		}
		if !arrow.TypeEqual(dt, want) {
			if isTensor {
				return l, errorf(ndview.ErrFormat, fn, "tensor values are %s; a View[%s] needs %s", dt, ndview.DTypeOf[T](), want)
			}
			return l, errorf(ndview.ErrFormat, fn, "a column of %s; a View[%s] reads %s values, FixedSizeLists of them, or %s columns of them", col.DataType(), ndview.DTypeOf[T](), want, TensorName)
		}
		l.values = d
		if count == 0 {
			return l, nil
		}
		isz := ndview.DTypeOf[T]().ItemSize()
		bufs := d.Buffers()
		if len(bufs) < 2 || bufs[1] == nil {
			return l, errorf(ndview.ErrFormat, fn, "%s data without a values buffer", dt)
		}
		b := bufs[1].Bytes()
		lo, ok1 := product([]int{phys, isz}, maxInt)
		n, ok2 := product([]int{count, isz}, maxInt)
		if !ok1 || !ok2 || lo > len(b) || n > len(b)-lo {
			return l, errorf(ndview.ErrFormat, fn, "%d values from element %d need more than the %d bytes of the buffer", count, phys, len(b))
		}
		l.b = b[lo : lo+n : lo+n]
		return l, nil
	}
}

const maxInt = int(^uint(0) >> 1)

// checkNulls refuses nulls among elements [start, start+count) of d (before its offset).
func checkNulls(fn string, d arrow.ArrayData, start, count int) error {
	bufs := d.Buffers()
	if d.NullN() == 0 || count == 0 || len(bufs) == 0 || bufs[0] == nil {
		if d.DataType().ID() == arrow.NULL && count > 0 {
			return errorf(ndview.ErrFormat, fn, "a column of nulls")
		}
		return nil
	}
	bm := bufs[0].Bytes()
	lo := d.Offset() + start
	if lo > 8*len(bm) || count > 8*len(bm)-lo {
		return errorf(ndview.ErrFormat, fn, "validity bitmap of %d bytes is too short for %d elements from %d", len(bm), count, lo)
	}
	if set := bitutil.CountSetBits(bm, lo, count); set != count {
		return errorf(ndview.ErrFormat, fn, "%d nulls; ndview views have no nulls (fill them, or filter the rows, first)", count-set)
	}
	return nil
}

// view makes the view of l over Arrow memory, holding l.values (and pin).
func (l colLayout[T]) view(fn string, pin ndview.Exporter) (*ndview.View[T], error) {
	v, err := viewOf[T](l.b, l.shape, l.values, pin)
	if err != nil {
		return nil, wrap(fn, err)
	}
	return l.permute(v), nil
}

// permute applies the tensor permutation to v, which it consumes.
func (l colLayout[T]) permute(v *ndview.View[T]) *ndview.View[T] {
	if l.axes == nil {
		return v
	}
	w := v.Transpose(l.axes...)
	v.Release()
	return w
}

// primitiveColumn is ToColumn of a 1-D view: a primitive array over v's memory (contiguous),
// or over a copy of it.
func primitiveColumn[T ndview.Elem](fn string, v *ndview.View[T], value arrow.DataType, dimNames []string) (arrow.Array, error) {
	if len(dimNames) != 0 {
		return nil, errorf(ndview.ErrShape, fn, "%d dimNames for a 1-D view, which makes a primitive column with no tensor axes", len(dimNames))
	}
	p := v.Transpose(0) // a view of its own, released below; the buffer holds its export
	defer p.Release()
	if !p.IsCContiguous() {
		c, err := cloneOf(fn, v)
		if err != nil {
			return nil, err
		}
		defer c.Release()
		p = c
	}
	buf := exportBuffer(p)
	defer buf.Release()
	data := array.NewData(value, p.Len(), []*memory.Buffer{nil, buf}, nil, 0, 0)
	defer data.Release()
	return array.MakeFromData(data), nil
}
