package gguf

import (
	"encoding/binary"
	"math"
	"math/bits"
	"strconv"
	"strings"

	"github.com/ndview/ndview"
	"github.com/ndview/ndview/ggml"
)

// The limits and constants of ggml's reader (src/gguf.cpp and include/gguf.h at ggml-org/ggml
// d99724f2, include/ggml.h for the tensor limits).
const (
	maxStringLength = 1 << 30 // GGUF_MAX_STRING_LENGTH
	maxArrayLength  = 1 << 30 // GGUF_MAX_ARRAY_ELEMENTS
	maxNameBytes    = 64      // GGML_MAX_NAME: a tensor name has at most 63 bytes
	maxDims         = 4       // GGML_MAX_DIMS
	defaultAlign    = 32      // GGUF_DEFAULT_ALIGNMENT
	alignmentKey    = "general.alignment"

	// The fewest bytes a key-value pair and a tensor info can take: a key's length (8; an
	// empty key is refused, but only once read), a value type (4) and a one-byte value; a
	// name of no bytes (8), n_dims (4), a type (4) and an offset (8). Counts are checked
	// against them before anything is allocated for them.
	minKVBytes     = 8 + 4 + 1
	minTensorBytes = 8 + 4 + 4 + 8
)

// kvEntry is one metadata pair: where its value lies in the header.
type kvEntry struct {
	key  string
	kind ValueKind // the stored type; Array for an array
	elem ValueKind // an array's element type
	n    int       // an array's length (at most 2**30)
	at   int       // the value's first byte (for an array, its first element's), in the header
}

// tensorEntry is one tensor info.
type tensorEntry struct {
	name   string
	typ    ggml.Type
	ndims  int
	ne     [maxDims]int64 // ggml's order: ne[0] is the fastest axis; 1 past ndims
	offset uint64         // from the start of the data section
	size   uint64         // bytes
	// bad is set for a tensor that ggml accepts but no view can describe: an empty tensor
	// whose other dimensions, times the element size, overflow an int (NumPy refuses such
	// arrays too). It wraps ErrFormat and ErrOverflow; every function that reaches the
	// tensor returns it.
	bad error
}

// header is a parsed and checked GGUF header.
type header struct {
	version   int
	alignment int
	kvs       []kvEntry
	keys      map[string]int
	tensors   []tensorEntry
	names     map[string]int
	end       int // the end of the tensor infos: the header's bytes are [0, end)
	dataStart int // end padded to the alignment when there are tensors (ggml's ctx->offset)
}

// cursor reads a GGUF header from the front of a file's bytes, never past its end.
type cursor struct {
	b  []byte
	at int
}

func (c *cursor) left() int { return len(c.b) - c.at }

// need returns an error unless n more bytes are there for what+detail (two parts, joined
// only for an error: a header is read without building a name for every field).
func (c *cursor) need(n uint64, what, detail string) error {
	if n > uint64(c.left()) {
		return errorf(ndview.ErrFormat, "%s%s at byte %d needs %d bytes; the file ends %d bytes later", what, detail, c.at, n, c.left())
	}
	return nil
}

func (c *cursor) u32(what, detail string) (uint32, error) {
	if err := c.need(4, what, detail); err != nil {
		return 0, err
	}
	v := binary.LittleEndian.Uint32(c.b[c.at:])
	c.at += 4
	return v, nil
}

func (c *cursor) u64(what, detail string) (uint64, error) {
	if err := c.need(8, what, detail); err != nil {
		return 0, err
	}
	v := binary.LittleEndian.Uint64(c.b[c.at:])
	c.at += 8
	return v, nil
}

// str skips a string (u64 length, bytes) and returns where its bytes lie, checked as ggml
// checks them: at most 2**30 bytes, and no more than the file has left.
func (c *cursor) str(what string) (start, end int, err error) {
	n, err := c.u64(what, "'s length")
	if err != nil {
		return 0, 0, err
	}
	if n > maxStringLength {
		return 0, 0, errorf(ndview.ErrFormat, "%s at byte %d is %d bytes long; ggml reads strings of at most %d bytes", what, c.at-8, n, maxStringLength)
	}
	if n > uint64(c.left()) {
		return 0, 0, errorf(ndview.ErrFormat, "%s at byte %d is %d bytes long, past the end of the file (%d bytes left)", what, c.at-8, n, c.left())
	}
	start = c.at
	c.at += int(n)
	return start, c.at, nil
}

