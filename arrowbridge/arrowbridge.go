// Package arrowbridge hands ndview views to Apache Arrow (arrow-go) and Arrow memory to
// ndview, without copying where the layouts allow.
//
// A view of shape (N, d1, ..., dk) becomes a column of N tensors of Arrow's canonical
// extension type arrow.fixed_shape_tensor (TensorType), which DuckDB, DataFusion, PyArrow,
// Flight services and every other Arrow engine can carry; FromColumn turns such a column (or a
// plain FixedSizeList or primitive column) back into a view. ToTensor and FromTensor bridge
// arrow-go's arrow/tensor package. WriteFile writes Arrow IPC files; OpenFile maps them and
// Column views their columns in place.
//
// # Who holds what
//
// Arrow counts references (Retain, Release); ndview counts exports (Exporter, Hold). The
// bridge ties the two together so that memory is never freed, resized or unmapped while the
// other side still uses it:
//
//   - A column or tensor made from a view holds the view's export (as ndview.HoldFor does)
//     until Arrow releases its last reference to the memory: a Buffer cannot Resize and a
//     Mapping cannot Close in between, even after the view itself is released. An Arrow
//     value that is dropped without Release gives the export back once the garbage
//     collector has collected it.
//   - A view made from Arrow memory retains the Arrow column or tensor until the view and
//     every view derived from it are released or collected, so Arrow memory allocated outside
//     Go (through the C data interface, say) stays valid under the view.
//   - A view of a column of a File holds the File's mapping: Close refuses with ErrExported
//     until such views are released.
//
// Arrow memory is immutable, so views made from it are read-only. A view exported to Arrow
// stays writable on the ndview side: do not write through it while Arrow reads the memory.
//
// # Element types
//
// int8 to int64, uint8 to uint64, float32 and float64 (and named types over them) map to
// Arrow's primitive types of the same kind and width; Go's int, uint and uintptr map to
// the Arrow integer of their width. Complex types have no Arrow type: the bridge refuses them
// with an error wrapping ndview.ErrFormat. Arrow's float16 is ndview's Float16 (the same
// IEEE binary16 bytes); BFloat16 and the float8 types have no Arrow type (ErrFormat).
//
// # Errors
//
// Every error starts with "ndview: arrowbridge.<Func>:", names the function that was called, and
// wraps one of ndview's sentinels (match with errors.Is): ErrFormat for types, nulls and
// files the bridge cannot view, ErrShape for shapes Arrow cannot hold, ErrReleased for
// released views and closed files. I/O errors keep the *fs.PathError inside.
package arrowbridge

import (
	"errors"
	"fmt"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/ndview/ndview"
)

// errorf returns an ndview error wrapping kind whose message names fn.
func errorf(kind error, fn, format string, args ...any) error {
	return &ndview.Error{Op: "arrowbridge." + fn, Kind: kind, Msg: fmt.Sprintf(format, args...)}
}

// wrap re-labels an error of ndview (keeping its sentinel) or of Arrow (as ErrFormat) with
// the public function fn that was called.
func wrap(fn string, err error) error {
	var e *ndview.Error
	if errors.As(err, &e) {
		c := *e
		c.Op = "arrowbridge." + fn
		return &c
	}
	return errorf(ndview.ErrFormat, fn, "%v", err)
}

// arrowType returns the Arrow type of the elements of a View[T]: the primitive type of the
// same kind and width. It decides by T's DType, so named types follow their underlying type.
func arrowType[T ndview.Elem](fn string) (arrow.DataType, error) {
	d := ndview.DTypeOf[T]()
	switch d.Kind() {
	case ndview.KindInt:
		switch d.ItemSize() {
		case 1:
			return arrow.PrimitiveTypes.Int8, nil
		case 2:
			return arrow.PrimitiveTypes.Int16, nil
		case 4:
			return arrow.PrimitiveTypes.Int32, nil
		case 8:
			return arrow.PrimitiveTypes.Int64, nil
		}
	case ndview.KindUint:
		switch d.ItemSize() {
		case 1:
			return arrow.PrimitiveTypes.Uint8, nil
		case 2:
			return arrow.PrimitiveTypes.Uint16, nil
		case 4:
			return arrow.PrimitiveTypes.Uint32, nil
		case 8:
			return arrow.PrimitiveTypes.Uint64, nil
		}
	case ndview.KindFloat:
		switch d.Code() {
		case "f":
			return arrow.PrimitiveTypes.Float32, nil
		case "d":
			return arrow.PrimitiveTypes.Float64, nil
		case "e":
			// ndview.Float16 is IEEE binary16, Arrow's float16: the same two bytes. BFloat16
			// ("E") has no Arrow type and falls through to ErrFormat below.
			return arrow.FixedWidthTypes.Float16, nil
		}
	case ndview.KindComplex:
		return nil, errorf(ndview.ErrFormat, fn, "%s has no Arrow type", d)
	}
	return nil, errorf(ndview.ErrFormat, fn, "element type %s (format %q) has no Arrow type", d, d.Format())
}

