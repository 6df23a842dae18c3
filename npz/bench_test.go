package npz_test

import (
	"path/filepath"
	"testing"

	"github.com/ndview/ndview"
	"github.com/ndview/ndview/npz"
)

// benchArchive writes an archive with one stored float64 member of 64 MiB and opens it.
func benchArchive(b *testing.B) (*npz.Archive, int) {
	b.Helper()
	const n = 8 << 20
	x := ndview.New[float64](n)
	for i := range n {
		x.Set(float64(i), i)
	}
	path := filepath.Join(b.TempDir(), "big.npz")
	if err := npz.Save(path, []string{"w"}, []ndview.Array{x}); err != nil {
		b.Fatal(err)
	}
	a, err := npz.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { a.Close() })
	return a, n * 8
}

var sink float64

// BenchmarkMap views the member in place and reads one element: O(1) in its size.
func BenchmarkMap(b *testing.B) {
	a, size := benchArchive(b)
	b.SetBytes(int64(size))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		v, err := npz.Map[float64](a, "w")
		if err != nil {
			b.Fatal(err)
		}
		sink += v.At(size/8 - 1)
		v.Release()
	}
}

// BenchmarkLoad copies the member into memory, checking its CRC-32.
func BenchmarkLoad(b *testing.B) {
	a, size := benchArchive(b)
	b.SetBytes(int64(size))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		v, err := npz.Load[float64](a, "w")
		if err != nil {
			b.Fatal(err)
		}
		sink += v.At(size/8 - 1)
		v.Release()
	}
}