// skipStrings skips the n strings of the array of key, checked as str checks them. It is
// str without the cost of naming each string (a vocabulary has 150,000): the name is made
// only for an error.
func (c *cursor) skipStrings(n int, key string) error {
	for j := range n {
		if c.left() < 8 {
			_, _, err := c.str("string " + itoa(j) + " of key " + quote(key))
			return err
		}
		l := binary.LittleEndian.Uint64(c.b[c.at:])
		if l > maxStringLength || l > uint64(c.left()-8) {
			_, _, err := c.str("string " + itoa(j) + " of key " + quote(key))
			return err
		}
		c.at += 8 + int(l)
	}
	return nil
}

// parseHeader reads and checks the header of the GGUF file whose bytes are file, accepting
// exactly what ggml's gguf_init_from_file accepts (src/gguf.cpp, gguf_init_from_reader),
// with two more checks a mapping reader needs (ggml leaves them to the loader), in ggml's
// order:
//
//   - the magic "GGUF"; a u32 version of 2 or 3 (0 and 1 refused, a version whose low 16
//     bits are 0 is a file of the other byte order, over 3 too new);
//   - i64 tensor and key-value counts, not negative and no more than the rest of the file
//     can hold (ggml fails on the first read past the end);
//   - each key-value pair: a key (a string: a u64 length of at most 2**30 and no more than
//     the bytes left; not empty; not a key seen before), an i32 value type, for an array
//     an i32 element type and a u64 count (at most 2**30, with count × element size, or
//     count × 8 for strings, no more than the bytes left), then the value; an array of
//     arrays or a type other than 0-12 is refused;
//   - general.alignment, if present, a u32 (not an array) that is a power of two;
//   - each tensor info: a name (a string of at most 63 bytes, not a name seen before as
//     C compares them, up to the first NUL byte), a u32 n_dims of at most 4, n_dims i64
//     dimensions none negative, whose element count passes ggml's test against 2**63-1,
//     an i32 ggml type that is a type ggml defines (not removed), ne[0] a whole number of
//     blocks, a size in bytes below 2**64, and a u64 offset;
//   - with at least one tensor, the data section starts at the end of the infos padded to
//     the alignment, which must lie inside the file; each tensor's offset equals the sum of
//     the sizes before it, each padded to the alignment (no gaps, no reordering, no
//     overlap, nothing misaligned).
//
// The two checks ggml leaves out: a tensor's element count is computed without wrapping,
// so ne = [2**32, 2**32] (whose product wraps to 0 in ggml's int64 arithmetic, which then
// skips its test) is refused; and each tensor's data must lie inside the file, as
// llama.cpp's loader requires ("tensor data is not within the file bounds"), which ggml's
// no_alloc reading (how loaders map files) does not check. Bytes after the last tensor are
// accepted, as ggml accepts them.
//
// Every refusal wraps ndview.ErrFormat. parseHeader reads nothing outside file and
// allocates in proportion to the bytes it has checked: counts are bounded by the bytes
// left before anything is allocated for them.
func parseHeader(file []byte) (*header, error) {
	c := &cursor{b: file}
	if len(file) < 4 {
		return nil, errorf(ndview.ErrFormat, "the file is %d bytes, too short for the magic \"GGUF\"", len(file))
	}
	if string(file[:4]) != "GGUF" {
		return nil, errorf(ndview.ErrFormat, "not a GGUF file: it starts with %q, not \"GGUF\"", file[:4])
	}
	c.at = 4
	v, err := c.u32("the version", "")
	if err != nil {
		return nil, err
	}
	switch {
	case v == 0:
		return nil, errorf(ndview.ErrFormat, "GGUF version 0 is not a version; ggml reads versions 2 and 3")
	case v&0xFFFF == 0:
		if sw := bits.ReverseBytes32(v); sw >= 1 && sw <= 3 {
			return nil, errorf(ndview.ErrFormat, "a big-endian GGUF file (version %d written most significant byte first); ggml and this package read little-endian files only: convert it with gguf-py (gguf_convert_endian.py)", sw)
		}
		return nil, errorf(ndview.ErrFormat, "GGUF version %d (%#x) is not 2 or 3; the byte order of the file may not be little-endian", v, v)
	case v == 1:
		return nil, errorf(ndview.ErrFormat, "GGUF version 1 (32-bit counts) is no longer read by ggml; convert the file to version 3")
	case v > 3:
		return nil, errorf(ndview.ErrFormat, "GGUF version %d is newer than 3, the last version ggml reads", v)
	}
	h := &header{version: int(v), alignment: defaultAlign}

	nt, err := c.u64("the tensor count", "")
	if err != nil {
		return nil, err
	}
	if int64(nt) < 0 {
		return nil, errorf(ndview.ErrFormat, "the tensor count is %d, negative", int64(nt))
	}
	nkv, err := c.u64("the key-value count", "")
	if err != nil {
		return nil, err
	}
	if int64(nkv) < 0 {
		return nil, errorf(ndview.ErrFormat, "the key-value count is %d, negative", int64(nkv))
	}
	if nkv > uint64(c.left()/minKVBytes) {
		return nil, errorf(ndview.ErrFormat, "the file claims %d key-value pairs, more than its %d remaining bytes can hold", nkv, c.left())
	}
	if nt > uint64(c.left()/minTensorBytes) {
		return nil, errorf(ndview.ErrFormat, "the file claims %d tensors, more than its %d remaining bytes can hold", nt, c.left())
	}

	// Capacities start small: a count is a claim, the entries read are the evidence.
	h.kvs = make([]kvEntry, 0, min(nkv, 1024))
	h.keys = make(map[string]int, min(nkv, 1024))
	for i := range int(nkv) {
		e, err := readKV(c, i, h.keys)
		if err != nil {
			return nil, err
		}
		h.keys[e.key] = len(h.kvs)
		h.kvs = append(h.kvs, e)
	}
	if i, ok := h.keys[alignmentKey]; ok {
		e := h.kvs[i]
		if e.kind != Uint32 {
			return nil, errorf(ndview.ErrFormat, "%s is %s; ggml requires a uint32", alignmentKey, describeKind(e))
		}
		a := binary.LittleEndian.Uint32(file[e.at:])
		if a == 0 || a&(a-1) != 0 {
			return nil, errorf(ndview.ErrFormat, "%s is %d, not a power of two", alignmentKey, a)
		}
		if uint64(a) > math.MaxInt {
			return nil, overflowf("%s is %d, more than an int holds", alignmentKey, a)
		}
		h.alignment = int(a)
	}

	h.tensors = make([]tensorEntry, 0, min(nt, 1024))
	h.names = make(map[string]int, min(nt, 1024))
	cnames := make(map[string]int, min(nt, 1024))
	for i := range int(nt) {
		t, err := readTensorInfo(c, i, cnames)
		if err != nil {
			return nil, err
		}
		cnames[cName(t.name)] = i
		h.names[t.name] = i
		h.tensors = append(h.tensors, t)
	}
	h.end = c.at
	h.dataStart = c.at
	if nt > 0 {
		start, ok := padUp(uint64(c.at), uint64(h.alignment))
		if !ok || start > uint64(len(file)) {
			return nil, errorf(ndview.ErrFormat, "the data section starts at byte %d (the tensor infos end at %d, padded to the alignment %d), past the end of the %d-byte file", start, c.at, h.alignment, len(file))
		}
		h.dataStart = int(start)
	}
	var at uint64 // where the next tensor must start, from the data section
	for i := range h.tensors {
		t := &h.tensors[i]
		if t.offset != at {
			return nil, errorf(ndview.ErrFormat, "tensor %d (%s) is at offset %d of the data section, not %d: ggml requires each tensor right after the one before it, padded to the alignment %d", i, quote(t.name), t.offset, at, h.alignment)
		}
		room := uint64(len(file) - h.dataStart)
		if t.offset > room || t.size > room-t.offset {
			return nil, errorf(ndview.ErrFormat, "tensor %d (%s) holds %d bytes at byte %d, past the end of the %d-byte file", i, quote(t.name), t.size, uint64(h.dataStart)+t.offset, len(file))
		}
		padded, _ := padUp(t.size, uint64(h.alignment)) // inside the file: no overflow
		at += padded
		t.bad = describable(t)
	}
	return h, nil
}

