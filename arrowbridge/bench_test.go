package arrowbridge

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/ndview/ndview"
)

var sinkF32 float32

// BenchmarkColumnRoundTrip hands a batch to Arrow as a column and views the column again:
// the same cost for 1 MiB and for 1 GiB, since no element is copied. The 1 GiB batch is
// allocated but never touched, so the operating system backs it with no memory until a
// page is written.
func BenchmarkColumnRoundTrip(b *testing.B) {
	for _, tc := range []struct {
		name  string
		shape []int
	}{
		{"1MiB", []int{16, 128, 128}},
		{"1GiB", []int{16384, 128, 128}},
		{"1GiB-permuted", []int{16384, 128, 128}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			v := ndview.New[float32](tc.shape...)
			if tc.name == "1GiB-permuted" {
				v = v.Transpose(0, 2, 1)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				col, err := ToColumn(v)
				if err != nil {
					b.Fatal(err)
				}
				w, err := FromColumn[float32](col)
				if err != nil {
					b.Fatal(err)
				}
				col.Release()
				sinkF32 += w.At(1, 2, 3)
				w.Release()
			}
		})
	}
}

// BenchmarkIPCRead reads a tensor column from an IPC file: mapped in place by OpenFile and
// Column, against arrow-go's ipc.NewFileReader over the *os.File, which copies every buffer
// it reads.
func BenchmarkIPCRead(b *testing.B) {
	for _, mib := range []int{1, 64} {
		path := filepath.Join(b.TempDir(), "t.arrow")
		v := ndview.New[float32](mib*64, 64, 64) // 16 KiB per tensor
		col, err := ToColumn(v)
		if err != nil {
			b.Fatal(err)
		}
		if err := WriteFile(path, []string{"t"}, []arrow.Array{col}); err != nil {
			b.Fatal(err)
		}
		col.Release()
		size := int64(v.NBytes())
		b.Run(fmt.Sprintf("mapped/%dMiB", mib), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(size)
			for range b.N {
				f, err := OpenFile(path)
				if err != nil {
					b.Fatal(err)
				}
				w, err := Column[float32](f, "t")
				if err != nil {
					b.Fatal(err)
				}
				sinkF32 += w.At(1, 2, 3)
				w.Release()
				if err := f.Close(); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("arrow-go-copying/%dMiB", mib), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(size)
			for range b.N {
				f, err := os.Open(path)
				if err != nil {
					b.Fatal(err)
				}
				r, err := ipc.NewFileReader(f)
				if err != nil {
					b.Fatal(err)
				}
				rec, err := r.RecordBatchAt(0)
				if err != nil {
					b.Fatal(err)
				}
				w, err := FromColumn[float32](rec.Column(0))
				if err != nil {
					b.Fatal(err)
				}
				sinkF32 += w.At(1, 2, 3)
				w.Release()
				rec.Release()
				r.Close()
				f.Close()
			}
		})
	}
}
