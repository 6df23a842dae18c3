// Package ndview gives Go what Python's memoryview and NumPy's views give Python: a typed,
// n-dimensional, strided window onto bytes that someone else owns, with no copying.
//
// A View[T] reads and writes elements of type T in a []byte store (a slice, a string, a
// resizable Buffer, a memory-mapped file, or any Exporter). It has a shape and byte strides
// of any sign; Slice, Index, Transpose, Reshape, Cast and AsReadOnly make new views of the
// same memory without copying a single element; Select does NumPy's basic slicing in one
// call.
//
// # Safety
//
// Every constructor and every derived view passes through one validator (layout.go), which
// enforces the invariants written beside the View type: nothing outside the buffer can be
// reached, nothing overflows, every element is aligned, and a view whose elements may
// overlap is read-only. Bad data from outside (construction, Cast, Reshape, ParseFormat)
// gives an error wrapping one of the sentinels; caller bugs (an index out of range, a bad
// axis, a write through a read-only view, any use of a released view) panic with one, as the
// slices package and gonum do.
//
// # Concurrency
//
// Any number of goroutines may read one view, and derive views from it, at once. Writes
// through views that share memory must be synchronized by the caller, as for a slice.
// Release must not race with other use of the same view: release a view only once every
// goroutine using it is done (a sync.WaitGroup, then Release), as with closing a file.
package ndview

import (
	"fmt"
	"sync/atomic"
)

// View is a typed, n-dimensional, strided view of bytes.
//
// Invariants, enforced by layout.check for every view that is made (constructors and
// derived views alike); the unsafe accessors rely on them and on nothing else:
//
//  1. 0 <= ndim <= MaxDims, len(strides) == ndim, every dimension is >= 0.
//  2. size = Π shape and size*itemsize are computed with overflow checks and fit an int;
//     so does every partial offset sum, since each lies within the byte span below.
//  3. A non-empty view reaches only bytes in buf[lo:end], 0 <= lo <= end <= len(buf), where
//     lo and end are the smallest and one past the largest byte of any element. An empty
//     view has 0 <= offset <= len(buf) (derivations clamp it there: it is never used) and
//     never forms a pointer.
//  4. In a non-empty view, the address of element (0,…,0) and every stride of an axis longer
//     than 1 are multiples of T's alignment.
//  5. A view whose layout is not provably free of overlap (isUnique) is read-only, so
//     a write can never alias another element of the same view.
//  6. A read-only view never yields a writable one: every derived view is read-only if its
//     source is, and a view over a string is read-only from the start.
//  7. A released view is never dereferenced: every method but Release, Released and String
//     (which prints "<released view>") checks first and panics with ErrReleased.
type View[T Elem] struct {
	buf      []byte // the whole store the view may reach; element bytes lie in it (3)
	lay      layout
	size     int
	ro       bool
	released bool
	cContig  bool
	fContig  bool
	obj      any    // what the view was made from
	lease    *lease // the view's hold on an exporter, nil when there is none
	// fixed holds the dims and strides of a 2-D or 3-D view for At2, At3, Set2 and Set3: the
	// dims of the other ranks are zero (and so are all of them in a released view), so
	// their one bounds check also checks the rank and release.
	fixed fixedRank
	// inline holds the shape and strides of views of up to inlineDims dimensions, so that a
	// derived view is one allocation.
	inline [2 * inlineDims]int
}

const inlineDims = 4

// newView validates l over buf and makes a view. It is the only way views are made.
func newView[T Elem](buf []byte, l layout, ro bool, obj any) (*View[T], error) {
	return makeView[T](buf, l, ro, obj, false)
}

// makeView is newView; derived says l was derived from a valid view (see layout.check).
func makeView[T Elem](buf []byte, l layout, ro bool, obj any, derived bool) (*View[T], error) {
	size, align := itemInfo[T]()
	g, err := l.check(len(buf), size, align, misalignment(buf, align), derived)
	if err != nil {
		return nil, err
	}
	v := &View[T]{buf: buf, lay: l, size: g.size, ro: ro || !g.unique, obj: obj}
	v.cContig = isCContig(l.shape, l.strides, g.size, size)
	v.fContig = isFContig(l.shape, l.strides, g.size, size)
	v.fixed.set(&l, buf)
	return v, nil
}

