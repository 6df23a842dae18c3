//go:build (amd64 || arm64) && !noasm

package ggml

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"testing"
)

// TestVectorKernelsMatchGo dequantizes random blocks of each type with a vector kernel on
// and off and compares the bits: every scale class (zero, subnormal, normal, ±inf, quiet
// and signalling NaNs with payloads; for MXFP4 every E8M0 byte) and every quant pattern.
func TestVectorKernelsMatchGo(t *testing.T) {
	if !vector {
		t.Skip("no ggml vector kernels here: the CPU lacks AVX2 or F16C") // (arm64: always NEON)
	}
	r := rand.New(rand.NewPCG(41, 42))
	scales := []uint16{0x0000, 0x8000, 0x0001, 0x83ff, 0x3c00, 0xb555, 0x7bff, 0x7c00, 0xfc00, 0x7c01, 0xfd55, 0x7e00, 0xffff}
	for _, tc := range []struct {
		typ    Type
		block  int
		fn     dequantizer
		scales []int // byte offsets of the Float16 scales in a block
	}{
		{Q8_0, 34, dequantQ8_0, []int{0}}, {Q4_0, 18, dequantQ4_0, []int{0}}, {IQ4_NL, 18, dequantIQ4_NL, []int{0}},
		{MXFP4, 17, dequantMXFP4, nil}, {Q4_K, 144, dequantQ4_K, []int{0, 2}}, {Q5_K, 176, dequantQ5_K, []int{0, 2}},
		{Q6_K, 210, dequantQ6_K, []int{208}}, {Q2_K, 84, dequantQ2_K, []int{80, 82}},
		{Q3_K, 110, dequantQ3_K, []int{108}},
	} {
		const blocks = 300
		bs := tc.typ.BlockSize()
		src := make([]byte, blocks*tc.block)
		for i := range src {
			src[i] = byte(r.Uint32())
		}
		for b := range blocks {
			if tc.typ == MXFP4 {
				src[b*tc.block] = byte(b) // every E8M0 byte, 0 and 255 included
			}
			for k, o := range tc.scales {
				if (b+k)%2 == 0 {
					binary.LittleEndian.PutUint16(src[b*tc.block+o:], scales[(b/2+k)%len(scales)])
				}
			}
		}
		for _, n := range []int{0, 1, 7, blocks} { // block counts, and the whole
			want := make([]float32, n*bs)
			got := make([]float32, n*bs)
			vector = false
			tc.fn(want, src[:n*tc.block])
			vector = true
			tc.fn(got, src[:n*tc.block])
			for i := range want {
				if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
					b := i / bs * tc.block
					t.Fatalf("%v: element %d (block bytes % x): %#08x, want %#08x", tc.typ, i, src[b:b+4], math.Float32bits(got[i]), math.Float32bits(want[i]))
				}
			}
		}
		// The vector path allocates nothing: its scratch stays on the stack (a kernel called
		// through a func value would move it to the heap).
		got := make([]float32, blocks*bs)
		if a := testing.AllocsPerRun(10, func() { tc.fn(got, src) }); a != 0 {
			t.Errorf("%v: %v allocations a call on the vector path", tc.typ, a)
		}
	}
}
