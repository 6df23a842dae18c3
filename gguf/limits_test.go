package gguf

import (
	"encoding/binary"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/ndview/ndview"
	"github.com/ndview/ndview/ggml"
)

// sparseFile writes the header of a GGUF file with tensors (Type and Shape only: their
// Blocks are not needed) and makes its data section a hole (os.Truncate): the file costs no
// disk, and its tensors read as zeros.
func sparseFile(tb testing.TB, meta []KV, tensors []Tensor) string {
	tb.Helper()
	hdr, items, align, err := prepare(meta, tensors, false)
	if err != nil {
		tb.Fatal(err)
	}
	start, _ := padUp(uint64(len(hdr)), align)
	size := int64(start)
	for _, it := range items {
		padded, _ := padUp(it.size, align)
		size += int64(padded)
	}
	path := filepath.Join(tb.TempDir(), "sparse.gguf")
	if err := os.WriteFile(path, hdr, 0o644); err != nil {
		tb.Fatal(err)
	}
	if err := os.Truncate(path, size); err != nil {
		tb.Fatal(err)
	}
	return path
}

// Dequantize of a tensor whose float32 copy would exceed ndview.MemoryLimit returns an
// error wrapping ErrOverflow (not ErrFormat: the file is sound) before allocating; Blocks
// and DequantizeRows still read it.
func TestDequantizeOverMemoryLimit(t *testing.T) {
	const rows, width = 25600, 1024 // 100 MiB of float32
	f := openT(t, sparseFile(t, nil, []Tensor{{Name: "w", Type: ggml.F32, Shape: []int{rows, width}}}))
	old := debug.SetMemoryLimit(32 << 20)
	defer debug.SetMemoryLimit(old)
	_, err := Dequantize(f, "w")
	if !errors.Is(err, ndview.ErrOverflow) || errors.Is(err, ndview.ErrFormat) || !strings.HasPrefix(err.Error(), "ndview: gguf.Dequantize: ") || !strings.Contains(err.Error(), "MemoryLimit") {
		t.Errorf("Dequantize of 100 MiB with a memory limit of 32 MiB: %v, want ErrOverflow naming ndview.MemoryLimit", err)
	}
	b, err := Blocks(f, "w")
	if err != nil || b.NBytes() != rows*width*4 {
		t.Fatalf("Blocks: %v, %v", b, err)
	}
	b.Release()
	dst := ndview.New[float32](2, width)
	if err := DequantizeRows(dst, f, "w", []int{0, -1}); err != nil {
		t.Errorf("DequantizeRows: %v", err)
	}
}

// Open of a missing file keeps the *fs.PathError.
func TestOpenMissing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nope.gguf")
	_, err := Open(path)
	var pe *fs.PathError
	if !errors.As(err, &pe) || !errors.Is(err, fs.ErrNotExist) || !strings.HasPrefix(err.Error(), "ndview: gguf.Open: open "+path) {
		t.Errorf("Open of a missing file: %v", err)
	}
}

// parseHeader allocates in proportion to the bytes of the file, whatever its counts claim:
// 2**62 tensors, 2**40 pairs or strings allocate nothing before the bytes are there.
func TestParseAllocations(t *testing.T) {
	for _, dir := range []string{"testdata/hostile", "testdata/gguf-py"} {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if filepath.Ext(e.Name()) != ".gguf" {
				continue
			}
			data := readFile(t, filepath.Join(dir, e.Name()))
			n := allocBytes(func() { parseHeader(data) })
			if limit := 4<<10 + 16*uint64(len(data)); n > limit {
				t.Errorf("%s: parsing %d bytes allocates %d bytes", e.Name(), len(data), n)
			}
		}
	}
	// A count of 2**29 strings (under ggml's 2**30) in a file of a few bytes.
	g := []byte("GGUF\x03\x00\x00\x00")
	g = binary.LittleEndian.AppendUint64(g, 0)
	g = binary.LittleEndian.AppendUint64(g, 1)
	g = binary.LittleEndian.AppendUint64(g, 1)
	g = append(g, 'a', 9, 0, 0, 0, 8, 0, 0, 0)
	g = binary.LittleEndian.AppendUint64(g, 1<<29)
	g = append(g, make([]byte, 64)...)
	if _, err := parseHeader(g); !errors.Is(err, ndview.ErrFormat) {
		t.Errorf("2**29 strings in 64 bytes: %v", err)
	}
	if n := allocBytes(func() { parseHeader(g) }); n > 4<<10 {
		t.Errorf("2**29 strings in 64 bytes: parsing allocates %d bytes", n)
	}
}