// derived returns a new view of n dimensions that shares v's store, owner and read-only
// state, with zeroed layout storage (inline when n is small) for the caller to fill in before
// finish.
func (v *View[T]) derived(n, offset int) *View[T] {
	w := &View[T]{buf: v.buf, ro: v.ro, obj: v.obj}
	var dims []int
	if n <= inlineDims {
		dims = w.inline[: 2*n : 2*n]
	} else {
		dims = make([]int, 2*n)
	}
	w.lay = layout{shape: dims[:n:n], strides: dims[n:], offset: offset}
	return w
}

// finish validates the layout of w, made by derived, and completes it: its read-only
// state, contiguity, and its own hold on v's exporter.
func (v *View[T]) finish(w *View[T], ro bool) *View[T] {
	if hasZero(w.lay.shape) {
		// An empty view never dereferences its offset, which Index may have moved past the
		// end; keep it inside the buffer as invariant 3 asks.
		w.lay.offset = min(max(w.lay.offset, 0), len(v.buf))
	}
	size, align := itemInfo[T]()
	g, err := w.lay.check(len(w.buf), size, align, misalignment(w.buf, align), true)
	if err != nil {
		// A derived layout is computed from a valid one and stays inside it; the
		// validator runs anyway, and a failure here is a bug in ndview.
		panic("ndview: internal error: derived view fails validation: " + err.Error())
	}
	w.size = g.size
	w.ro = v.ro || ro
	w.cContig = isCContig(w.lay.shape, w.lay.strides, g.size, size)
	w.fContig = isFContig(w.lay.shape, w.lay.strides, g.size, size)
	w.fixed.set(&w.lay, w.buf)
	inherit(v, w)
	return w
}

// New returns a zeroed, writable, C-contiguous view of the given shape. With no dimensions
// it is a 0-d view of one element.
//
// New panics with ErrShape if a dimension is negative and with ErrOverflow if the size
// overflows.
func New[T Elem](shape ...int) *View[T] {
	size, err := shapeSize(shape)
	if err != nil {
		panic(within("New", err))
	}
	s := makeElems[T](size, "New") // Go aligns the allocation for T
	v, err := contiguous[T](bytesOf(s), shape, false, s)
	if err != nil {
		panic(err)
	}
	return v
}

// FromSlice returns a writable, C-contiguous view of s. With no shape it is 1-D of len(s);
// otherwise the shape may cover a prefix of s.
//
// FromSlice returns an error wrapping ErrShape if the shape is invalid or needs more than
// len(s) elements.
func FromSlice[T Elem](s []T, shape ...int) (*View[T], error) {
	v, err := fromSlice(s, shape)
	if err != nil {
		return nil, within("FromSlice", err)
	}
	return v, nil
}

func fromSlice[T Elem](s []T, shape []int) (*View[T], error) {
	if len(shape) == 0 {
		shape = []int{len(s)}
	}
	size, err := shapeSize(shape)
	if err != nil {
		return nil, err
	}
	if size > len(s) {
		return nil, errorf(ErrShape, "shape %v needs %d elements, the slice has %d", shape, size, len(s))
	}
	return contiguous[T](bytesOf(s), shape, false, s)
}

// FromBytes returns a writable, C-contiguous view of b. With no shape it is 1-D over all of
// b; otherwise the shape may cover a prefix of b, as np.ndarray(shape, buffer=b) does.
//
// FromBytes returns an error wrapping ErrShape if the shape is invalid, needs more bytes
// than b has, or (with no shape) len(b) is not a multiple of T's size, and ErrMisaligned if
// b is not aligned for T.
func FromBytes[T Elem](b []byte, shape ...int) (*View[T], error) {
	v, err := fromBytes[T](b, false, b, shape)
	if err != nil {
		return nil, within("FromBytes", err)
	}
	return v, nil
}

// FromString returns a read-only 1-D view of the bytes of s, without copying. A view of a
// string is read-only always: nothing derived from it can write.
func FromString(s string) *View[uint8] {
	v, err := contiguous[uint8](stringBytes(s), []int{len(s)}, true, s)
	if err != nil {
		panic("ndview: internal error: " + err.Error())
	}
	return v
}

func fromBytes[T Elem](b []byte, ro bool, obj any, shape []int) (*View[T], error) {
	isz, _ := itemInfo[T]()
	if len(shape) == 0 {
		if len(b)%isz != 0 {
			return nil, errorf(ErrShape, "%d bytes are not a whole number of %d-byte elements", len(b), isz)
		}
		shape = []int{len(b) / isz}
	}
	size, err := shapeSize(shape)
	if err != nil {
		return nil, err
	}
	if nb, ok := mulInt(size, isz); !ok {
		return nil, errorf(ErrOverflow, "shape %v is too large", shape)
	} else if nb > len(b) {
		return nil, errorf(ErrShape, "shape %v needs %d bytes, the buffer has %d", shape, nb, len(b))
	}
	return contiguous[T](b, shape, ro, obj)
}

