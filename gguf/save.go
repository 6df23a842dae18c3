package gguf

import (
	"encoding/binary"
	"io"
	"math"
	"math/bits"
	"slices"

	"github.com/ndview/ndview"
	"github.com/ndview/ndview/ggml"
	"github.com/ndview/ndview/internal/atomicfile"
)

// KV is one metadata pair for Save.
type KV struct {
	Key   string
	Value any // one of the MetaValue types
}

// Tensor is one tensor for Save: a plain tensor given as Data, or a tensor of any ggml type
// given as its blocks.
type Tensor struct {
	Name string
	Data ndview.Array // a plain tensor, stored as the matching ggml type
	// or, for quantized data already in blocks:
	Type   ggml.Type
	Shape  []int  // NumPy order
	Blocks []byte // RowBytes per row, rows in C order
}

// item is one tensor as Save writes it.
type item struct {
	name   string
	typ    ggml.Type
	ne     []uint64 // ggml's order
	size   uint64
	data   ndview.Array // or
	blocks []byte
}

// Save writes a GGUF file of version 3 at path: the metadata pairs in the order given, then
// the tensors in the order given. It writes byte for byte what gguf-py's GGUFWriter
// (llama.cpp 4228e138) writes for the same pairs and tensors added in the same order
// (add_key_value / add_tensor, then write_header_to_file, write_kv_data_to_file,
// write_tensors_to_file): counts as u64, value types as u32, bools as 0 or 1, the tensor
// infos with ne reversed from the NumPy shape and offsets from the data section, the
// header padded with zeros to the alignment (also when there are no tensors, as gguf-py
// pads it), and each tensor's bytes padded with zeros to the alignment. The alignment is
// the value of a "general.alignment" pair, a uint32 (as gguf-py's add_custom_alignment
// writes it), or 32. Save writes exactly the pairs given: gguf-py's writer adds
// general.architecture first, and callers that want one give it.
//
// Metadata values are the MetaValue types: each is written as the GGUF type of the same
// name (a Go string as a string, []float32 as an array of float32, []byte as an array of
// uint8). An empty slice is written as an empty array (ggml reads it; gguf-py's writer
// refuses empty arrays). Plain tensors (Data) are written as the ggml type of their
// element type (see the package documentation; int is I64 on 64-bit platforms) in C
// order, from a view of any layout (strided, transposed, read-only); Type and Shape are
// then not needed (a Type, if given, must be Data's). Tensors of any ggml type can be given
// as Blocks with their Type and NumPy-order Shape: the rows of blocks in C order, exactly
// ggml.RowBytes(Type, Shape[last]) bytes per row.
//
// The file is written to a temporary file in path's directory, synced and renamed over
// path, so readers (and views of a File opened from path) see the old file or the new
// one, never a part. Each Data tensor is copied out (ToBytes) once while it is written.
//
// Save returns an error wrapping ndview.ErrFormat for what GGUF or ggml's reader cannot
// hold: an empty or duplicate key, a value of a Go type GGUF has no type for (int, uint,
// nested slices, complex numbers, anything not a MetaValue), a string or array longer than
// 2**30, a general.alignment that is not a uint32 power of two; a tensor name of 64 bytes or
// more or given twice (compared as ggml compares them, up to the first NUL byte), more than
// 4 dimensions, a Tensor with Data and Blocks (or a Data whose Type or Shape is also set),
// an element type with no ggml type (unsigned integers, complex numbers, the float8 types),
// an unknown or removed Type, a last dimension that is not a whole number of blocks, or
// Blocks of the wrong length. It returns ndview.ErrReleased for a released view,
// ndview.ErrOverflow for sizes that overflow or a copy over ndview.MemoryLimit, and the
// error of writing the file (an *fs.PathError inside) otherwise.
func Save(path string, meta []KV, tensors []Tensor) error {
	hdr, items, align, err := prepare(meta, tensors, true)
	if err != nil {
		return public("Save", path, err)
	}
	err = atomicfile.Write(path, func(w io.Writer) error { return write(w, hdr, items, align) })
	return public("Save", path, err)
}

