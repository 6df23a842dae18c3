package gguf_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/ndview/ndview"
	"github.com/ndview/ndview/ggml"
	"github.com/ndview/ndview/gguf"
)

// Save a small model and open it: metadata by its stored type, a plain tensor viewed in
// place, a quantized one gathered row by row.
func Example() {
	dir, err := os.MkdirTemp("", "gguf-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "tiny.gguf")

	emb, _ := ndview.FromSlice([]float32{0, 1, 2, 3, 4, 5}, 3, 2) // 3 tokens of 2 values
	q8 := make([]byte, 34)                                        // one Q8_0 block: d, then 32 int8
	q8[1] = 0x38                                                  // d = 0.5 as float16
	for i := range 32 {
		q8[2+i] = byte(i)
	}
	err = gguf.Save(path, []gguf.KV{
		{Key: "general.architecture", Value: "tiny"},
		{Key: "tiny.embedding_length", Value: uint32(2)},
		{Key: "tokenizer.ggml.tokens", Value: []string{"<s>", "hi", "there"}},
	}, []gguf.Tensor{
		{Name: "token_embd.weight", Data: emb},
		{Name: "output.weight", Type: ggml.Q8_0, Shape: []int{1, 32}, Blocks: q8},
	})
	if err != nil {
		log.Fatal(err)
	}

	f, err := gguf.Open(path)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	arch, _ := gguf.Meta[string](f, "general.architecture")
	n, _ := gguf.Meta[uint32](f, "tiny.embedding_length")
	tokens, _ := gguf.Meta[[]string](f, "tokenizer.ggml.tokens")
	fmt.Println(arch, n, tokens)
	_, err = gguf.Meta[int32](f, "tiny.embedding_length")
	fmt.Println(err)

	for _, name := range f.Names() {
		info, _ := f.Info(name)
		fmt.Println(name, info.Type, info.Shape, info.Size)
	}
	w, _ := gguf.View[float32](f, "token_embd.weight") // in place, read-only
	fmt.Println(w.Index(0, 2))
	w.Release()
	b, _ := gguf.Blocks(f, "output.weight")
	fmt.Println(b.Shape())
	b.Release()
	// Output:
	// tiny 2 [<s> hi there]
	// ndview: gguf.Meta: key "tiny.embedding_length" holds a uint32, not int32; use gguf.Meta[uint32]
	// token_embd.weight F32 [3 2] 24
	// output.weight Q8_0 [1 32] 34
	// [4 5]
	// [1 34]
}

// DequantizeRows is an embedding lookup: rows of any type as float32.
func ExampleDequantizeRows() {
	dir, _ := os.MkdirTemp("", "gguf-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "emb.gguf")
	h := ndview.New[ndview.Float16](4, 3)
	for i := range 4 {
		for j := range 3 {
			h.Set2(ndview.ToFloat16(float32(10*i+j)), i, j)
		}
	}
	if err := gguf.Save(path, nil, []gguf.Tensor{{Name: "emb", Data: h}}); err != nil {
		log.Fatal(err)
	}
	f, err := gguf.Open(path)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	rows := ndview.New[float32](3, 3)
	if err := gguf.DequantizeRows(rows, f, "emb", []int{2, 0, -1}); err != nil {
		log.Fatal(err)
	}
	fmt.Println(rows)
	// Output:
	// [[20 21 22]
	//  [ 0  1  2]
	//  [30 31 32]]
}