// contiguous makes a C-contiguous view at offset 0 of b.
func contiguous[T Elem](b []byte, shape []int, ro bool, obj any) (*View[T], error) {
	isz, _ := itemInfo[T]()
	l := makeLayout(len(shape), 0)
	copy(l.shape, shape)
	cStrides(l.shape, l.strides, isz)
	return newView[T](b, l, ro, obj)
}

// NewStrided returns a writable view of b with the given shape and byte strides, whose
// element (0, …, 0) starts offset bytes into b. Strides may be negative or zero; a view whose
// elements may overlap (a zero stride on an axis longer than 1, say) is read-only. With no
// shape and strides it is a 0-d view of the element at offset.
//
// NewStrided returns an error wrapping ErrShape (a negative dimension, more than MaxDims),
// ErrStrides (len(strides) != len(shape), or an element outside b), ErrOverflow or
// ErrMisaligned.
func NewStrided[T Elem](b []byte, offset int, shape, strides []int) (*View[T], error) {
	if len(shape) > MaxDims {
		return nil, opErrorf("NewStrided", ErrShape, "%d dimensions; at most %d are allowed", len(shape), MaxDims)
	}
	if len(strides) != len(shape) {
		return nil, opErrorf("NewStrided", ErrStrides, "%d strides for %d dimensions", len(strides), len(shape))
	}
	l := makeLayout(len(shape), offset)
	copy(l.shape, shape)
	copy(l.strides, strides)
	v, err := newView[T](b, l, false, b)
	if err != nil {
		return nil, within("NewStrided", err)
	}
	return v, nil
}

// live panics with ErrReleased if v has been released (invariant 7). It panics with a
// prebuilt value rather than calling out, so that every accessor stays inlinable.
func (v *View[T]) live() {
	if v.released {
		panic(errUseReleased)
	}
}

var errUseReleased = &Error{Kind: ErrReleased, Msg: "use of a released view"}

// Shape returns a copy of the view's dimensions.
func (v *View[T]) Shape() []int { v.live(); return append([]int(nil), v.lay.shape...) }

// Strides returns a copy of the view's strides, in bytes.
func (v *View[T]) Strides() []int { v.live(); return append([]int(nil), v.lay.strides...) }

// Offset returns the byte offset of element (0, …, 0) in the store the view was made from.
func (v *View[T]) Offset() int { v.live(); return v.lay.offset }

// NDim returns the number of dimensions.
func (v *View[T]) NDim() int { v.live(); return len(v.lay.shape) }

// Len returns the length of the first axis. Len panics with ErrShape on a 0-d view, which
// has no length (as len() of a 0-d memoryview raises).
func (v *View[T]) Len() int {
	v.live()
	if len(v.lay.shape) == 0 {
		opPanicf("Len", ErrShape, "a 0-d view has no length")
	}
	return v.lay.shape[0]
}

// Size returns the number of elements.
func (v *View[T]) Size() int { v.live(); return v.size }

// ItemSize returns the size of one element in bytes.
func (v *View[T]) ItemSize() int {
	v.live()
	isz, _ := itemInfo[T]()
	return isz
}

// NBytes returns Size()*ItemSize(): the length of ToBytes's result.
func (v *View[T]) NBytes() int { return v.Size() * v.ItemSize() }

// Format returns the struct-module format of T ("d", "i", "Zf", ...).
func (v *View[T]) Format() string { v.live(); return DTypeOf[T]().Format() }

// DType returns the native DType of T.
func (v *View[T]) DType() DType { v.live(); return DTypeOf[T]() }

// ReadOnly reports whether writes through the view are refused.
func (v *View[T]) ReadOnly() bool { v.live(); return v.ro }

// Obj returns what the view was made from: the []T, []byte or string of the constructor, or
// the Exporter. Derived views share their source's Obj.
func (v *View[T]) Obj() any { v.live(); return v.obj }

// IsCContiguous reports whether the view is C-contiguous by CPython's rules
// (PyBuffer_IsContiguous): axes of length 1 are ignored, an empty view is contiguous, and
// 0-d views and 1-D views with unit stride are both C- and F-contiguous.
func (v *View[T]) IsCContiguous() bool { v.live(); return v.cContig }

// IsFContiguous reports whether the view is Fortran-contiguous by CPython's rules.
func (v *View[T]) IsFContiguous() bool { v.live(); return v.fContig }