// write writes a file prepare has laid out: the header padded to the alignment, then each
// tensor's bytes padded to the alignment.
func write(w io.Writer, hdr []byte, items []item, align uint64) error {
	if _, err := w.Write(hdr); err != nil {
		return err
	}
	if err := pad(w, uint64(len(hdr)), align); err != nil {
		return err
	}
	for _, it := range items {
		b := it.blocks
		if it.data != nil {
			b = it.data.ToBytes(ndview.COrder)
			if uint64(len(b)) != it.size {
				return errorf(ndview.ErrFormat, "tensor %s gave %d bytes for %d", quote(it.name), len(b), it.size)
			}
			if !littleEndian {
				swapBytes(b, it.typ.BlockBytes())
			}
		}
		if _, err := w.Write(b); err != nil {
			return err
		}
		if err := pad(w, it.size, align); err != nil {
			return err
		}
	}
	return nil
}

// prepare checks the metadata and tensors and returns the header (up to its padding), the
// tensors to write after it, and the alignment. Without checkBlocks, Blocks may be
// shorter than their tensors (the header of a file whose data is written otherwise: a
// sparse file in a test).
func prepare(meta []KV, tensors []Tensor, checkBlocks bool) (hdr []byte, items []item, align uint64, err error) {
	align = uint64(defaultAlign)
	le := binary.LittleEndian
	b := append([]byte("GGUF"), 3, 0, 0, 0)
	b = le.AppendUint64(b, uint64(len(tensors)))
	b = le.AppendUint64(b, uint64(len(meta)))
	seen := make(map[string]bool, len(meta))
	for _, kv := range meta {
		switch {
		case kv.Key == "":
			return nil, nil, 0, errorf(ndview.ErrFormat, "a metadata key is empty; ggml refuses empty keys")
		case len(kv.Key) > maxStringLength:
			return nil, nil, 0, errorf(ndview.ErrFormat, "a metadata key is %d bytes; ggml reads strings of at most %d", len(kv.Key), maxStringLength)
		case seen[kv.Key]:
			return nil, nil, 0, errorf(ndview.ErrFormat, "key %s is given twice", quote(kv.Key))
		}
		seen[kv.Key] = true
		if kv.Key == alignmentKey {
			a, ok := kv.Value.(uint32)
			if !ok || a == 0 || a&(a-1) != 0 {
				return nil, nil, 0, errorf(ndview.ErrFormat, "%s is %T %v; it must be a uint32 power of two", alignmentKey, kv.Value, kv.Value)
			}
			align = uint64(a)
		}
		b = appendString(b, kv.Key)
		if b, err = appendValue(b, kv.Value); err != nil {
			return nil, nil, 0, errorf(ndview.ErrFormat, "key %s: %s", quote(kv.Key), err.(*problem).Msg)
		}
	}

	items = make([]item, 0, len(tensors))
	names := make(map[string]bool, len(tensors))
	var offset uint64
	for _, t := range tensors {
		it, err := tensorItem(t, checkBlocks)
		if err != nil {
			return nil, nil, 0, err
		}
		if names[cName(t.Name)] {
			return nil, nil, 0, errorf(ndview.ErrFormat, "tensor %s is given twice (ggml compares names up to the first NUL byte)", quote(cName(t.Name)))
		}
		names[cName(t.Name)] = true
		b = appendString(b, t.Name)
		b = le.AppendUint32(b, uint32(len(it.ne)))
		for _, d := range it.ne {
			b = le.AppendUint64(b, d)
		}
		b = le.AppendUint32(b, uint32(it.typ))
		b = le.AppendUint64(b, offset)
		padded, ok := padUp(it.size, align)
		if !ok || offset+padded < offset || offset+padded > math.MaxInt64 {
			return nil, nil, 0, errorf(ndview.ErrOverflow, "the tensors' sizes add up to more than a file can hold")
		}
		offset += padded
		items = append(items, it)
	}
	return b, items, align, nil
}