// readKV reads the i-th key-value pair.
func readKV(c *cursor, i int, seen map[string]int) (kvEntry, error) {
	what := "key " + itoa(i)
	ks, ke, err := c.str(what)
	if err != nil {
		return kvEntry{}, err
	}
	if ks == ke {
		return kvEntry{}, errorf(ndview.ErrFormat, "key %d (at byte %d) is empty", i, ks-8)
	}
	key := string(c.b[ks:ke])
	if j, ok := seen[key]; ok {
		return kvEntry{}, errorf(ndview.ErrFormat, "key %s is given twice (pairs %d and %d)", quote(key), j, i)
	}
	e := kvEntry{key: key}
	what = "the value of key " + quote(key)
	t, err := c.u32(what, "'s type")
	if err != nil {
		return kvEntry{}, err
	}
	e.kind = ValueKind(t)
	if e.kind == Array {
		et, err := c.u32(what, "'s element type")
		if err != nil {
			return kvEntry{}, err
		}
		n, err := c.u64(what, "'s length")
		if err != nil {
			return kvEntry{}, err
		}
		e.elem = ValueKind(et)
		switch {
		case e.elem == Array:
			return kvEntry{}, errorf(ndview.ErrFormat, "key %s holds an array of arrays (a nested array), which ggml refuses (gguf-py writes them)", quote(key))
		case !e.elem.scalar():
			return kvEntry{}, errorf(ndview.ErrFormat, "key %s holds an array of value type %d, which GGUF does not define", quote(key), int32(et))
		case n > maxArrayLength:
			return kvEntry{}, errorf(ndview.ErrFormat, "key %s holds an array of %d elements; ggml reads arrays of at most %d", quote(key), n, maxArrayLength)
		}
		size := uint64(e.elem.size())
		if e.elem == String {
			size = 8 // each string's length, at least
		}
		if n*size > uint64(c.left()) { // n <= 2**30, size <= 8: no overflow
			return kvEntry{}, errorf(ndview.ErrFormat, "key %s holds an array of %d %s at byte %d, past the end of the file (%d bytes left)", quote(key), n, e.elem, c.at, c.left())
		}
		e.n = int(n)
		e.at = c.at
		if e.elem == String {
			if err := c.skipStrings(e.n, key); err != nil {
				return kvEntry{}, err
			}
		} else {
			c.at += int(n * size)
		}
		return e, nil
	}
	if !e.kind.scalar() {
		return kvEntry{}, errorf(ndview.ErrFormat, "key %s has value type %d, which GGUF does not define", quote(key), int32(t))
	}
	e.at = c.at
	if e.kind == String {
		_, _, err = c.str(what)
		return e, err
	}
	if err := c.need(uint64(e.kind.size()), what, ""); err != nil {
		return kvEntry{}, err
	}
	c.at += e.kind.size()
	return e, nil
}

