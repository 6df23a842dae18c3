package gguf

import (
	"encoding/binary"
	"errors"
	"math/bits"
	"reflect"
	"runtime"
	"sync"

	"github.com/ndview/ndview"
	"github.com/ndview/ndview/ggml"
	"github.com/ndview/ndview/internal/dtypes"
)

// littleEndian reports the host's byte order. GGUF data is little-endian: on a big-endian
// host View refuses multi-byte elements and Save swaps bytes (Dequantize and Meta read
// little-endian on any host).
var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// plainTypes are the ggml types with one element per block, by the dtype row of their Go
// element type.
var plainTypes = []struct {
	class dtypes.Class
	bits  int
	typ   ggml.Type
	goT   string
}{
	{dtypes.Float, 32, ggml.F32, "float32"},
	{dtypes.Float16, 16, ggml.F16, "ndview.Float16"},
	{dtypes.BFloat16, 16, ggml.BF16, "ndview.BFloat16"},
	{dtypes.Float, 64, ggml.F64, "float64"},
	{dtypes.Int, 8, ggml.I8, "int8"},
	{dtypes.Int, 16, ggml.I16, "int16"},
	{dtypes.Int, 32, ggml.I32, "int32"},
	{dtypes.Int, 64, ggml.I64, "int64"},
}

// typeOf returns the ggml type that stores elements of d, or an error wrapping ErrFormat.
func typeOf(d ndview.DType) (ggml.Type, error) {
	if d.ByteOrder() == ndview.BigEndian || (d.ByteOrder() == ndview.LittleEndian && !littleEndian) {
		return 0, errorf(ndview.ErrFormat, "%s is not in this machine's byte order", d)
	}
	row, ok := dtypes.ByCode(d.Code())
	if ok {
		for _, p := range plainTypes {
			if p.class == row.Class && p.bits == row.Bits {
				return p.typ, nil
			}
		}
	}
	if ok && row.Class == dtypes.Uint {
		return 0, errorf(ndview.ErrFormat, "GGUF has no unsigned tensor types, so no type for %s elements; convert to a signed type (ndview.AsType), or give quantized blocks as Tensor.Blocks with a Type", d)
	}
	return 0, errorf(ndview.ErrFormat, "ggml has no tensor type for %s elements; its plain types are F32, F16, BF16, F64, I8, I16, I32 and I64", d)
}

// goType names the Go element type of a plain ggml type, "" for a block type.
func goType(t ggml.Type) string {
	for _, p := range plainTypes {
		if p.typ == t {
			return p.goT
		}
	}
	return ""
}

// bytesOf returns a read-only 1-D view of the named tensor's bytes in the mapping, holding
// the mapping, after check has accepted the tensor.
func (f *File) bytesOf(name string, check func(*tensorEntry) error) (*ndview.View[uint8], *tensorEntry, error) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	t, err := f.tensor(name)
	if err != nil {
		return nil, nil, err
	}
	if t.bad != nil {
		return nil, nil, t.bad
	}
	if err := check(t); err != nil {
		return nil, nil, err
	}
	if f.closed {
		return nil, nil, errorf(ndview.ErrReleased, "%s is closed", f.path)
	}
	all, err := ndview.FromExporter[uint8](f.m)
	if err != nil {
		return nil, nil, err
	}
	defer all.Release()
	begin := f.h.dataStart + int(t.offset) // inside the file: checked by Open
	return all.Slice(0, begin, begin+int(t.size), 1), t, nil
}

