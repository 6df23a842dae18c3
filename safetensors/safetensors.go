// Package safetensors reads safetensors files (Hugging Face's format for model weights) as
// ndview views mapped in place, and writes them as the reference implementation does.
//
// A file is an 8-byte little-endian header size N, N bytes of JSON naming each tensor's
// dtype, shape and byte range, and the tensors' bytes, little-endian and in C order. Open
// maps the file and checks the header; View returns a tensor's elements where they lie,
// without copying; Load copies them. Open of a "*.index.json" (a sharded checkpoint's
// model.safetensors.index.json) opens every shard it names behind the same File.
//
// # Lifetimes
//
// A File holds the mapping of each file it opened. Every view that View (or Bytes) returns
// holds that mapping too, as does every view derived from it (Slice, Transpose, Cast, ...):
// the memory stays mapped until the last of them is released or collected, whatever
// happens to the File. Close refuses, with an error wrapping ndview.ErrExported, while any
// such view is alive, and then closes nothing (for a sharded file, it closes all shards or
// none); release the views and call Close again. A File dropped without Close is unmapped
// when the garbage collector finds it and all its views unreachable. Views from Load own
// their memory and hold nothing.
//
// The mapping is of the file as Open found it. Save replaces a file by renaming a new one
// over it, so saving to the path of an open File is safe: its views keep the old content.
// But if another program truncates a mapped file in place, reading the lost pages raises
// SIGBUS and the program dies; this is inherent in memory mapping and no check can prevent
// it. Map only files that are replaced, not rewritten, or copy with Load early.
//
// # Element types
//
// View[T] and Load[T] need the T of the tensor's dtype: U8 uint8, I8 int8, U16 uint16, I16
// int16, F16 ndview.Float16, BF16 ndview.BFloat16, U32 uint32, I32 int32, F32 float32, C64
// complex64, U64 uint64, I64 int64, F64 float64 (and named types over them; int, uint and
// uintptr are I64/U64 on 64-bit platforms). Any other T gives an error wrapping
// ndview.ErrFormat: nothing is converted. Tensors of dtypes ndview has no element type for
// (BOOL, F8_E4M3, F8_E5M2, F8_E8M0, F4, and dtypes newer than this package) are listed by
// Names and described by Info, and Bytes gives their bytes as stored; they never make the
// whole file fail to open.
//
// The format does not align tensors: View returns an error wrapping ndview.ErrMisaligned
// for a tensor whose first byte is not on a boundary T needs, and Load works on any tensor.
// Files that some tools write have such tensors; files Save writes (and the reference
// writer, for the dtypes ndview has) never do: wider dtypes come first and the header is
// padded to a multiple of 8 bytes. On a big-endian machine View refuses multi-byte
// elements (ErrFormat) and Load and Save swap bytes.
//
// # Hostile files
//
// Open checks the header before it trusts it and reads nothing outside the file: a header
// over 100,000,000 bytes or past the end of the file, invalid UTF-8, anything but one JSON
// object, duplicate keys, a __metadata__ that is not an object of strings, shapes and
// offsets that are not non-negative integers or that overflow as the reference reader
// finds (a dimension past 2**64-1, or a product, taken from the first dimension, past 64
// bits), a byte range that does not match shape × dtype size, and ranges that leave holes,
// overlap or leave bytes after the last tensor: each gives an error wrapping
// ndview.ErrFormat (and ndview.ErrOverflow too, for numbers that overflow).
//
// Some tensors the reference accepts, no view can describe: an empty tensor whose
// dimensions other than 0, times its element size, overflow an int, such as F32
// [0, 2**61, 2] (NumPy refuses such arrays too). Open accepts the file, Names lists the
// tensor, and every function that reaches it (Info, Bytes, View, Load) returns an error
// wrapping both ndview.ErrFormat and ndview.ErrOverflow; the other tensors are served.
//
// A directory, a named pipe or a device is refused with ndview.ErrFormat, as ndview.MapFile
// refuses it (an index that is a named pipe too: opening it does not block). Load refuses a
// copy that would exceed ndview.MemoryLimit, with an error wrapping ndview.ErrOverflow.
//
// A File is safe for concurrent use.
package safetensors

import (
	"errors"
	"maps"
	"os"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/ndview/ndview"
	"github.com/ndview/ndview/internal/pseudofs"
)