var dimNames = [maxDims]string{"'s dimension 0", "'s dimension 1", "'s dimension 2", "'s dimension 3"}

// readTensorInfo reads the i-th tensor info, with every check ggml makes of it and the
// element count computed without wrapping.
func readTensorInfo(c *cursor, i int, seen map[string]int) (tensorEntry, error) {
	what := "the name of tensor " + itoa(i)
	ns, ne, err := c.str(what)
	if err != nil {
		return tensorEntry{}, err
	}
	if ne-ns >= maxNameBytes {
		return tensorEntry{}, errorf(ndview.ErrFormat, "tensor %d has a name of %d bytes; ggml allows at most %d", i, ne-ns, maxNameBytes-1)
	}
	t := tensorEntry{name: string(c.b[ns:ne])}
	if j, ok := seen[cName(t.name)]; ok {
		return tensorEntry{}, errorf(ndview.ErrFormat, "tensors %d and %d are both named %s", j, i, quote(cName(t.name)))
	}
	what = "tensor " + quote(t.name)
	nd, err := c.u32(what, "'s number of dimensions")
	if err != nil {
		return tensorEntry{}, err
	}
	if nd > maxDims {
		return tensorEntry{}, errorf(ndview.ErrFormat, "%s has %d dimensions; ggml allows at most %d", what, nd, maxDims)
	}
	t.ndims = int(nd)
	for j := range maxDims {
		t.ne[j] = 1
		if j < t.ndims {
			d, err := c.u64(what, dimNames[j])
			if err != nil {
				return tensorEntry{}, err
			}
			if int64(d) < 0 {
				return tensorEntry{}, errorf(ndview.ErrFormat, "%s has dimension %d of %d elements, negative", what, j, int64(d))
			}
			t.ne[j] = int64(d)
		}
	}
	// ggml's test (src/gguf.cpp), in its int64 arithmetic, which wraps: it runs only when
	// the wrapped product is positive.
	ne0, ne1, ne2, ne3 := t.ne[0], t.ne[1], t.ne[2], t.ne[3]
	if ne0*ne1*ne2*ne3 > 0 && (math.MaxInt64/ne1 <= ne0 || math.MaxInt64/ne2 <= ne0*ne1 || math.MaxInt64/ne3 <= ne0*ne1*ne2) {
		return tensorEntry{}, errorf(ndview.ErrFormat, "%s with ne %v has 2**63-1 elements or more", what, t.ne[:t.ndims])
	}
	n, ok := elements(t.ne)
	if !ok { // the product wraps to 0 or below in ggml, which then accepts it
		return tensorEntry{}, overflowf("%s with ne %v has 2**63 elements or more (ggml's count wraps and lets it through; no reader can hold it)", what, t.ne[:t.ndims])
	}
	ty, err := c.u32(what, "'s type")
	if err != nil {
		return tensorEntry{}, err
	}
	t.typ = ggml.Type(ty)
	if !t.typ.Known() {
		if int32(ty) < 0 {
			return tensorEntry{}, errorf(ndview.ErrFormat, "%s has ggml type %d, negative", what, int32(ty))
		}
		_, err := ggml.RowBytes(t.typ, 0) // says which types ggml removed
		msg := strings.TrimPrefix(err.Error(), "ndview: ggml.RowBytes: ")
		return tensorEntry{}, errorf(ndview.ErrFormat, "%s: %s", what, msg)
	}
	bs, bb := uint64(t.typ.BlockSize()), uint64(t.typ.BlockBytes())
	if uint64(ne0)%bs != 0 {
		return tensorEntry{}, errorf(ndview.ErrFormat, "%s has rows of %d %v elements, not a whole number of its blocks of %d", what, ne0, t.typ, bs)
	}
	if n/bs > math.MaxUint64/bb {
		return tensorEntry{}, errorf(ndview.ErrFormat, "%s with ne %v takes 2**64 bytes or more", what, t.ne[:t.ndims])
	}
	t.size = n / bs * bb
	if t.offset, err = c.u64(what, "'s offset"); err != nil {
		return tensorEntry{}, err
	}
	return t, nil
}