// tensorItem checks one Tensor and describes it for writing.
func tensorItem(t Tensor, checkBlocks bool) (item, error) {
	it := item{name: t.Name}
	name := quote(t.Name)
	if len(t.Name) >= maxNameBytes {
		return item{}, errorf(ndview.ErrFormat, "tensor name %s is %d bytes; ggml allows at most %d", name, len(t.Name), maxNameBytes-1)
	}
	var shape []int
	if t.Data != nil {
		if t.Blocks != nil || t.Shape != nil {
			return item{}, errorf(ndview.ErrFormat, "tensor %s has Data and also Blocks or Shape; give a plain tensor as Data, or blocks as Type, Shape and Blocks", name)
		}
		if r, ok := t.Data.(interface{ Released() bool }); ok && r.Released() {
			return item{}, errorf(ndview.ErrReleased, "tensor %s is a released view", name)
		}
		typ, err := typeOf(t.Data.DType())
		if err != nil {
			return item{}, errorf(ndview.ErrFormat, "tensor %s: %s", name, err.(*problem).Msg)
		}
		if t.Type != 0 && t.Type != typ {
			return item{}, errorf(ndview.ErrFormat, "tensor %s has Type %v but Data of %s elements, which are %v; Save does not convert", name, t.Type, t.Data.DType(), typ)
		}
		it.typ, it.data = typ, t.Data
		shape = t.Data.Shape()
	} else {
		if !t.Type.Known() {
			_, err := ggml.RowBytes(t.Type, 0)
			return item{}, errorf(ndview.ErrFormat, "tensor %s: %s", name, err.(*ndview.Error).Msg)
		}
		it.typ, it.blocks, shape = t.Type, t.Blocks, t.Shape
	}
	if len(shape) > maxDims {
		return item{}, errorf(ndview.ErrFormat, "tensor %s has %d dimensions; ggml allows at most %d", name, len(shape), maxDims)
	}
	// What Open can serve: the product of the dimensions that are not 0, times the bytes of
	// an element or block (or of a float32 for Dequantize), fits an int.
	it.ne = make([]uint64, len(shape))
	span := uint64(max(it.typ.BlockBytes(), 4))
	for i, d := range shape {
		if d < 0 {
			return item{}, errorf(ndview.ErrFormat, "tensor %s has a negative dimension in %v", name, shape)
		}
		it.ne[len(shape)-1-i] = uint64(d)
		if d > 0 {
			hi, lo := bits.Mul64(span, uint64(d))
			if hi != 0 || lo > math.MaxInt {
				return item{}, errorf(ndview.ErrOverflow, "tensor %s of shape %v is too large", name, shape)
			}
			span = lo
		}
	}
	width, rows := 1, 1
	if len(shape) > 0 {
		width = shape[len(shape)-1]
		for _, d := range shape[:len(shape)-1] {
			rows *= d // fits: bounded by the product above, or 0
		}
	}
	rb, err := ggml.RowBytes(it.typ, width)
	if err != nil {
		return item{}, errorf(ndview.ErrFormat, "tensor %s of shape %v: a row of %d elements is not a whole number of %v blocks of %d", name, shape, width, it.typ, it.typ.BlockSize())
	}
	size := uint64(rows) * uint64(rb) // fits: bounded by the product above
	it.size = size
	if it.data == nil && checkBlocks && uint64(len(t.Blocks)) != size {
		return item{}, errorf(ndview.ErrFormat, "tensor %s of %v and shape %v takes %d bytes (%d rows of %d), but Blocks has %d", name, it.typ, shape, size, rows, rb, len(t.Blocks))
	}
	if it.data != nil && size > 1<<20 && size > uint64(ndview.MemoryLimit()) {
		return item{}, errorf(ndview.ErrOverflow, "tensor %s: its %d bytes exceed the memory limit of %d bytes (ndview.MemoryLimit), and Save copies a tensor out before writing it", name, size, ndview.MemoryLimit())
	}
	return it, nil
}

// appendString appends a GGUF string: a u64 length and the bytes.
func appendString(b []byte, s string) []byte {
	b = binary.LittleEndian.AppendUint64(b, uint64(len(s)))
	return append(b, s...)
}

