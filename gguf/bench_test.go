package gguf

import (
	"fmt"
	"math"
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

// BenchmarkDequantizeRows: 8 rows of a 150,000 × 4096 Q4_K embedding table (a sparse file
// of 330 MiB): an embedding lookup, whose cost is the rows', not the table's.
func BenchmarkDequantizeRows(b *testing.B) {
	const rows, width = 150_000, 4096
	f := openT(b, sparseFile(b, nil, []Tensor{{Name: "token_embd.weight", Type: ggml.Q4_K, Shape: []int{rows, width}}}))
	idx := []int{1, 128_000, 42, 7, 99_999, 3, 149_999, 64}
	dst := ndview.New[float32](len(idx), width)
	b.SetBytes(int64(len(idx) * width * 4))
	b.ReportAllocs()
	for b.Loop() {
		if err := DequantizeRows(dst, f, "token_embd.weight", idx); err != nil {
			b.Fatal(err)
		}
	}
	sink += dst.At(7, 4095)
}

// BenchmarkDequantize: a whole 4096 × 4096 tensor (64 MiB of float32 out), Q4_K and F16.
func BenchmarkDequantize(b *testing.B) {
	for _, typ := range []ggml.Type{ggml.Q4_K, ggml.F16} {
		b.Run(typ.String(), func(b *testing.B) {
			f := openT(b, sparseFile(b, nil, []Tensor{{Name: "w", Type: typ, Shape: []int{4096, 4096}}}))
			b.SetBytes(4096 * 4096 * 4)
			b.ReportAllocs()
			for b.Loop() {
				v, err := Dequantize(f, "w")
				if err != nil {
					b.Fatal(err)
				}
				sink += v.At(4095, 4095)
			}
		})
	}
}
