package ggml

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/ndview/ndview"
)

// benchOut is the float32 output per Dequantize call in BenchmarkDequantize: 16 MiB, as
// testdata/gen/dequant_bench.c times ggml's dequantize_row_*.
const benchOut = 16 << 20

var benchSink float32

// BenchmarkDequantize times Dequantize per type over 16 MiB of float32 output (b.SetBytes
// counts output bytes). Block types read the blocks ggml's quantizers made from normal
// floats (the "normal" case of testdata/dequant), repeated; F16 and BF16 read normal
// floats rounded to them (as testdata/gen/dequant_bench.c times ggml's); the other plain
// types read random bytes.
func BenchmarkDequantize(b *testing.B) {
	for _, typ := range Types() {
		b.Run(typ.String(), func(b *testing.B) {
			bs, bb := typ.BlockSize(), typ.BlockBytes()
			blocks := benchOut / 4 / bs
			src := make([]byte, blocks*bb)
			if typ.Quantized() {
				cases, err := readVectors(typ)
				if err != nil {
					b.Fatal(err)
				}
				var normal []byte
				for _, c := range cases {
					if c.name == "normal" {
						normal = c.blocks
					}
				}
				if len(normal) == 0 {
					b.Fatalf("no normal case for %v", typ)
				}
				for i := 0; i < len(src); i += copy(src[i:], normal) {
				}
			} else {
				r := rand.New(rand.NewPCG(1, 2))
				for i := range src {
					src[i] = byte(r.Uint32())
				}
				for i := 0; i+1 < len(src) && (typ == F16 || typ == BF16); i += 2 {
					x := float32(r.NormFloat64())
					h := uint16(ndview.ToFloat16(x))
					if typ == BF16 {
						h = uint16(ndview.ToBFloat16(x))
					}
					src[i], src[i+1] = byte(h), byte(h>>8)
				}
			}
			dst := make([]float32, blocks*bs)
			b.SetBytes(int64(4 * len(dst)))
			b.ReportAllocs()
			best := time.Duration(math.MaxInt64)
			for b.Loop() {
				t0 := time.Now()
				if err := Dequantize(dst, src, typ); err != nil {
					b.Fatal(err)
				}
				best = min(best, time.Since(t0))
			}
			benchSink = dst[len(dst)-1]
			// The fastest call, as dequant_bench.c reports ggml's (best of 7 there: run
			// with -benchtime=7x to compare like with like).
			b.ReportMetric(float64(4*len(dst))/best.Seconds()/1e9, "best-GB/s")
		})
	}
}
