package main

import (
	"slices"
	"testing"

	"github.com/ndview/ndview/ggml"
)

func TestGGUF(t *testing.T) {
	r, err := run(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if r.arch != "llama" || r.vocab != vocab {
		t.Errorf("metadata: architecture %q, %d tokens", r.arch, r.vocab)
	}
	want := map[string]struct {
		typ ggml.Type
		// The error each type is known for, relative to the tensor's rms: Q8_0 keeps 8 bits
		// per element, Q4_K about 4.5; F32 holds bfloat16 values exactly.
		rel float64
	}{
		"token_embd.weight":   {ggml.Q4_K, 0.15},
		"blk.0.ffn_up.weight": {ggml.Q8_0, 0.01},
		"output_norm.weight":  {ggml.F32, 0},
	}
	if len(r.tensors) != len(want) {
		t.Fatalf("%d tensors, want %d", len(r.tensors), len(want))
	}
	for _, tr := range r.tensors {
		w, ok := want[tr.name]
		if !ok || tr.typ != w.typ {
			t.Errorf("%s: type %v", tr.name, tr.typ)
			continue
		}
		if tr.rmsErr > w.rel*tr.rms || (w.rel == 0 && tr.maxErr != 0) {
			t.Errorf("%s (%v): rms error %g of rms %g, want at most %g of it", tr.name, tr.typ, tr.rmsErr, tr.rms, w.rel)
		}
		if w.rel > 0 && tr.rmsErr == 0 {
			t.Errorf("%s (%v): no quantization error at all", tr.name, tr.typ)
		}
	}
	if !r.rowsExact {
		t.Errorf("DequantizeRows gave other values than the rows of the dequantized table")
	}
	if tr := r.tensors[slices.IndexFunc(r.tensors, func(x tensorReport) bool { return x.name == "token_embd.weight" })]; r.rowErr > tr.maxErr {
		t.Errorf("rows looked up: max error %g, above the whole table's %g", r.rowErr, tr.maxErr)
	}
}
