// Package gguf reads GGUF files (llama.cpp's and ggml's format for model weights) as ndview
// views mapped in place, and writes them as gguf-py's GGUFWriter does.
//
// A file is the magic "GGUF", a version, a table of typed metadata (key-value pairs), a
// table of tensor infos (name, dimensions, ggml type, offset), padding to the file's
// alignment, and the tensors' data, little-endian, each tensor padded to the alignment.
// Open maps the file and reads the two tables, never the tensor data, so its cost depends
// on the header, not on the size of the file; Meta reads metadata; View returns a plain
// tensor's elements where they lie, without copying; Blocks returns any tensor's bytes as
// stored; Dequantize and DequantizeRows convert tensors of any ggml type to float32.
//
// # Shapes
//
// ggml lists a tensor's dimensions fastest first (ne[0] is the length of a row). Info.Shape
// and every view here are in NumPy's order, ne reversed, as gguf-py's reader gives them: a
// 4096 × 32000 embedding table, ne = [4096, 32000], has Shape [32000, 4096], one row per
// token. A tensor with no dimensions (n_dims 0) is a 0-d view of one element.
//
// # Element types
//
// View[T] needs the T of the tensor's ggml type: F32 float32, F16 ndview.Float16, BF16
// ndview.BFloat16, F64 float64, I8 int8, I16 int16, I32 int32, I64 int64 (and named types
// over them; int is I64 on 64-bit platforms). Quantized tensors (Q4_K, Q8_0, IQ4_XS, MXFP4,
// ...: every ggml type stored in blocks) have no element type: Blocks gives their blocks,
// Dequantize and DequantizeRows their values. Metadata values are read by Meta with exactly
// their stored type (see ValueKind).
//
// The data section and each tensor are aligned to general.alignment (32 when the file has
// none), which may be as small as 1: View returns an error wrapping ndview.ErrMisaligned
// for a tensor whose first byte is not on a boundary T needs; Blocks and Dequantize read
// any tensor.
//
// # Lifetimes
//
// A File holds the mapping of its file. Every view that View or Blocks returns holds that
// mapping too, as does every view derived from it: the memory stays mapped until the last
// of them is released or collected, whatever happens to the File. Close refuses, with an
// error wrapping ndview.ErrExported, while any such view is alive, and then closes
// nothing; release the views and call Close again. A File dropped without Close is unmapped
// when the garbage collector finds it and all its views unreachable. Views from Dequantize
// own their memory and hold nothing; metadata and tensor infos stay readable after Close.
//
// The mapping is of the file as Open found it. Save replaces a file by renaming a new one
// over it, so saving to the path of an open File is safe. But if another program truncates
// a mapped file in place, reading the lost pages raises SIGBUS and the program dies: this
// is inherent in memory mapping.
//
// # Which files
//
// Open accepts exactly the files ggml's own reader (gguf_init_from_file, ggml-org/ggml
// d99724f2) accepts, with two more refusals a mapping reader needs and ggml leaves to its
// callers: a tensor whose element count overflows 64 bits (ggml's count wraps, so
// ne = [2**32, 2**32] passes its test), and tensor data that lies outside the file
// (llama.cpp's loader checks this later; ggml's no_alloc reading does not). Versions 2 and 3
// are read; big-endian files (which gguf-py can write) and files with nested arrays (which
// gguf-py writes and ggml refuses) are refused with an error that says so. One bad tensor
// refuses the whole file, as in ggml. Every refusal wraps ndview.ErrFormat; Open never
// panics on a file's bytes, and allocates only in proportion to bytes of the file it has
// checked. See parseHeader in header.go for every rule.
//
// One file ggml accepts is served only in part: an empty tensor whose other dimensions,
// times its element size, overflow an int, such as ne = [0, 2**62, 2**62] (NumPy refuses
// such arrays too). Open accepts the file, Names and Info list the tensor, and View,
// Blocks, Dequantize and DequantizeRows of it return an error wrapping both ErrFormat and
// ErrOverflow.
//
// A directory, a named pipe, a device or a file on a pseudo file system is refused with
// ndview.ErrFormat. Dequantize refuses a copy that would exceed ndview.MemoryLimit with an
// error wrapping ndview.ErrOverflow.
//
// A File is safe for concurrent use.
package gguf

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"strings"
	"sync"

	"github.com/ndview/ndview"
	"github.com/ndview/ndview/ggml"
	"github.com/ndview/ndview/internal/pseudofs"
)

