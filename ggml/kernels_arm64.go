//go:build arm64 && !noasm

package ggml

// vector says whether blocks dequantize on the NEON kernels (kernels_arm64.s: Q8_0, Q4_0,
// IQ4_NL, MXFP4, Q4_K, Q6_K): every arm64 CPU has NEON. Their bits are the Go kernels' (the tests run
// under qemu-aarch64 in CI); no arm64 hardware was at hand, so no speed is claimed for them.
// A variable, so that the tests can compare both paths.
var vector = true

// neonChunk is how many blocks' scales the Go side converts (exactly, as the Go kernels
// do) before a kernel call.
const neonChunk = 64

// blocksVec dequantizes Q8_0, Q4_K and Q6_K blocks with their NEON kernels; false for
// other types.
func blocksVec(t Type, dst []float32, src []byte) bool {
	if !vector {
		return false
	}
	switch t {
	case Q4_K:
		q4kVec(dst, src)
		return true
	case Q6_K:
		q6kVec(dst, src)
		return true
	case Q8_0:
		scaledBlocks(dst, src, 34, 2, f16Scale, nil)
		return true
	}
	return false
}

// q4kVec is dequantQ4_K on the NEON kernel: each block's eight scales and mins are
// worked out in Go, as dequantQ4_K works them out (d·sc and dmin·m, rounded to float32),
// the kernel computing float32(d·sc·q) - dmin·m for every element.
func q4kVec(dst []float32, src []byte) {
	var par [neonChunk * 16]float32
	n := len(dst) / 256
	for b := 0; b < n; b += neonChunk {
		m := min(neonChunk, n-b)
		blk := src[b*144 : (b+m)*144]
		for i := range m {
			x := (*[144]byte)(blk[i*144:])
			d, dmin := f16(x[0], x[1]), f16(x[2], x[3])
			s := (*[12]byte)(x[4:])
			p := (*[16]float32)(par[16*i:])
			for j := range 4 {
				sc1, m1 := scaleMinK4(2*j, s)
				sc2, m2 := scaleMinK4(2*j+1, s)
				p[4*j], p[4*j+1] = d*u8f[sc1], dmin*u8f[m1]
				p[4*j+2], p[4*j+3] = d*u8f[sc2], dmin*u8f[m2]
			}
		}
		q4kNEON(dst[b*256:(b+m)*256], blk, par[:16*m])
	}
}

// q6kVec is dequantQ6_K on the NEON kernel: each block's sixteen scales d·sc[i] are worked
// out in Go, as dequantQ6_K works them out.
func q6kVec(dst []float32, src []byte) {
	var ds [neonChunk * 16]float32
	n := len(dst) / 256
	for b := 0; b < n; b += neonChunk {
		m := min(neonChunk, n-b)
		blk := src[b*210 : (b+m)*210]
		for i := range m {
			x := (*[210]byte)(blk[i*210:])
			d := f16(x[208], x[209])
			for k := range 16 {
				ds[16*i+k] = d * i8f[x[192+k]]
			}
		}
		q6kNEON(dst[b*256:(b+m)*256], blk, ds[:16*m])
	}
}

// nibbleVec is nibbleBlocks on the NEON kernel, kv8 the levels as int8.
func nibbleVec(dst []float32, src []byte, kv8 *[16]int8) bool {
	if vector {
		scaledBlocks(dst, src, 18, 2, f16Scale, kv8)
	}
	return vector
}

// mxfp4Vec is dequantMXFP4 on the NEON kernel.
func mxfp4Vec(dst []float32, src []byte) bool {
	if vector {
		scaledBlocks(dst, src, 17, 1, e8m0Scale, &kvaluesFP4)
	}
	return vector
}

// scaledBlocks dequantizes blocks of 32 elements, bb bytes each, with one scale (read by
// scale from the block's first bytes) and quants from byte qoff: Q8_0's int8 quants when
// kv8 is nil (q8_0NEON), else 4-bit indices into kv8's levels (nibblesNEON).
func scaledBlocks(dst []float32, src []byte, bb, qoff int, scale func(b []byte) float32, kv8 *[16]int8) {
	var sc [neonChunk]float32
	n := len(dst) / 32
	for b := 0; b < n; b += neonChunk {
		m := min(neonChunk, n-b)
		blk := src[b*bb : (b+m)*bb]
		for i := range m {
			sc[i] = scale(blk[i*bb:])
		}
		if kv8 == nil {
			q8_0NEON(dst[b*32:(b+m)*32], blk[qoff:], sc[:m])
		} else {
			nibblesNEON(dst[b*32:(b+m)*32], blk[qoff:], bb, kv8, sc[:m])
		}
	}
}

func f16Scale(b []byte) float32  { return f16(b[0], b[1]) }
func e8m0Scale(b []byte) float32 { return e8m0Half(b[0]) }

// q8_0NEON sets dst[32i+j] = float32(int8(qs[34i+j]))·scales[i] for j < 32 and i <
// len(scales): Q8_0's quants, each block's scale already converted. len(dst) >=
// 32·len(scales), len(qs) >= 34·len(scales)-2.
//
//go:noescape
func q8_0NEON(dst []float32, qs []byte, scales []float32)

// nibblesNEON sets dst[32i+j] = float32(kv8[qs[stride·i+j]&15])·scales[i] and
// dst[32i+j+16] = float32(kv8[qs[stride·i+j]>>4])·scales[i] for j < 16 and i <
// len(scales): the 4-bit blocks of Q4_0, IQ4_NL and MXFP4. len(dst) >= 32·len(scales),
// len(qs) >= stride·(len(scales)-1)+16.
//
//go:noescape
func nibblesNEON(dst []float32, qs []byte, stride int, kv8 *[16]int8, scales []float32)

// q4kNEON dequantizes the len(params)/16 Q4_K blocks of src (144 bytes each) into dst:
// element 64j+l (l < 32) of block i is float32(p[4j]·(qs[32j+l]&15)) - p[4j+1], element
// 64j+32+l float32(p[4j+2]·(qs[32j+l]>>4)) - p[4j+3], p = params[16i:], qs the block's
// quants (from its byte 16).
//
//go:noescape
func q4kNEON(dst []float32, src []byte, params []float32)

// q6kNEON dequantizes the len(ds)/16 Q6_K blocks of src (210 bytes each) into dst, as
// dequantQ6_K does with ds[16i:16i+16] as block i's d·sc.
//
//go:noescape
func q6kNEON(dst []float32, src []byte, ds []float32)
