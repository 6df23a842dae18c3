package gguf

import (
	"encoding/binary"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/ndview/ndview"
	"github.com/ndview/ndview/ggml"
)

// Dequantize and DequantizeRows of random blocks give, bit for bit, what ggml.Dequantize
// gives over the same bytes, in one call: small tensors, and tensors above 4 MiB of output
// that are split across goroutines.
func TestDequantizeRandomBlocks(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, typ := range []ggml.Type{ggml.F16, ggml.BF16, ggml.F32, ggml.Q8_0, ggml.Q4_K} {
		t.Run(typ.String(), func(t *testing.T) {
			for _, shape := range [][]int{{512}, {3, 512}, {2, 2, 1, 256}, {1100, 1024}} {
				rb, _ := ggml.RowBytes(typ, shape[len(shape)-1])
				rows := 1
				for _, d := range shape[:len(shape)-1] {
					rows *= d
				}
				blocks := make([]byte, rows*rb)
				for i := range blocks {
					blocks[i] = byte(rng.Uint32())
				}
				f := openT(t, save(t, nil, []Tensor{{Name: "t", Type: typ, Shape: shape, Blocks: blocks}}))
				want := make([]float32, rows*shape[len(shape)-1])
				if err := ggml.Dequantize(want, blocks, typ); err != nil {
					t.Fatalf("ggml.Dequantize: %v", err)
				}
				w, _ := ndview.FromSlice(want, shape...)
				got, err := Dequantize(f, "t")
				if err != nil {
					t.Fatalf("Dequantize of %v %v: %v", typ, shape, err)
				}
				if !sameBits(got, w) {
					t.Errorf("Dequantize of %v %v differs from ggml.Dequantize", typ, shape)
				}
				table, _ := w.Reshape(rows, -1)
				idx := []int{rows - 1, 0, rows / 2, -1}
				dst := ndview.New[float32](len(idx), shape[len(shape)-1])
				if err := DequantizeRows(dst, f, "t", idx); err != nil {
					t.Fatalf("DequantizeRows: %v", err)
				}
				if !sameBits(dst, ndview.Take(table, idx, 0)) {
					t.Errorf("DequantizeRows of %v %v differs from ggml.Dequantize", typ, shape)
				}
			}
		})
	}
}

// A Q8_0 block is d (a float16) and 32 int8 q; its values are d·q. Blocks built by hand
// with d = 0.5 and d = -2, and q = -128 ... 127 over the rows.
func TestDequantizeQ8_0ByHand(t *testing.T) {
	const rows, width = 4, 64 // two blocks a row
	var blocks []byte
	var want []float32
	q := -128
	for r := range rows {
		for b := range width / 32 {
			d := float32(0.5)
			if (r+b)%2 == 1 {
				d = -2
			}
			blocks = binary.LittleEndian.AppendUint16(blocks, uint16(ndview.ToFloat16(d)))
			for range 32 {
				blocks = append(blocks, byte(int8(q)))
				want = append(want, d*float32(q))
				q = (q+128+1)%256 - 128
			}
		}
	}
	f := openT(t, save(t, nil, []Tensor{{Name: "q", Type: ggml.Q8_0, Shape: []int{rows, width}, Blocks: blocks}}))
	got, err := Dequantize(f, "q")
	if err != nil {
		t.Fatalf("Dequantize of Q8_0: %v", err)
	}
	if !slices.Equal(got.ToSlice(), want) {
		t.Errorf("Dequantize of Q8_0 = %v, want d·q = %v", got.ToSlice()[:8], want[:8])
	}
	dst := ndview.New[float32](1, width)
	if err := DequantizeRows(dst, f, "q", []int{-2}); err != nil {
		t.Fatalf("DequantizeRows of Q8_0: %v", err)
	}
	if !slices.Equal(dst.ToSlice(), want[2*width:3*width]) {
		t.Errorf("DequantizeRows of Q8_0 row 2 = %v, want %v", dst.ToSlice()[:4], want[2*width:2*width+4])
	}
}

// The quantized tensors gguf-py wrote (random blocks) dequantize as ggml.Dequantize says.
func TestDequantizeGGUFPy(t *testing.T) {
	f := openT(t, "testdata/gguf-py/quant.gguf")
	for _, name := range []string{"q8_0", "q8_0.3d", "q4_k"} {
		info, _ := f.Info(name)
		want := make([]float32, info.Size/int64(info.Type.BlockBytes())*int64(info.Type.BlockSize()))
		if err := ggml.Dequantize(want, blocksOf(t, f, name), info.Type); err != nil {
			t.Errorf("ggml.Dequantize of %s: %v", name, err)
			continue
		}
		got, err := Dequantize(f, name)
		if err != nil {
			t.Errorf("Dequantize of %s: %v", name, err)
			continue
		}
		w, _ := ndview.FromSlice(want, info.Shape...)
		if !sameBits(got, w) {
			t.Errorf("Dequantize of %s differs from ggml.Dequantize", name)
		}
	}
}