// IsContiguous reports whether the view is C- or Fortran-contiguous.
func (v *View[T]) IsContiguous() bool { v.live(); return v.cContig || v.fContig }

// offsetOf returns the byte offset of idx, panicking with ErrIndex on a bad index. Its
// panics are built without a call, so that At and Set stay inlinable.
func (v *View[T]) offsetOf(idx []int) int {
	if len(idx) != len(v.lay.shape) {
		panic(&indexError{v.lay.shape, -1, len(idx)})
	}
	off := v.lay.offset
	for k, i := range idx {
		if uint(i) >= uint(v.lay.shape[k]) {
			panic(&indexError{v.lay.shape, k, i})
		}
		off += i * v.lay.strides[k]
	}
	return off
}

// releasedLayout is the layout of every released view: its MaxDims+1 dimensions of length 0
// match no index list a caller can pass to At (more than MaxDims indices fail on axis 0).
var releasedLayout = layout{shape: make([]int, MaxDims+1), strides: make([]int, MaxDims+1)}

// indexError is the panic value of a bad index: index i on axis (or, with axis -1, i
// indices) for a view of the given shape. Its message is formatted only when asked for.
type indexError struct {
	shape   []int
	axis, i int
}

func (e *indexError) Error() string {
	if e.released() {
		return errUseReleased.Error()
	}
	if e.axis < 0 {
		return (&Error{Kind: ErrIndex, Msg: fmt.Sprintf("%d indices for a %d-d view", e.i, len(e.shape))}).Error()
	}
	msg := fmt.Sprintf("index %d out of range [0:%d) on axis %d", e.i, e.shape[e.axis], e.axis)
	if e.i < 0 {
		msg += "; At and Set take no negative indices: Select(I(-1)) does, as NumPy's a[-1]"
	}
	return (&Error{Kind: ErrIndex, Msg: msg}).Error()
}

func (e *indexError) Unwrap() error {
	if e.released() {
		return ErrReleased
	}
	return ErrIndex
}

func (e *indexError) released() bool {
	return len(e.shape) == len(releasedLayout.shape) && &e.shape[0] == &releasedLayout.shape[0]
}

var errWriteReadOnly = &Error{Kind: ErrReadOnly, Msg: "write through a read-only view"}

func (v *View[T]) checkAxis(fn string, axis int) {
	if uint(axis) >= uint(len(v.lay.shape)) {
		opPanicf(fn, ErrIndex, "axis %d out of range for a %d-d view", axis, len(v.lay.shape))
	}
}

// Slice returns a view of elements [start, stop) of axis, taking every |step|-th one,
// starting from the end when step < 0 (Rust ndarray's semantics: Slice(0, 0, n, -1)
// reverses, Slice(0, 1, 7, -2) takes 6, 4, 2). The view shares memory with v.
//
// Slice is the strict primitive: one axis, bounds that must lie in [0, n]. For NumPy-style
// slicing (negative bounds, clipping, several axes, NewAxis, Ellipsis) use Select; use
// Slice where bounds are computed and a mistake should panic rather than clip.
//
// Slice panics with ErrIndex for a bad axis, unless 0 <= start <= stop <= Shape()[axis], or if
// step is 0.
func (v *View[T]) Slice(axis, start, stop, step int) *View[T] {
	v.live()
	v.checkAxis("Slice", axis)
	n := v.lay.shape[axis]
	if start < 0 || start > stop || stop > n {
		opPanicf("Slice", ErrIndex, "[%d:%d] out of range [0:%d] on axis %d (Select clips as NumPy does)", start, stop, n, axis)
	}
	if step == 0 {
		opPanicf("Slice", ErrIndex, "the step cannot be zero")
	}
	w := v.derived(len(v.lay.shape), v.lay.offset)
	copy(w.lay.shape, v.lay.shape)
	copy(w.lay.strides, v.lay.strides)
	m, dOff, st := sliceAxis(v.lay.strides[axis], start, stop, step)
	w.lay.shape[axis], w.lay.strides[axis] = m, st
	w.lay.offset += dOff
	return v.finish(w, false)
}

// Index returns the (n-1)-dimensional view at index i of axis, which it drops.
//
// Index panics with ErrIndex for a bad axis or unless 0 <= i < Shape()[axis].
func (v *View[T]) Index(axis, i int) *View[T] {
	v.live()
	v.checkAxis("Index", axis)
	if uint(i) >= uint(v.lay.shape[axis]) {
		opPanicf("Index", ErrIndex, "index %d out of range [0:%d) on axis %d", i, v.lay.shape[axis], axis)
	}
	n := len(v.lay.shape)
	w := v.derived(n-1, v.lay.offset+i*v.lay.strides[axis])
	l := w.lay
	copy(l.shape, v.lay.shape[:axis])
	copy(l.shape[axis:], v.lay.shape[axis+1:])
	copy(l.strides, v.lay.strides[:axis])
	copy(l.strides[axis:], v.lay.strides[axis+1:])
	return v.finish(w, false)
}

