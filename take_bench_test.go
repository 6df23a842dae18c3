package ndview

import (
	"math/rand/v2"
	"testing"
)

var takeSink *View[float32]

// BenchmarkTakeRows gathers 4096 rows, in a random order, of a 4096×4096 float32 table (64
// MiB of a 64 MiB table): Take(table, idx, 0) against copy() of the same rows in the same
// order into a preallocated slice. Take's cost includes allocating its 64 MiB result (and
// the zeroing the Go runtime does for it), which the baseline does not pay.
func BenchmarkTakeRows(b *testing.B) {
	const n = 4096
	data := make([]float32, n*n)
	for i := range data {
		data[i] = float32(i)
	}
	table, err := FromSlice(data, n, n)
	if err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	idx := make([]int, n)
	for i := range idx {
		idx[i] = r.IntN(n)
	}
	b.Run("ndview", func(b *testing.B) {
		b.SetBytes(n * n * 4)
		b.ReportAllocs()
		for b.Loop() {
			takeSink = Take(table, idx, 0)
		}
	})
	// TakeInto gathers into a view the caller owns: the gather alone, as the baseline.
	b.Run("into", func(b *testing.B) {
		dst := New[float32](n, n)
		b.SetBytes(n * n * 4)
		b.ReportAllocs()
		for b.Loop() {
			TakeInto(dst, table, idx, 0)
		}
	})
	b.Run("baseline", func(b *testing.B) {
		out := make([]float32, n*n)
		b.SetBytes(n * n * 4)
		b.ReportAllocs()
		for b.Loop() {
			for j, i := range idx {
				copy(out[j*n:(j+1)*n], data[i*n:(i+1)*n])
			}
		}
	})
}
