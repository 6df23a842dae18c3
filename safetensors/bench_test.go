package safetensors

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"
)

// sparseFile makes a safetensors file of one F32 tensor of size bytes without writing them:
// the data section is a hole (os.Truncate), so the file costs no disk.
func sparseFile(b testing.TB, size int64) string {
	b.Helper()
	hdr := encodeHeader([]entry{{name: "w", info: Info{DType: "F32", Shape: []int{int(size / 4)}, Offsets: [2]int64{0, size}}}}, nil)
	path := filepath.Join(b.TempDir(), "big.safetensors")
	head := binary.LittleEndian.AppendUint64(nil, uint64(len(hdr)))
	if err := os.WriteFile(path, append(head, hdr...), 0o644); err != nil {
		b.Fatal(err)
	}
	if err := os.Truncate(path, int64(len(head)+len(hdr))+size); err != nil {
		b.Fatal(err)
	}
	return path
}

const benchSize = 1 << 30 // 1 GiB of tensor data

var sink float32

// BenchmarkOpenView: Open + View of a 1 GiB tensor, O(1) in the file's size (the header
// is all that is read), against reading the file.
func BenchmarkOpenView(b *testing.B) {
	path := sparseFile(b, benchSize)
	b.SetBytes(benchSize)
	b.ReportAllocs()
	for b.Loop() {
		f, err := Open(path)
		if err != nil {
			b.Fatal(err)
		}
		v, err := View[float32](f, "w")
		if err != nil {
			b.Fatal(err)
		}
		sink += v.At(benchSize/4 - 1) // touches one page
		v.Release()
		if err := f.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadFile(b *testing.B) {
	path := sparseFile(b, benchSize)
	b.SetBytes(benchSize)
	b.ReportAllocs()
	for b.Loop() {
		data, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		sink += float32(data[len(data)-1])
	}
}