// Transpose returns a view with the axes permuted: axis k of the result is axis axes[k] of v.
// With no axes it reverses them, like NumPy's .T.
//
// Transpose panics with ErrIndex unless axes is empty or a permutation of 0..NDim()-1.
func (v *View[T]) Transpose(axes ...int) *View[T] {
	v.live()
	n := len(v.lay.shape)
	if len(axes) != 0 && len(axes) != n {
		opPanicf("Transpose", ErrIndex, "%d axes for a %d-d view", len(axes), n)
	}
	w := v.derived(n, v.lay.offset)
	l := w.lay
	if len(axes) == 0 {
		for k := range n {
			l.shape[k], l.strides[k] = v.lay.shape[n-1-k], v.lay.strides[n-1-k]
		}
		return v.finish(w, false)
	}
	var seen [MaxDims]bool
	for k, a := range axes {
		if uint(a) >= uint(n) || seen[a] {
			opPanicf("Transpose", ErrIndex, "axes %v are not a permutation of 0..%d", axes, n-1)
		}
		seen[a] = true
		l.shape[k], l.strides[k] = v.lay.shape[a], v.lay.strides[a]
	}
	return v.finish(w, false)
}

// Reshape returns a view of the same elements, in C order, with a new shape; one dimension
// may be -1 and is then inferred. It never copies: it succeeds exactly when NumPy can
// reshape without a copy (assigning to a.shape).
//
// Reshape returns an error wrapping ErrShape if the sizes differ or the shape is invalid
// (including a -1 when the other dimensions multiply to 0), and ErrNotContiguous if the
// layout cannot take the new shape without a copy.
func (v *View[T]) Reshape(shape ...int) (*View[T], error) {
	v.live()
	if len(shape) > MaxDims {
		return nil, opErrorf("Reshape", ErrShape, "%d dimensions; at most %d are allowed", len(shape), MaxDims)
	}
	w := v.derived(len(shape), v.lay.offset)
	l := w.lay
	copy(l.shape, shape)
	if equalInts(shape, v.lay.shape) {
		// NumPy's quick path: the same shape, spelled out without -1, keeps the strides.
		copy(l.strides, v.lay.strides)
		return v.finish(w, false), nil
	}
	if err := inferShape(l.shape, v.size); err != nil {
		return nil, within("Reshape", err)
	}
	isz, _ := itemInfo[T]()
	if !reshapeStrides(v.lay.shape, v.lay.strides, v.size, isz, l.shape, l.strides) {
		return nil, opErrorf("Reshape", ErrNotContiguous, "cannot reshape a view of shape %v and strides %v into %v without copying: Clone() it first", v.lay.shape, v.lay.strides, l.shape)
	}
	return v.finish(w, false), nil
}

// AsReadOnly returns a read-only view of the same memory, like memoryview.toreadonly.
func (v *View[T]) AsReadOnly() *View[T] {
	v.live()
	w := v.derived(len(v.lay.shape), v.lay.offset)
	copy(w.lay.shape, v.lay.shape)
	copy(w.lay.strides, v.lay.strides)
	return v.finish(w, true)
}

// Release ends the view: afterwards every method but Release, Released and String (which
// prints "<released view>") panics with ErrReleased, as does a loop over the view that is
// running when Release is called (see Values), and the view's hold on its exporter (if any) is given back, so a Buffer may
// resize or a Mapping close once all its views are released. Views derived from v before
// the call keep working; each holds the export until it is released itself. Release is
// idempotent. `defer v.Release()` is Go's form of memoryview's with block.
func (v *View[T]) Release() {
	if v.released {
		return
	}
	v.released = true
	releases.Add(1)        // see releases
	v.lay = releasedLayout // At relies on this, At2 and friends on fixed; the rest check released
	v.fixed = fixedRank{}
	if v.lease != nil {
		v.lease.release()
	}
}

// releases counts the calls of Release that released a view, in the whole program. Loops
// whose body is an opaque function of several views (Apply2) check it, one load, after every
// call, and look at their views only when it has moved.
var releases atomic.Uint64

// Released reports whether Release has been called.
func (v *View[T]) Released() bool { return v.released }