// Info describes one tensor as its file's header does.
type Info struct {
	DType   string   // "F32", "BF16", ... as in the file
	Shape   []int    // dimensions; empty for a 0-d tensor
	Offsets [2]int64 // byte range [begin, end) within the data section
}

// Tensor is one named array for Save.
type Tensor struct {
	Name string
	Data ndview.Array
}

// File is an open safetensors file, or the shards of a sharded checkpoint.
type File struct {
	mu       sync.RWMutex // held for writing by Close, for reading while a view is made
	path     string
	closed   bool
	shards   []*shard
	tensors  map[string]ref
	names    []string
	metadata map[string]string
}

// shard is one mapped safetensors file.
type shard struct {
	path      string
	m         *ndview.Mapping
	dataStart int // where the data section starts in the file
}

// ref locates a tensor: its shard and its header entry; bad, if set, is the error of every
// function that reaches the tensor (see entry.bad).
type ref struct {
	shard int
	info  Info
	bad   error
}

// Open maps the safetensors file at path, read-only, and checks its header (see the package
// documentation). A path ending in ".index.json" is a sharded checkpoint's index: Open then
// opens the shards it names (see the index rules below).
//
// Index rules: the index is a JSON object with a "weight_map" of tensor names to file names
// and an optional "metadata" object. File names are relative to the index's directory and
// must stay inside it (filepath.IsLocal: no absolute paths, no ".."; the check is lexical,
// symbolic links are followed as the system follows them). Every tensor the index names must
// be in the shard it names, and every tensor of a shard must be named by the index, for
// that shard: an index that disagrees with its shards is refused (ErrFormat), since a name
// would otherwise mean two tensors or none. Shards are opened in the order of their file
// names; Names lists them shard by shard. The index itself is at most 100,000,000 bytes.
//
// Open returns an error wrapping ndview.ErrFormat for a file or index that breaks these
// rules or is not a regular file (a directory, a named pipe, a device), and the error of
// mapping the file otherwise (an *fs.PathError inside).
func Open(path string) (*File, error) {
	if strings.HasSuffix(path, ".index.json") {
		f, err := openIndex(path)
		return f, public("Open", "", err)
	}
	s, h, err := openShard(path)
	if err != nil {
		return nil, public("Open", "", err)
	}
	f := &File{path: path, shards: []*shard{s}, tensors: make(map[string]ref, len(h.entries)), metadata: h.metadata}
	for _, e := range h.entries {
		f.tensors[e.name] = ref{0, e.info, e.bad}
		f.names = append(f.names, e.name)
	}
	return f, nil
}

// openShard maps one safetensors file and parses its header.
func openShard(path string) (*shard, *header, error) {
	if fs := pseudofs.Path(path); fs != "" {
		return nil, nil, errorf(ndview.ErrFormat, "%s is on %s, a pseudo file system whose files have no fixed size, so it cannot be mapped; safetensors reads only through a mapping: copy the file to a regular file system first", path, fs)
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return nil, nil, &problem{Kinds: []error{ndview.ErrFormat}, Path: path, Msg: "a directory, not a safetensors file; a sharded checkpoint opens through its model.safetensors.index.json"}
	}
	m, err := ndview.MapFile(path, false)
	if err != nil {
		return nil, nil, err
	}
	data, _, err := m.Export()
	if err != nil {
		m.Close()
		return nil, nil, err
	}
	h, err := parseHeader(data) // copies what it keeps: nothing refers to data afterwards
	m.Unexport()
	if err != nil {
		m.Close()
		if p, ok := err.(*problem); ok {
			p.Path = path
		}
		return nil, nil, err
	}
	for _, e := range h.entries {
		if p, ok := e.bad.(*problem); ok {
			p.Path = path
		}
	}
	return &shard{path: path, m: m, dataStart: h.dataStart}, h, nil
}

// Close unmaps the file (every shard of a sharded one). It returns an error wrapping
// ndview.ErrExported, and closes nothing, while any reachable view made by View or Bytes (or
// derived from one) is unreleased. Views the program has dropped do not count: Close
// collects them first, waiting up to the release timeout (ndview.AwaitRelease), which is what
// a refusal costs. Closing a closed File does nothing.
func (f *File) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return nil
	}
	// Views are made only under f.mu, so the count can only fall while Close waits.
	live := func() int {
		n := 0
		for _, s := range f.shards {
			n += s.m.Exports()
		}
		return n
	}
	ndview.AwaitRelease(func() bool { return live() == 0 })
	if n := live(); n > 0 {
		views := "live views"
		if n == 1 {
			views = "live view"
		}
		var hints []string
		for _, s := range f.shards {
			if s.m.Exports() > 0 {
				hints = append(hints, ndview.ExportsHint(s.m))
			}
		}
		return public("Close", "", errorf(ndview.ErrExported, "%s has %d %s the program still uses; release them first; %s", f.path, n, views, strings.Join(hints, "; ")))
	}
	var first error
	for _, s := range f.shards {
		if err := s.m.Close(); err != nil && first == nil {
			first = err
		}
	}
	f.closed = true
	return public("Close", "", first)
}