// bytesOf returns the memory of s as bytes (unsafe.Slice over a pointer to s's first
// element: the result lies within s's allocation). An empty s gives nil, so no pointer is
// formed.
func bytesOf[T ndview.Elem](s []T) []byte {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), len(s)*int(unsafe.Sizeof(s[0])))
}

// extend returns the n elements from s[0] (unsafe.Slice). The caller guarantees that they lie
// in the allocation or mapping s belongs to: here, that they are the span of a valid view,
// which by ndview's invariant 3 lies inside the view's buffer.
func extend[T ndview.Elem](s []T, n int) []T {
	if n == 0 {
		return nil
	}
	return unsafe.Slice(unsafe.SliceData(s), n)
}

// offsetIn reports where inner starts within outer, and whether all of inner lies in outer.
// The pointers are converted to uintptr only for the arithmetic and never converted back
// (unsafe.Pointer rule 2).
func offsetIn(outer, inner []byte) (int, bool) {
	if len(inner) == 0 || len(outer) == 0 {
		return 0, false
	}
	o := uintptr(unsafe.Pointer(unsafe.SliceData(outer)))
	i := uintptr(unsafe.Pointer(unsafe.SliceData(inner)))
	if i < o || i-o > uintptr(len(outer)) || uintptr(len(inner)) > uintptr(len(outer))-(i-o) {
		return 0, false
	}
	return int(i - o), true
}

// span returns the elements of v from element (0, …, 0) to its last element, inclusive, as
// one slice, for a view whose strides are non-negative (so element (0, …, 0) comes first)
// and whole multiples of the element size: the memory Arrow is handed. It works for
// read-only views too; the caller must not write to the slice of one.
func span[T ndview.Elem](v *ndview.View[T]) []T {
	if v.Size() == 0 {
		return nil
	}
	var first []T
	for r := range v.UnsafeRuns() { // the first run starts at element (0, …, 0)
		first = r
		break
	}
	isz, strides := v.ItemSize(), v.Strides()
	n := 1
	for k, d := range v.Shape() {
		if d > 1 {
			n += (d - 1) * (strides[k] / isz) // no overflow: the span lies in memory (invariant 2)
		}
	}
	return extend(first, n)
}

// copyLimit returns an error wrapping ErrOverflow, for wrap to label, if a copy of n
// elements of T (ok false: a count that overflowed) would exceed ndview.MemoryLimit: the
// bridge refuses a copy before allocating it, as the root package's copies do, since a
// view's size is virtual (a broadcast of one element can have 2^40 of them), not memory
// that exists.
func copyLimit[T ndview.Elem](n int, ok bool) error {
	isz := ndview.DTypeOf[T]().ItemSize()
	nb, ok2 := product([]int{n, isz}, maxInt)
	if !ok || !ok2 {
		return &ndview.Error{Kind: ndview.ErrOverflow, Msg: fmt.Sprintf("a copy of more than %d elements of %d bytes is more than memory can hold", maxInt/isz, isz)}
	}
	if lim := ndview.MemoryLimit(); nb > lim {
		return &ndview.Error{Kind: ndview.ErrOverflow, Msg: fmt.Sprintf("a copy of %d elements (%d bytes) exceeds the memory limit of %d bytes (ndview.MemoryLimit)", n, nb, lim)}
	}
	return nil
}

// cloneOf returns a C-contiguous copy of v, or an error wrapping ErrOverflow, before
// allocating, if it would exceed ndview.MemoryLimit.
func cloneOf[T ndview.Elem](fn string, v *ndview.View[T]) (c *ndview.View[T], err error) {
	if err := copyLimit[T](v.Size(), true); err != nil {
		return nil, wrap(fn, err)
	}
	defer func() {
		// Clone checks the limit again, which another goroutine may have lowered since.
		if p := recover(); p != nil {
			e, ok := p.(error)
			if !ok || !errors.Is(e, ndview.ErrOverflow) {
				panic(p)
			}
			c, err = nil, wrap(fn, e)
		}
	}()
	return v.Clone(), nil
}

// product returns the product of dims, or false if it overflows limit.
func product(dims []int, limit int) (int, bool) {
	p := 1
	for _, d := range dims {
		if d < 0 || (d != 0 && p > limit/d) {
			return 0, false
		}
		p *= d
	}
	return p, true
}

// isIdentity reports whether perm is nil or 0, 1, ..., n-1.
func isIdentity(perm []int) bool {
	for i, p := range perm {
		if p != i {
			return false
		}
	}
	return true
}