// Info describes one tensor as the file's tensor info does.
type Info struct {
	Name   string
	Type   ggml.Type
	Shape  []int // NumPy order: ggml's ne reversed (ne[0], the fastest axis, is last)
	Offset int64 // absolute byte offset of the tensor's data in the file
	Size   int64 // bytes
}

// ValueKind is a metadata value's stored type, numbered as GGUF numbers them. Meta returns
// a value as the Go type of the same name (Float32 as float32, String as string, Bool as
// bool), and an array as a slice of its element's Go type.
type ValueKind uint32

// The GGUF value types.
const (
	Uint8   ValueKind = 0
	Int8    ValueKind = 1
	Uint16  ValueKind = 2
	Int16   ValueKind = 3
	Uint32  ValueKind = 4
	Int32   ValueKind = 5
	Float32 ValueKind = 6
	Bool    ValueKind = 7
	String  ValueKind = 8
	Array   ValueKind = 9
	Uint64  ValueKind = 10
	Int64   ValueKind = 11
	Float64 ValueKind = 12
)

var kindNames = [...]string{"uint8", "int8", "uint16", "int16", "uint32", "int32", "float32", "bool", "string", "array", "uint64", "int64", "float64"}

// String is the kind's Go type name ("uint32", "string"), "array" for Array, and
// "gguf.ValueKind(77)" for a number GGUF does not define.
func (k ValueKind) String() string {
	if k < ValueKind(len(kindNames)) {
		return kindNames[k]
	}
	return fmt.Sprintf("gguf.ValueKind(%d)", uint32(k))
}

// scalar reports whether k is a type a value or an array element may have: not Array, and
// defined.
func (k ValueKind) scalar() bool { return k < ValueKind(len(kindNames)) && k != Array }

// size is the bytes of one value of a fixed-size kind, 0 for String and Array.
func (k ValueKind) size() int {
	switch k {
	case Uint8, Int8, Bool:
		return 1
	case Uint16, Int16:
		return 2
	case Uint32, Int32, Float32:
		return 4
	case Uint64, Int64, Float64:
		return 8
	}
	return 0
}

// MetaValue is every Go type Meta can return: a scalar, a string, or a slice of one of them.
type MetaValue interface {
	uint8 | int8 | uint16 | int16 | uint32 | int32 | float32 | bool | string | uint64 | int64 | float64 |
		[]uint8 | []int8 | []uint16 | []int16 | []uint32 | []int32 | []float32 | []bool | []string |
		[]uint64 | []int64 | []float64
}

// File is an open GGUF file.
type File struct {
	mu     sync.RWMutex // held for writing by Close, for reading while a view is made
	path   string
	closed bool
	m      *ndview.Mapping
	hdr    []byte // a copy of the header's bytes, which Meta decodes
	h      *header
}

// Open maps the GGUF file at path, read-only, and reads its header: the metadata and the
// tensor infos, never the tensor data (see the package documentation for the files it
// accepts).
//
// Open returns an error wrapping ndview.ErrFormat for a file ggml would refuse, a
// big-endian file, a file with nested arrays, a tensor that overflows or lies outside the
// file, or anything but a regular file (a directory, a named pipe, a device, a file on a
// pseudo file system); and the error of mapping the file otherwise (an *fs.PathError
// inside).
func Open(path string) (*File, error) {
	f, err := open(path)
	return f, public("Open", path, err)
}

func open(path string) (*File, error) {
	if fsys := pseudofs.Path(path); fsys != "" {
		return nil, errorf(ndview.ErrFormat, "the file is on %s, a pseudo file system whose files have no fixed size, so it cannot be mapped; copy it to a regular file system first", fsys)
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return nil, errorf(ndview.ErrFormat, "a directory, not a GGUF file")
	}
	m, err := ndview.MapFile(path, false)
	if err != nil {
		return nil, err
	}
	data, _, err := m.Export()
	if err != nil {
		m.Close()
		return nil, err
	}
	h, err := parseHeader(data)
	var hdr []byte
	if err == nil {
		hdr = bytes.Clone(data[:h.end]) // nothing refers to data afterwards
	}
	m.Unexport()
	if err != nil {
		m.Close()
		return nil, err
	}
	return &File{path: path, m: m, hdr: hdr, h: h}, nil
}