// Names returns the tensors' names in data-offset order (for a sharded file: shard by shard,
// in the order of the shards' file names, each in data-offset order). Tensors of size 0 that
// share an offset come in name order.
func (f *File) Names() []string { return slices.Clone(f.names) }

// Info returns the header's description of the named tensor. It returns an error wrapping
// ndview.ErrFormat if the file has no such tensor, and one wrapping both ndview.ErrFormat
// and ndview.ErrOverflow for a tensor no view can describe (see the package documentation).
func (f *File) Info(name string) (Info, error) {
	r, ok := f.tensors[name]
	if !ok {
		return Info{}, public("Info", "", f.noTensor(name))
	}
	if r.bad != nil {
		return Info{}, public("Info", "", r.bad)
	}
	info := r.info
	info.Shape = slices.Clone(info.Shape)
	return info, nil
}

// Metadata returns a copy of the file's __metadata__, empty if it has none. For a sharded
// file it is the index's "metadata" (values that are not strings, such as "total_size",
// as their JSON text), plus the shards' __metadata__ entries for keys the index does not
// have (the first shard's value where shards differ).
func (f *File) Metadata() map[string]string {
	md := maps.Clone(f.metadata)
	if md == nil {
		md = map[string]string{}
	}
	return md
}

func (f *File) noTensor(name string) error {
	return errorf(ndview.ErrFormat, "%s has no tensor %q", f.path, name)
}

// bytesOf returns a read-only 1-D view of the named tensor's bytes in its mapping, holding
// the mapping, after check has accepted the tensor's Info.
func (f *File) bytesOf(name string, check func(Info) error) (*ndview.View[uint8], Info, error) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	if f.closed {
		return nil, Info{}, errorf(ndview.ErrReleased, "%s is closed", f.path)
	}
	r, ok := f.tensors[name]
	if !ok {
		return nil, Info{}, f.noTensor(name)
	}
	if r.bad != nil {
		return nil, Info{}, r.bad
	}
	if err := check(r.info); err != nil {
		return nil, Info{}, err
	}
	s := f.shards[r.shard]
	all, err := ndview.FromExporter[uint8](s.m)
	if err != nil {
		return nil, Info{}, err
	}
	defer all.Release()
	begin := s.dataStart + int(r.info.Offsets[0]) // inside the file: checked by Open
	end := s.dataStart + int(r.info.Offsets[1])
	return all.Slice(0, begin, end, 1), r.info, nil
}

// checkElem returns a check that T matches a tensor's dtype and that a view of T can have
// its shape.
func checkElem[T ndview.Elem](name string) func(Info) error {
	return func(info Info) error {
		want, err := dtypeOf[T]()
		if err != nil {
			if p, ok := err.(*problem); ok {
				p.Msg = "tensor " + quote(name) + ": " + p.Msg
			}
			return err
		}
		if info.DType != want {
			hint := "ndview has no element type for it; Bytes gives its bytes as stored"
			if g, ok := goTypeOf(info.DType); ok {
				hint = "use " + g
			}
			return errorf(ndview.ErrFormat, "tensor %q holds %s elements, not %s (%s); %s", name, info.DType, reflect.TypeFor[T](), want, hint)
		}
		if len(info.Shape) > ndview.MaxDims {
			return errorf(ndview.ErrShape, "tensor %q has %d dimensions; ndview views have at most %d", name, len(info.Shape), ndview.MaxDims)
		}
		return nil
	}
}

