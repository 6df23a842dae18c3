//go:build arm64 && !noasm

package ggml

// vector says whether blocks dequantize on the NEON kernels (kernels_arm64.s: Q8_0, Q4_0,
// IQ4_NL, MXFP4): every arm64 CPU has NEON. Their bits are the Go kernels' (the tests run
// under qemu-aarch64 in CI); no arm64 hardware was at hand, so no speed is claimed for them.
// A variable, so that the tests can compare both paths.
var vector = true

// neonChunk is how many blocks' scales the Go side converts (exactly, as the Go kernels
// do) before a kernel call.
const neonChunk = 64

// blocksVec dequantizes Q8_0 blocks with the NEON kernel; false for other types.
func blocksVec(t Type, dst []float32, src []byte) bool {
	if t != Q8_0 || !vector {
		return false
	}
	var sc [neonChunk]float32
	n := len(dst) / 32
	for b := 0; b < n; b += neonChunk {
		m := min(neonChunk, n-b)
		blk := src[b*34 : (b+m)*34]
		for i := range m {
			sc[i] = f16(blk[i*34], blk[i*34+1])
		}
		q8_0NEON(dst[b*32:(b+m)*32], blk[2:], sc[:m])
	}
	return true
}

// nibbleVec is nibbleBlocks on the NEON kernel, kv8 the levels as int8.
func nibbleVec(dst []float32, src []byte, kv8 *[16]int8) bool {
	if !vector {
		return false
	}
	var sc [neonChunk]float32
	n := len(dst) / 32
	for b := 0; b < n; b += neonChunk {
		m := min(neonChunk, n-b)
		blk := src[b*18 : (b+m)*18]
		for i := range m {
			sc[i] = f16(blk[i*18], blk[i*18+1])
		}
		nibblesNEON(dst[b*32:(b+m)*32], blk[2:], 18, kv8, sc[:m])
	}
	return true
}

// mxfp4Vec is dequantMXFP4 on the NEON kernel.
func mxfp4Vec(dst []float32, src []byte) bool {
	if !vector {
		return false
	}
	var sc [neonChunk]float32
	n := len(dst) / 32
	for b := 0; b < n; b += neonChunk {
		m := min(neonChunk, n-b)
		blk := src[b*17 : (b+m)*17]
		for i := range m {
			sc[i] = e8m0Half(blk[i*17])
		}
		nibblesNEON(dst[b*32:(b+m)*32], blk[1:], 17, &kvaluesFP4, sc[:m])
	}
	return true
}

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
