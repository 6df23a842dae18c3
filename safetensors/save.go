package safetensors

import (
	"bufio"
	"encoding/binary"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/ndview/ndview"
	"github.com/ndview/ndview/internal/atomicfile"
)

// Save writes tensors, and metadata as __metadata__ when it is not empty, to the file at
// path in the layout the reference implementation writes: the header as serde_json writes
// it, padded with spaces to a multiple of 8 bytes, then each tensor's elements in C order,
// little-endian, from a view of any layout (strided, transposed, read-only). Tensors are
// laid out in the reference writer's order: by dtype, in descending order of the
// reference's Dtype enum (U64, I64, F64, C64, F32, U32, I32, BF16, F16, U16, I16, I8, U8),
// then by name; since the header's length is a multiple of 8 and wider dtypes come first,
// every tensor Save writes is aligned for its element type. Metadata keys are written in
// sorted order.
//
// The file is written to a temporary file in path's directory, synced and renamed over path,
// so readers (and views of a File opened from path) see the old file or the new one, never
// a part. Each tensor is copied out (ToBytes) once while it is written: Save needs memory
// for the largest tensor, not for all of them.
//
// Save returns an error wrapping ndview.ErrFormat for duplicate names, the reserved name
// "__metadata__", names or metadata that are not valid UTF-8, an element type safetensors
// has no dtype for (complex128), or a header over 100,000,000 bytes; ndview.ErrReleased
// for a released view; ndview.ErrOverflow for sizes that overflow; and the error of
// writing the file (an *fs.PathError inside) otherwise.
func Save(path string, tensors []Tensor, metadata map[string]string) error {
	items, err := prepare(tensors, metadata)
	if err != nil {
		return public("Save", "", err)
	}
	entries := make([]entry, len(items))
	for i, it := range items {
		entries[i] = it.entry
	}
	hdr := encodeHeader(entries, metadata)
	if len(hdr) > maxHeaderSize {
		return public("Save", "", errorf(ndview.ErrFormat, "the header would be %d bytes, over the %d that readers accept", len(hdr), maxHeaderSize))
	}
	err = atomicfile.Write(path, func(w io.Writer) error {
		bw := bufio.NewWriterSize(w, 1<<20)
		var n [8]byte
		binary.LittleEndian.PutUint64(n[:], uint64(len(hdr)))
		bw.Write(n[:])
		bw.Write(hdr)
		for _, it := range items {
			b := it.data.ToBytes(ndview.COrder)
			if size := it.info.Offsets[1] - it.info.Offsets[0]; int64(len(b)) != size {
				return errorf(ndview.ErrFormat, "tensor %q gave %d bytes for shape %v of %s, not %d", it.name, len(b), it.info.Shape, it.info.DType, size)
			}
			if !littleEndian {
				swapBytes(b, scalarSize(it.info.DType, it.itemSize))
			}
			if _, err := bw.Write(b); err != nil {
				return err
			}
		}
		return bw.Flush()
	})
	return public("Save", "", err)
}

// item is one tensor to write.
type item struct {
	entry
	data     ndview.Array
	rank     int
	itemSize int
}

// prepare checks the tensors and metadata and returns the tensors in the reference writer's
// order with their offsets (the reference's prepare).
func prepare(tensors []Tensor, metadata map[string]string) ([]item, error) {
	for k, v := range metadata {
		if !utf8.ValidString(k) || !utf8.ValidString(v) {
			return nil, errorf(ndview.ErrFormat, "metadata %q: %q is not valid UTF-8", k, v)
		}
	}
	seen := make(map[string]bool, len(tensors))
	items := make([]item, 0, len(tensors))
	for _, t := range tensors {
		switch {
		case !utf8.ValidString(t.Name):
			return nil, errorf(ndview.ErrFormat, "tensor name %q is not valid UTF-8", t.Name)
		case t.Name == "__metadata__":
			return nil, errorf(ndview.ErrFormat, "a tensor cannot be named __metadata__: the header keeps that key for the metadata")
		case seen[t.Name]:
			return nil, errorf(ndview.ErrFormat, "tensor %q is given twice", t.Name)
		case t.Data == nil:
			return nil, errorf(ndview.ErrFormat, "tensor %q has no data", t.Name)
		}
		seen[t.Name] = true
		if r, ok := t.Data.(interface{ Released() bool }); ok && r.Released() {
			return nil, errorf(ndview.ErrReleased, "tensor %q is a released view", t.Name)
		}
		dtype, err := arrayDType(t.Data)
		if err != nil {
			if p, ok := err.(*problem); ok {
				p.Msg = "tensor " + quote(t.Name) + ": " + p.Msg
			}
			return nil, err
		}
		rank, _, _ := dtypeRank(dtype)
		shape := t.Data.Shape()
		if slices.ContainsFunc(shape, func(d int) bool { return d < 0 }) {
			return nil, errorf(ndview.ErrFormat, "tensor %q has a negative dimension in %v", t.Name, shape)
		}
		dims := make([]uint64, len(shape))
		for i, d := range shape {
			dims[i] = uint64(d)
		}
		isz := t.Data.DType().ItemSize()
		if !viewable(dims, 8*isz) { // what Open would refuse to view, Save does not write
			return nil, errorf(ndview.ErrOverflow, "tensor %q of shape %v is too large", t.Name, shape)
		}
		n, _ := refElems(dims) // 0, or the product of the dimensions viewable checked
		size := n * uint64(isz)
		items = append(items, item{
			entry:    entry{name: t.Name, info: Info{DType: dtype, Shape: shape, Offsets: [2]int64{0, int64(size)}}},
			data:     t.Data,
			rank:     rank,
			itemSize: isz,
		})
	}
	slices.SortFunc(items, func(a, b item) int {
		if a.rank != b.rank {
			return b.rank - a.rank // descending enum order
		}
		return strings.Compare(a.name, b.name) // Rust's String order: bytewise, as Go's
	})
	var at int64
	for i := range items {
		size := items[i].info.Offsets[1]
		if at > int64(maxInt)-size {
			return nil, errorf(ndview.ErrOverflow, "the tensors' sizes add up to more than an int can count")
		}
		items[i].info.Offsets = [2]int64{at, at + size}
		at += size
	}
	return items, nil
}

func quote(s string) string { return string(appendString(nil, s)) }