// View returns a read-only view of the named tensor's elements where they lie in the mapped
// file, without copying. The view holds the mapping (see the package documentation).
//
// View returns an error wrapping ndview.ErrFormat if the file has no such tensor, if T does
// not match its dtype, or (on a big-endian machine) if T is wider than a byte;
// ndview.ErrFormat and ndview.ErrOverflow for a tensor no view can describe (see the
// package documentation); ndview.ErrMisaligned if the tensor's first byte is not on a
// boundary T needs (Load copies it instead); ndview.ErrShape if it has more than
// ndview.MaxDims dimensions; and ndview.ErrReleased after Close.
func View[T ndview.Elem](f *File, name string) (*ndview.View[T], error) {
	check := checkElem[T](name)
	b, info, err := f.bytesOf(name, func(info Info) error {
		if err := check(info); err != nil {
			return err
		}
		if _, bitSize, _ := dtypeRank(info.DType); !littleEndian && bitSize > 8 {
			return errorf(ndview.ErrFormat, "tensor %q is little-endian and this machine is not, so it cannot be viewed in place; Load converts it", name)
		}
		return nil
	})
	if err != nil {
		return nil, public("View", "", err)
	}
	defer b.Release()
	v, err := ndview.Cast[T](b, info.Shape...)
	if err == nil && len(info.Shape) == 0 {
		one := v
		v, err = one.Reshape()
		one.Release()
	}
	if errors.Is(err, ndview.ErrMisaligned) {
		s := f.shards[f.tensors[name].shard]
		at := int64(s.dataStart) + info.Offsets[0]
		return nil, public("View", "", errorf(ndview.ErrMisaligned, "tensor %q starts at byte %d of %s, which is not aligned for %s; Load copies it", name, at, s.path, reflect.TypeFor[T]()))
	}
	if err != nil {
		return nil, public("View", "", err)
	}
	return v, nil
}

// Load returns a copy of the named tensor's elements in a new, writable, C-contiguous view
// with native values, aligned for T: it works on tensors that View cannot view in place.
//
// Load returns an error wrapping ndview.ErrFormat if the file has no such tensor or T does
// not match its dtype; ndview.ErrFormat and ndview.ErrOverflow for a tensor no view can
// describe (see the package documentation); ndview.ErrOverflow alone if the copy would
// exceed ndview.MemoryLimit (checked before anything is allocated: View views the tensor
// without copying); ndview.ErrShape if it has more than ndview.MaxDims dimensions; and
// ndview.ErrReleased after Close.
func Load[T ndview.Elem](f *File, name string) (*ndview.View[T], error) {
	b, info, err := f.bytesOf(name, checkElem[T](name))
	if err != nil {
		return nil, public("Load", "", err)
	}
	defer b.Release()
	if err := checkMemory(name, b.NBytes()); err != nil {
		return nil, public("Load", "", err)
	}
	dst := ndview.New[T](info.Shape...) // its bytes are b's: the tensor's range, in the file
	db, err := ndview.Cast[uint8](dst)
	if err != nil {
		return nil, public("Load", "", err)
	}
	defer db.Release()
	ndview.Copy(db, b)
	if !littleEndian {
		raw, _, err := db.Raw()
		if err != nil {
			return nil, public("Load", "", err)
		}
		swapBytes(raw, scalarSize(info.DType, dst.ItemSize()))
	}
	return dst, nil
}

// Bytes returns a read-only 1-D view of the named tensor's bytes as stored (little-endian,
// C order), in place, holding the mapping as View does: for tensors of dtypes ndview has no
// element type for (F8_E4M3, F4, BOOL, ...), to decode by hand.
//
// Bytes returns an error wrapping ndview.ErrFormat if the file has no such tensor,
// ndview.ErrFormat and ndview.ErrOverflow for a tensor no view can describe (see the package
// documentation), and ndview.ErrReleased after Close.
func (f *File) Bytes(name string) (*ndview.View[uint8], error) {
	b, _, err := f.bytesOf(name, func(Info) error { return nil })
	if err != nil {
		return nil, public("Bytes", "", err)
	}
	return b, nil
}

// checkMemory refuses a copy of the named tensor's nbytes that ndview.MemoryLimit does not
// allow, with an error wrapping ndview.ErrOverflow, where ndview.New would panic with one.
// Like ndview, it lets requests of up to a mebibyte through without asking.
func checkMemory(name string, nbytes int) error {
	if nbytes <= 1<<20 {
		return nil
	}
	if lim := ndview.MemoryLimit(); nbytes > lim {
		return errorf(ndview.ErrOverflow, "tensor %q: its %d bytes exceed the memory limit of %d bytes (ndview.MemoryLimit: physical memory, cgroup and Go memory limits); View views it in place without copying", name, nbytes, lim)
	}
	return nil
}