// View returns a read-only view of the named tensor's elements where they lie in the mapped
// file, without copying, in the tensor's NumPy-order shape. The view holds the mapping (see
// the package documentation). T must be the element type of the tensor's ggml type (see the
// package documentation).
//
// View returns an error wrapping ndview.ErrFormat if the file has no such tensor, if the
// tensor is quantized (Dequantize and Blocks read it), if T does not match its type (the
// error names the T to use), or (on a big-endian machine) if T is wider than a byte;
// ndview.ErrMisaligned if the tensor's first byte is not on a boundary T needs (possible
// when general.alignment is below T's size); ErrFormat and ErrOverflow for a tensor no view
// can describe (see the package documentation); and ndview.ErrReleased after Close.
func View[T ndview.Elem](f *File, name string) (*ndview.View[T], error) {
	want, terr := typeOf(ndview.DTypeOf[T]())
	b, t, err := f.bytesOf(name, func(t *tensorEntry) error {
		switch {
		case t.typ.Quantized():
			return errorf(ndview.ErrFormat, "tensor %s is %v, a type stored in blocks, which no element type holds; gguf.Dequantize gives its values as float32, gguf.Blocks its blocks", quote(name), t.typ)
		case terr != nil:
			return errorf(ndview.ErrFormat, "tensor %s is %v: use gguf.View[%s] (%s)", quote(name), t.typ, goType(t.typ), terr.(*problem).Msg)
		case t.typ != want:
			return errorf(ndview.ErrFormat, "tensor %s is %v, not %v (%s); use gguf.View[%s]", quote(name), t.typ, want, reflect.TypeFor[T](), goType(t.typ))
		case !littleEndian && t.typ.BlockBytes() > 1:
			return errorf(ndview.ErrFormat, "tensor %s is little-endian and this machine is not, so it cannot be viewed in place; gguf.Dequantize converts it", quote(name))
		}
		return nil
	})
	if err != nil {
		return nil, public("View", "", err)
	}
	defer b.Release()
	shape := shapeOf(t)
	v, err := ndview.Cast[T](b, shape...)
	if err == nil && len(shape) == 0 {
		one := v
		v, err = one.Reshape()
		one.Release()
	}
	if errors.Is(err, ndview.ErrMisaligned) {
		return nil, public("View", "", errorf(ndview.ErrMisaligned, "tensor %s starts at byte %d of %s, which is not aligned for %s (the file's alignment is %d); gguf.Blocks gives its bytes, gguf.Dequantize its values as float32", quote(name), f.h.dataStart+int(t.offset), f.path, reflect.TypeFor[T](), f.h.alignment))
	}
	if err != nil {
		return nil, public("View", "", err)
	}
	return v, nil
}

// Blocks returns a read-only view of the named tensor's bytes as stored, in place, holding
// the mapping as View does: for a tensor of any ggml type, its shape is Info.Shape with the
// last axis (ne[0], a row's elements) replaced by the row's bytes (ggml.RowBytes), so that
// each row of the view is one row of blocks. A tensor with no dimensions gives a 1-D view
// of its one element's bytes.
//
// Blocks returns an error wrapping ndview.ErrFormat if the file has no such tensor;
// ErrFormat and ErrOverflow for a tensor no view can describe (see the package
// documentation); and ndview.ErrReleased after Close.
func Blocks(f *File, name string) (*ndview.View[uint8], error) {
	b, t, err := f.bytesOf(name, func(*tensorEntry) error { return nil })
	if err != nil {
		return nil, public("Blocks", "", err)
	}
	defer b.Release()
	shape := shapeOf(t)
	if len(shape) == 0 {
		shape = []int{1}
	}
	rb, _ := ggml.RowBytes(t.typ, shape[len(shape)-1]) // checked by Open
	shape[len(shape)-1] = rb
	v, err := ndview.Cast[uint8](b, shape...)
	if err != nil {
		return nil, public("Blocks", "", err)
	}
	return v, nil
}

// parallelBytes is the output above which Dequantize and DequantizeRows split their work
// across goroutines.
const parallelBytes = 4 << 20

// Dequantize returns the named tensor's values as float32, of any ggml type, in a new
// writable C-contiguous view of the tensor's shape: a copy that does not hold the file.
// The values are exactly those of ggml.Dequantize (ggml's own dequantize_row_*). Above
// 4 MiB of output the work is split across goroutines (GOMAXPROCS of them at most), on
// block boundaries; the result is the same. The new memory's first touch (the operating
// system's page faults) can cost more than the dequantization itself: to dequantize
// tensors of one shape again and again, DequantizeRows of every row into a view kept from
// call to call does the same work without it.
//
// Dequantize returns an error wrapping ndview.ErrFormat if the file has no such tensor or
// ggml.Dequantize cannot convert its type; ErrFormat and ErrOverflow for a tensor no view
// can describe (see the package documentation); ndview.ErrOverflow alone if the result
// would exceed ndview.MemoryLimit (checked before anything is allocated); and
// ndview.ErrReleased after Close.
func Dequantize(f *File, name string) (*ndview.View[float32], error) {
	b, t, err := f.bytesOf(name, func(*tensorEntry) error { return nil })
	if err != nil {
		return nil, public("Dequantize", "", err)
	}
	defer b.Release()
	n, _ := elements(t.ne)
	if err := checkMemory(name, n); err != nil {
		return nil, public("Dequantize", "", err)
	}
	dst := ndview.New[float32](shapeOf(t)...)
	out, _, _ := dst.Raw()     // a new C-contiguous view: nil only when empty
	src, _, _ := b.UnsafeRaw() // b, alive until the deferred Release, holds the mapping
	blocks := len(out) / t.typ.BlockSize()
	if err := dequantizeSpans(out, src, t.typ, split(blocks, len(out))); err != nil {
		return nil, public("Dequantize", "", err)
	}
	return dst, nil
}