// appendValue appends a value's type and encoding as gguf-py's _pack_val writes them
// (add_vtype=True).
func appendValue(b []byte, v any) ([]byte, error) {
	le := binary.LittleEndian
	scalar := func(k ValueKind) []byte { return le.AppendUint32(b, uint32(k)) }
	array := func(k ValueKind, n int) ([]byte, error) {
		if n > maxArrayLength {
			return nil, errorf(ndview.ErrFormat, "an array of %d elements; ggml reads arrays of at most %d", n, maxArrayLength)
		}
		b := le.AppendUint32(b, uint32(Array))
		b = le.AppendUint32(b, uint32(k))
		return le.AppendUint64(b, uint64(n)), nil
	}
	var err error
	switch x := v.(type) {
	case uint8:
		return append(scalar(Uint8), x), nil
	case int8:
		return append(scalar(Int8), byte(x)), nil
	case uint16:
		return le.AppendUint16(scalar(Uint16), x), nil
	case int16:
		return le.AppendUint16(scalar(Int16), uint16(x)), nil
	case uint32:
		return le.AppendUint32(scalar(Uint32), x), nil
	case int32:
		return le.AppendUint32(scalar(Int32), uint32(x)), nil
	case float32:
		return le.AppendUint32(scalar(Float32), math.Float32bits(x)), nil
	case bool:
		return append(scalar(Bool), boolByte(x)), nil
	case string:
		if len(x) > maxStringLength {
			return nil, errorf(ndview.ErrFormat, "a string of %d bytes; ggml reads strings of at most %d", len(x), maxStringLength)
		}
		return appendString(scalar(String), x), nil
	case uint64:
		return le.AppendUint64(scalar(Uint64), x), nil
	case int64:
		return le.AppendUint64(scalar(Int64), uint64(x)), nil
	case float64:
		return le.AppendUint64(scalar(Float64), math.Float64bits(x)), nil
	case []uint8:
		if b, err = array(Uint8, len(x)); err == nil {
			b = append(b, x...)
		}
	case []int8:
		b, err = appendArray(array, Int8, x, func(b []byte, x int8) []byte { return append(b, byte(x)) })
	case []uint16:
		b, err = appendArray(array, Uint16, x, le.AppendUint16)
	case []int16:
		b, err = appendArray(array, Int16, x, func(b []byte, x int16) []byte { return le.AppendUint16(b, uint16(x)) })
	case []uint32:
		b, err = appendArray(array, Uint32, x, le.AppendUint32)
	case []int32:
		b, err = appendArray(array, Int32, x, func(b []byte, x int32) []byte { return le.AppendUint32(b, uint32(x)) })
	case []float32:
		b, err = appendArray(array, Float32, x, func(b []byte, x float32) []byte { return le.AppendUint32(b, math.Float32bits(x)) })
	case []bool:
		b, err = appendArray(array, Bool, x, func(b []byte, x bool) []byte { return append(b, boolByte(x)) })
	case []uint64:
		b, err = appendArray(array, Uint64, x, le.AppendUint64)
	case []int64:
		b, err = appendArray(array, Int64, x, func(b []byte, x int64) []byte { return le.AppendUint64(b, uint64(x)) })
	case []float64:
		b, err = appendArray(array, Float64, x, func(b []byte, x float64) []byte { return le.AppendUint64(b, math.Float64bits(x)) })
	case []string:
		for _, s := range x {
			if len(s) > maxStringLength {
				return nil, errorf(ndview.ErrFormat, "a string of %d bytes; ggml reads strings of at most %d", len(s), maxStringLength)
			}
		}
		b, err = appendArray(array, String, x, appendString)
	case nil:
		return nil, errorf(ndview.ErrFormat, "the value is nil; GGUF values are the gguf.MetaValue types")
	case int, uint, uintptr:
		return nil, errorf(ndview.ErrFormat, "Go's %T has no GGUF value type (GGUF has no platform-sized integers); use int32, int64, uint32 or uint64", v)
	case []int, []uint, []uintptr:
		return nil, errorf(ndview.ErrFormat, "Go's %T has no GGUF value type (GGUF has no platform-sized integers); use []int32, []int64, []uint32 or []uint64", v)
	default:
		return nil, errorf(ndview.ErrFormat, "Go's %T has no GGUF value type: GGUF values are the scalars uint8 ... float64, bool and string, and slices of one of them (no nested arrays: ggml refuses them)", v)
	}
	return b, err
}

// appendArray appends an array's header (through array) and its elements.
func appendArray[T any](array func(ValueKind, int) ([]byte, error), k ValueKind, xs []T, enc func([]byte, T) []byte) ([]byte, error) {
	b, err := array(k, len(xs))
	if err != nil {
		return nil, err
	}
	for _, x := range xs {
		b = enc(b, x)
	}
	return b, nil
}

func boolByte(x bool) byte {
	if x {
		return 1
	}
	return 0
}

var zeros [4096]byte

// pad writes the zeros that take n bytes to a multiple of align.
func pad(w io.Writer, n, align uint64) error {
	end, _ := padUp(n, align)
	for k := end - n; k > 0; {
		c := min(k, uint64(len(zeros)))
		if _, err := w.Write(zeros[:c]); err != nil {
			return err
		}
		k -= c
	}
	return nil
}

// swapBytes reverses the bytes of every scalar of size n (2, 4 or 8) in b, in place.
func swapBytes(b []byte, n int) {
	if n < 2 {
		return
	}
	for i := 0; i+n <= len(b); i += n {
		slices.Reverse(b[i : i+n])
	}
}