// elements is the product of ne, or ok false when it is 2**63 or more.
func elements(ne [maxDims]int64) (uint64, bool) {
	n := uint64(1)
	for _, d := range ne {
		if d == 0 {
			return 0, true
		}
	}
	for _, d := range ne {
		hi, lo := bits.Mul64(n, uint64(d))
		if hi != 0 || lo > math.MaxInt64 {
			return 0, false
		}
		n = lo
	}
	return n, true
}

// describable returns nil if views can describe the tensor (its shape, and its blocks'
// shape: every dimension and the product of those that are not 0, times the element or row
// bytes, fit an int), else the error every function reaching it returns. Only empty
// tensors can fail: a tensor with elements lies inside the file, and so fits.
func describable(t *tensorEntry) error {
	prod := uint64(max(t.typ.BlockBytes(), 4)) // float32 for Dequantize, the block for Blocks
	for _, d := range t.ne {
		if d == 0 {
			continue
		}
		hi, lo := bits.Mul64(prod, uint64(d))
		if hi != 0 || lo > math.MaxInt {
			return overflowf("tensor %s with ne %v (ggml's order) is empty, but its other dimensions are too large for any view to describe", quote(t.name), t.ne[:t.ndims])
		}
		prod = lo
	}
	return nil
}

// padUp rounds x up to a multiple of the power of two a (ggml's GGML_PAD); ok is false
// when that overflows.
func padUp(x, a uint64) (uint64, bool) {
	r := x & (a - 1)
	if r == 0 {
		return x, true
	}
	y := x + (a - r)
	return y, y > x
}

// cName is a tensor name as ggml compares names: a C string, up to its first NUL byte.
func cName(s string) string {
	if i := strings.IndexByte(s, 0); i >= 0 {
		return s[:i]
	}
	return s
}

// shapeOf is the tensor's shape in NumPy's order: ne reversed.
func shapeOf(t *tensorEntry) []int {
	s := make([]int, t.ndims)
	for j := range t.ndims {
		s[t.ndims-1-j] = int(t.ne[j])
	}
	return s
}

func itoa(i int) string { return strconv.Itoa(i) }