// split cuts a tensor's blocks, [0, blocks), into spans [first, last) for goroutines when
// the output (n float32 values) is above parallelBytes: one span per processor at most,
// each of whole blocks, in order.
func split(blocks, n int) [][2]int {
	workers := min(runtime.GOMAXPROCS(0), blocks)
	if n <= parallelBytes/4 || workers < 2 {
		return [][2]int{{0, blocks}}
	}
	q, r := blocks/workers, blocks%workers
	out := make([][2]int, workers)
	for w := range workers {
		out[w] = [2]int{q*w + min(w, r), q*(w+1) + min(w+1, r)}
	}
	return out
}

// dequantizeSpans dequantizes the blocks of each span, [first, last) of src's blocks into
// the same blocks of dst, each span on its own goroutine when there are several.
func dequantizeSpans(dst []float32, src []byte, t ggml.Type, spans [][2]int) error {
	bs, bb := t.BlockSize(), t.BlockBytes()
	one := func(s [2]int) error {
		return ggml.Dequantize(dst[s[0]*bs:s[1]*bs], src[s[0]*bb:s[1]*bb], t)
	}
	if len(spans) == 1 {
		return one(spans[0])
	}
	errs := make([]error, len(spans))
	var wg sync.WaitGroup
	wg.Add(len(spans))
	for i, s := range spans {
		go func() {
			defer wg.Done()
			errs[i] = one(s)
		}()
	}
	wg.Wait()
	return firstError(errs)
}