// Close unmaps the file. It returns an error wrapping ndview.ErrExported, and closes
// nothing, while any reachable view made by View or Blocks (or derived from one) is
// unreleased. Views the program has dropped do not count: Close collects them first,
// waiting up to the release timeout (ndview.AwaitRelease), which is what a refusal costs.
// Closing a closed File does nothing. Metadata and tensor infos stay readable.
func (f *File) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return nil
	}
	// Views are made only under f.mu, so the count can only fall while Close waits.
	ndview.AwaitRelease(func() bool { return f.m.Exports() == 0 })
	if n := f.m.Exports(); n > 0 {
		views := "live views"
		if n == 1 {
			views = "live view"
		}
		return public("Close", "", errorf(ndview.ErrExported, "%s has %d %s the program still uses; release them first; %s", f.path, n, views, ndview.ExportsHint(f.m)))
	}
	err := f.m.Close()
	f.closed = true
	return public("Close", "", err)
}

// Version returns the file's GGUF version: 2 or 3.
func (f *File) Version() int { return f.h.version }

// Alignment returns the file's alignment: general.alignment, or 32 when the file has none.
func (f *File) Alignment() int { return f.h.alignment }

// Names returns the tensors' names in file order.
func (f *File) Names() []string {
	names := make([]string, len(f.h.tensors))
	for i, t := range f.h.tensors {
		names[i] = t.name
	}
	return names
}

// Keys returns the metadata keys in file order.
func (f *File) Keys() []string {
	keys := make([]string, len(f.h.kvs))
	for i, e := range f.h.kvs {
		keys[i] = e.key
	}
	return keys
}

// Info returns the tensor info of the named tensor. It returns an error wrapping
// ndview.ErrFormat if the file has no such tensor, and ErrFormat and ErrOverflow if a
// dimension does not fit an int (possible on 32-bit platforms only).
func (f *File) Info(name string) (Info, error) {
	t, err := f.tensor(name)
	if err != nil {
		return Info{}, public("Info", "", err)
	}
	for _, d := range t.ne {
		if uint64(d) > math.MaxInt {
			return Info{}, public("Info", "", overflowf("tensor %s has a dimension of %d, more than an int holds", quote(name), d))
		}
	}
	return infoOf(f.h, t), nil
}

func infoOf(h *header, t *tensorEntry) Info {
	return Info{Name: t.name, Type: t.typ, Shape: shapeOf(t), Offset: int64(h.dataStart) + int64(t.offset), Size: int64(t.size)}
}

// tensor returns the named tensor's entry.
func (f *File) tensor(name string) (*tensorEntry, error) {
	i, ok := f.h.names[name]
	if !ok {
		return nil, f.noTensor(name)
	}
	return &f.h.tensors[i], nil
}

func (f *File) noTensor(name string) error {
	return errorf(ndview.ErrFormat, "%s has no tensor %s", f.path, quote(name))
}

// Kind returns the stored type of the named key's value; for an array, Array (ArrayOf gives
// its element type). It returns an error wrapping ndview.ErrFormat if the file has no such
// key.
func (f *File) Kind(key string) (ValueKind, error) {
	e, err := f.kv(key)
	if err != nil {
		return 0, public("Kind", "", err)
	}
	return e.kind, nil
}

// ArrayOf returns the element type and length of the named key's array. It returns an error
// wrapping ndview.ErrFormat if the file has no such key or its value is not an array.
func (f *File) ArrayOf(key string) (ValueKind, int, error) {
	e, err := f.kv(key)
	if err != nil {
		return 0, 0, public("ArrayOf", "", err)
	}
	if e.kind != Array {
		return 0, 0, public("ArrayOf", "", errorf(ndview.ErrFormat, "key %s holds %s, not an array; use gguf.Meta[%s]", quote(key), describeKind(*e), e.kind))
	}
	return e.elem, e.n, nil
}

func (f *File) kv(key string) (*kvEntry, error) {
	i, ok := f.h.keys[key]
	if !ok {
		return nil, errorf(ndview.ErrFormat, "%s has no key %s", f.path, quote(key))
	}
	return &f.h.kvs[i], nil
}

// describeKind says what a value is, for messages: "a uint32", "an array of 3 string".
func describeKind(e kvEntry) string {
	if e.kind == Array {
		return fmt.Sprintf("an array of %d %s", e.n, e.elem)
	}
	if strings.HasPrefix(e.kind.String(), "int") {
		return "an " + e.kind.String()
	}
	return "a " + e.kind.String()
}

// goName names the Go element type Meta returns for a kind, for messages.
func goName(e kvEntry) string {
	if e.kind == Array {
		return "[]" + e.elem.String()
	}
	return e.kind.String()
}
