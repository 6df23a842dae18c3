// Command gguf converts a checkpoint to llama.cpp's format and reads it back: it writes a
// small synthetic bfloat16 safetensors checkpoint, quantizes its tensors to GGUF (the
// embedding table as Q4_K, the projection as Q8_0, the norm kept F32, with metadata as
// llama.cpp's converter writes it), opens the GGUF file mapped, dequantizes each tensor and
// reports its error against the original, and looks token ids up in the quantized
// embedding table with DequantizeRows, without dequantizing the table.
//
//	go run ./examples/gguf
package main

import (
	"errors"
	"fmt"
	"log"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/ndview/ndview"
	"github.com/ndview/ndview/ggml"
	"github.com/ndview/ndview/gguf"
	"github.com/ndview/ndview/safetensors"
)

func main() {
	dir, err := os.MkdirTemp("", "ndview-gguf")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	r, err := run(dir)
	if err != nil {
		log.Fatal(err)
	}
	for _, t := range r.tensors {
		fmt.Printf("%-20s %-5v %-11s max |error| %.4g, rms error %.4g (of rms %.4g)\n", t.name, t.typ, fmt.Sprint(t.shape), t.maxErr, t.rmsErr, t.rms)
	}
	fmt.Printf("architecture %q, vocabulary of %d tokens\n", r.arch, r.vocab)
	fmt.Printf("rows %v of the Q4_K embedding: max |error| %.4g against the bfloat16 rows\n", r.ids, r.rowErr)
}

// tensorReport is what run found for one tensor.
type tensorReport struct {
	name           string
	typ            ggml.Type
	shape          []int
	maxErr, rmsErr float64
	rms            float64
}

type report struct {
	tensors []tensorReport
	arch    string
	vocab   int
	ids     []int
	rowErr  float64
	// rowsExact: the rows DequantizeRows gave are those of the whole dequantized table.
	rowsExact bool
}

const (
	vocab  = 1000
	hidden = 512 // a multiple of 256: Q4_K's blocks
)

// run writes the checkpoint and its GGUF conversion into dir, reads the GGUF file back and
// reports.
func run(dir string) (_ report, err error) {
	stPath, ggufPath := filepath.Join(dir, "model.safetensors"), filepath.Join(dir, "model.gguf")

	// A synthetic checkpoint, as a trainer would ship it: bfloat16 weights.
	rng := rand.New(rand.NewPCG(7, 11))
	randomBF16 := func(scale float64, shape ...int) *ndview.View[ndview.BFloat16] {
		v := ndview.New[ndview.BFloat16](shape...)
		for run := range v.Runs() {
			for i := range run {
				run[i] = ndview.ToBFloat16(float32(rng.NormFloat64() * scale))
			}
		}
		return v
	}
	norm := ndview.New[ndview.BFloat16](hidden)
	ndview.Fill(norm, ndview.ToBFloat16(1))
	err = safetensors.Save(stPath, []safetensors.Tensor{
		{Name: "model.embed_tokens.weight", Data: randomBF16(0.02, vocab, hidden)},
		{Name: "model.layers.0.mlp.up_proj.weight", Data: randomBF16(0.05, 2*hidden, hidden)},
		{Name: "model.norm.weight", Data: norm},
	}, map[string]string{"format": "pt"})
	if err != nil {
		return report{}, err
	}

	// Convert: each tensor to float32, quantized to its GGUF type, named as llama.cpp names it.
	st, err := safetensors.Open(stPath)
	if err != nil {
		return report{}, err
	}
	defer func() { err = errors.Join(err, st.Close()) }()
	plan := []struct {
		from, to string
		typ      ggml.Type
	}{
		{"model.embed_tokens.weight", "token_embd.weight", ggml.Q4_K},
		{"model.layers.0.mlp.up_proj.weight", "blk.0.ffn_up.weight", ggml.Q8_0},
		{"model.norm.weight", "output_norm.weight", ggml.F32},
	}
	originals := map[string]*ndview.View[float32]{}
	var tensors []gguf.Tensor
	for _, p := range plan {
		w, err := safetensors.View[ndview.BFloat16](st, p.from)
		if err != nil {
			return report{}, err
		}
		f := ndview.AsType[float32](w) // exact: every bfloat16 is a float32
		w.Release()
		originals[p.to] = f
		if p.typ == ggml.F32 {
			tensors = append(tensors, gguf.Tensor{Name: p.to, Data: f})
			continue
		}
		n, err := ggml.RowBytes(p.typ, f.Size())
		if err != nil {
			return report{}, err
		}
		blocks := make([]byte, n)
		if err := ggml.Quantize(blocks, f.ToSlice(), p.typ); err != nil {
			return report{}, err
		}
		tensors = append(tensors, gguf.Tensor{Name: p.to, Type: p.typ, Shape: f.Shape(), Blocks: blocks})
	}
	tokens := make([]string, vocab)
	for i := range tokens {
		tokens[i] = fmt.Sprintf("<t%d>", i)
	}
	meta := []gguf.KV{
		{Key: "general.architecture", Value: "llama"},
		{Key: "general.name", Value: "ndview example"},
		{Key: "llama.embedding_length", Value: uint32(hidden)},
		{Key: "llama.block_count", Value: uint32(1)},
		{Key: "tokenizer.ggml.tokens", Value: tokens},
	}
	if err := gguf.Save(ggufPath, meta, tensors); err != nil {
		return report{}, err
	}

	// Read back, mapped: the header and tensor table only, until a tensor is asked for.
	g, err := gguf.Open(ggufPath)
	if err != nil {
		return report{}, err
	}
	defer func() { err = errors.Join(err, g.Close()) }()
	var r report
	dequantized := map[string]*ndview.View[float32]{}
	if r.arch, err = gguf.Meta[string](g, "general.architecture"); err != nil {
		return report{}, err
	}
	toks, err := gguf.Meta[[]string](g, "tokenizer.ggml.tokens")
	if err != nil {
		return report{}, err
	}
	r.vocab = len(toks)
	for _, name := range g.Names() {
		info, err := g.Info(name)
		if err != nil {
			return report{}, err
		}
		d, err := gguf.Dequantize(g, name) // a copy: it does not hold the file
		if err != nil {
			return report{}, err
		}
		dequantized[name] = d
		maxErr, rmsErr, rms := compare(d, originals[name])
		r.tensors = append(r.tensors, tensorReport{name, info.Type, info.Shape, maxErr, rmsErr, rms})
	}

	// An embedding lookup: four token ids, rows of the Q4_K table dequantized alone.
	r.ids = []int{3, 141, 592, -1}
	rows := ndview.New[float32](len(r.ids), hidden)
	if err := gguf.DequantizeRows(rows, g, "token_embd.weight", r.ids); err != nil {
		return report{}, err
	}
	want := ndview.Take(originals["token_embd.weight"], r.ids, 0)
	r.rowErr, _, _ = compare(rows, want)
	r.rowsExact = ndview.Equal(rows, ndview.Take(dequantized["token_embd.weight"], r.ids, 0))
	return r, nil
}

// compare returns the largest absolute difference between got and want, the root mean
// square of the differences, and that of want.
func compare(got, want *ndview.View[float32]) (maxErr, rmsErr, rms float64) {
	var se, sw float64
	for g, w := range ndview.Zip(got, want) {
		d := float64(g) - float64(w)
		maxErr = math.Max(maxErr, math.Abs(d))
		se += d * d
		sw += float64(w) * float64(w)
	}
	n := float64(got.Size())
	return maxErr, math.Sqrt(se / n), math.Sqrt(sw / n)
}