// firstError is the first error of errs that is not nil (the workers' errors are alike: a
// type ggml.Dequantize cannot convert).
func firstError(errs []error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// DequantizeRows writes rows of the named tensor, seen as a table of (rows, ne[0]) (each row
// is ne[0] elements: the last axis of Info.Shape; every other axis is flattened into the
// rows), as float32 into dst, which must have the shape (len(rows), ne[0]): dst[i] is row
// rows[i]. This is an embedding lookup: it reads only the rows asked for. Negative rows
// count from the end, as in ndview.Take; every row is checked before anything is written.
// Values are exactly those of ggml.Dequantize. dst may have any layout: rows whose elements
// are contiguous are written in place, others through a scratch row. Above 4 MiB of output
// the rows are split across goroutines.
//
// DequantizeRows returns an error wrapping ndview.ErrShape if dst does not have the shape
// (len(rows), ne[0]); ndview.ErrIndex if a row is out of range; ndview.ErrReadOnly or
// ndview.ErrReleased for a read-only or released dst; ndview.ErrFormat if the file has no
// such tensor or ggml.Dequantize cannot convert its type; ErrFormat and ErrOverflow for a
// tensor no view can describe; and ndview.ErrReleased after Close.
func DequantizeRows(dst *ndview.View[float32], f *File, name string, rows []int) error {
	err := dequantizeRows(dst, f, name, rows)
	return public("DequantizeRows", "", err)
}

func dequantizeRows(dst *ndview.View[float32], f *File, name string, rows []int) error {
	switch {
	case dst == nil:
		return errorf(ndview.ErrShape, "dst is nil")
	case dst.Released():
		return errorf(ndview.ErrReleased, "dst is released")
	case dst.ReadOnly():
		return errorf(ndview.ErrReadOnly, "dst is read-only")
	}
	b, t, err := f.bytesOf(name, func(*tensorEntry) error { return nil })
	if err != nil {
		return err
	}
	defer b.Release()
	width := int(t.ne[0])                     // 1 for a tensor with no dimensions
	nrows := int(t.ne[1] * t.ne[2] * t.ne[3]) // describable: fits an int
	if shape := dst.Shape(); len(shape) != 2 || shape[0] != len(rows) || shape[1] != width {
		return errorf(ndview.ErrShape, "dst has shape %v; %d rows of tensor %s (%v of shape %v) need (%d, %d)", shape, len(rows), quote(name), t.typ, shapeOf(t), len(rows), width)
	}
	idx := make([]int, len(rows))
	for i, r := range rows {
		if r < -nrows || r >= nrows {
			return errorf(ndview.ErrIndex, "row %d is out of range for tensor %s of %d rows", r, quote(name), nrows)
		}
		if r < 0 {
			r += nrows
		}
		idx[i] = r
	}
	if len(rows) == 0 || width == 0 {
		return nil
	}
	src, _, _ := b.UnsafeRaw() // b, alive until the deferred Release, holds the mapping
	rb, _ := ggml.RowBytes(t.typ, width)
	data, strides, err := dst.Raw()
	if err != nil && !errors.Is(err, ndview.ErrStrides) {
		return err
	}
	if err != nil { // negative strides: dequantize into a C-contiguous table, then copy
		tmp := ndview.New[float32](len(rows), width)
		out, _, _ := tmp.Raw()
		if err := gatherRows(out, width, width, 1, src, rb, t.typ, idx); err != nil {
			return err
		}
		ndview.Copy(dst, tmp)
		return nil
	}
	colStride := strides[1]
	if width == 1 {
		colStride = 1 // an axis of length 1: its stride is never used
	}
	return gatherRows(data, strides[0], width, colStride, src, rb, t.typ, idx)
}

// gatherRows dequantizes rows idx (of rb bytes each in src) into dst, row i at
// dst[i*rowStride:] with elements colStride apart, on several goroutines when the output is
// above parallelBytes.
func gatherRows(dst []float32, rowStride, width, colStride int, src []byte, rb int, t ggml.Type, idx []int) error {
	one := func(lo, hi int) error {
		var scratch []float32
		if colStride != 1 {
			scratch = make([]float32, width)
		}
		for i := lo; i < hi; i++ {
			row := src[idx[i]*rb : (idx[i]+1)*rb]
			if colStride == 1 {
				if err := ggml.Dequantize(dst[i*rowStride:i*rowStride+width], row, t); err != nil {
					return err
				}
				continue
			}
			if err := ggml.Dequantize(scratch, row, t); err != nil {
				return err
			}
			for j, x := range scratch {
				dst[i*rowStride+j*colStride] = x
			}
		}
		return nil
	}
	// Rows go to goroutines only when they are apart in dst (a writable view can still
	// repeat memory, with a row stride of 0, say: then one goroutine writes them in order).
	// dst holds len(idx) × width elements: the product fits.
	workers := min(runtime.GOMAXPROCS(0), len(idx))
	if len(idx)*width > parallelBytes/4 && workers > 1 && colStride == 1 && rowStride >= width {
		errs := make([]error, workers)
		var wg sync.WaitGroup
		wg.Add(workers)
		for w := range workers {
			lo, hi := len(idx)*w/workers, len(idx)*(w+1)/workers
			go func() {
				defer wg.Done()
				errs[w] = one(lo, hi)
			}()
		}
		wg.Wait()
		return firstError(errs)
	}
	return one(0, len(idx))
}

// checkMemory refuses a float32 copy of the named tensor's n elements that
// ndview.MemoryLimit does not allow, with an error wrapping ndview.ErrOverflow, where
// ndview.New would panic with one. Like ndview, it lets requests of up to a mebibyte
// through without asking.
func checkMemory(name string, n uint64) error {
	hi, nbytes := bits.Mul64(n, 4)
	if hi == 0 && nbytes <= 1<<20 {
		return nil
	}
	if lim := ndview.MemoryLimit(); hi != 0 || nbytes > uint64(lim) {
		return errorf(ndview.ErrOverflow, "tensor %s: its %d float32 values exceed the memory limit of %d bytes (ndview.MemoryLimit: physical memory, cgroup and Go memory limits); gguf.DequantizeRows converts some rows, gguf.Blocks views the blocks in place", quote(name), n, lim)
	}
	return nil
}
