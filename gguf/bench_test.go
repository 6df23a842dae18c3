package gguf

import (
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/ndview/ndview"
	"github.com/ndview/ndview/ggml"
)

// modelFile makes a sparse file shaped like a model's: a 150,000-token vocabulary (tokens,
// scores, token types), a few scalars, and 300 F32 tensors holding dataBytes in all. Only the
// header is written; the data is a hole.
func modelFile(b *testing.B, dataBytes int64) string {
	const vocab, ntensors = 150_000, 300
	tokens := make([]string, vocab)
	scores := make([]float32, vocab)
	types := make([]int32, vocab)
	for i := range tokens {
		tokens[i] = fmt.Sprintf("▁tok%d", i)
		scores[i] = -float32(i)
		types[i] = 1
	}
	meta := []KV{
		{"general.architecture", "llama"}, {"llama.context_length", uint32(8192)},
		{"llama.embedding_length", uint32(4096)}, {"tokenizer.ggml.model", "gpt2"},
		{"tokenizer.ggml.tokens", tokens}, {"tokenizer.ggml.scores", scores}, {"tokenizer.ggml.token_type", types},
	}
	per := int(dataBytes / ntensors / 4 / 32 * 32)
	tensors := make([]Tensor, ntensors)
	for i := range tensors {
		tensors[i] = Tensor{Name: fmt.Sprintf("blk.%d.weight", i), Type: ggml.F32, Shape: []int{per / 32, 32}}
	}
	return sparseFile(b, meta, tensors)
}

// BenchmarkOpen: Open and Close of a model's file, with 64 MiB and with 4 GiB of tensor data
// behind the same header: the cost is the header's, not the file's.
func BenchmarkOpen(b *testing.B) {
	for _, size := range []struct {
		name  string
		bytes int64
	}{{"64MiB", 64 << 20}, {"4GiB", 4 << 30}} {
		b.Run(size.name, func(b *testing.B) {
			if size.bytes > math.MaxInt {
				b.Skip("a 4 GiB mapping needs a 64-bit platform")
			}
			path := modelFile(b, size.bytes)
			b.ReportAllocs()
			for b.Loop() {
				f, err := Open(path)
				if err != nil {
					b.Fatal(err)
				}
				if err := f.Close(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

var sink float32

// BenchmarkDequantizeRows: 8 rows of a Q4_K embedding table of 4096 columns, with 150,000
// rows (a sparse file of 330 MiB) and with 1,000: an embedding lookup, whose cost is the
// rows', not the table's.
func BenchmarkDequantizeRows(b *testing.B) {
	const width = 4096
	for _, rows := range []int{150_000, 1_000} {
		b.Run(fmt.Sprintf("%drows", rows), func(b *testing.B) {
			f := openT(b, sparseFile(b, nil, []Tensor{{Name: "token_embd.weight", Type: ggml.Q4_K, Shape: []int{rows, width}}}))
			idx := []int{1, 128_000 % rows, 42, 7, 99_999 % rows, 3, rows - 1, 64}
			dst := ndview.New[float32](len(idx), width)
			b.SetBytes(int64(len(idx) * width * 4))
			b.ReportAllocs()
			for b.Loop() {
				if err := DequantizeRows(dst, f, "token_embd.weight", idx); err != nil {
					b.Fatal(err)
				}
			}
			sink += dst.At(7, 4095)
		})
	}
}

// BenchmarkDequantize: a whole 4096 × 4096 tensor (64 MiB of float32 out) per type, its
// blocks made by ggml.Quantize from normal floats (real data: a sparse file's holes all
// read as one cached zero page). "into" dequantizes into a kept buffer, split across
// goroutines as Dequantize splits it, which is what ggml's own row dequantizers are timed
// doing; "new" is Dequantize, whose result is new memory (allocated, zeroed, faulted in).
func BenchmarkDequantize(b *testing.B) {
	const side = 4096
	types := []ggml.Type{ggml.Q8_0, ggml.Q4_0, ggml.Q4_1, ggml.Q5_0, ggml.Q5_1, ggml.Q2_K, ggml.Q3_K,
		ggml.Q4_K, ggml.Q5_K, ggml.Q6_K, ggml.IQ4_XS, ggml.MXFP4, ggml.TQ2_0, ggml.F16, ggml.BF16}
	r := rand.New(rand.NewPCG(3, 4))
	x := make([]float32, side*side)
	for i := range x {
		x[i] = float32(r.NormFloat64())
	}
	for _, typ := range types {
		b.Run(typ.String(), func(b *testing.B) {
			n, _ := ggml.RowBytes(typ, len(x))
			blocks := make([]byte, n)
			if err := ggml.Quantize(blocks, x, typ); err != nil {
				b.Fatal(err)
			}
			path := filepath.Join(b.TempDir(), "w.gguf")
			if err := Save(path, nil, []Tensor{{Name: "w", Type: typ, Shape: []int{side, side}, Blocks: blocks}}); err != nil {
				b.Fatal(err)
			}
			f := openT(b, path)
			b.Run("into", func(b *testing.B) {
				v, _, err := f.bytesOf("w", func(*tensorEntry) error { return nil })
				if err != nil {
					b.Fatal(err)
				}
				defer v.Release()
				src, _, _ := v.UnsafeRaw()
				out := make([]float32, side*side)
				spans := split(len(out)/typ.BlockSize(), len(out))
				b.SetBytes(side * side * 4)
				for b.Loop() {
					if err := dequantizeSpans(out, src, typ, spans); err != nil {
						b.Fatal(err)
					}
				}
				sink += out[len(out)-1]
			})
			b.Run("new", func(b *testing.B) {
				b.SetBytes(side * side * 4)
				b.ReportAllocs()
				for b.Loop() {
					v, err := Dequantize(f, "w")
					if err != nil {
						b.Fatal(err)
					}
					sink += v.At(side-1, side-1)
				}
			})
		})
	}
}
