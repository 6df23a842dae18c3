//go:build arm64 && !noasm

package ggml

// vector says whether blocks dequantize on the NEON kernels (kernels_arm64.s: Q8_0, Q4_0,
// IQ4_NL, MXFP4, Q2_K-Q6_K): every arm64 CPU has NEON. Their bits are the Go kernels' (the tests run
// under qemu-aarch64 in CI); no arm64 hardware was at hand, so no speed is claimed for them.
// A variable, so that the tests can compare both paths.
var vector = true

// neonChunk is how many blocks' scales the Go side converts (exactly, as the Go kernels
// do) before a kernel call.
const neonChunk = 64

// blocksVec dequantizes Q8_0 and Q2_K-Q6_K blocks with their NEON kernels; false for
// other types.
func blocksVec(t Type, dst []float32, src []byte) bool {
	if !vector {
		return false
	}
	switch t {
	case Q2_K:
		q2kVec(dst, src)
		return true
	case Q3_K:
		q3kVec(dst, src)
		return true
	case Q4_K:
		kPairsVec(dst, src, 144, 4, q4kNEON)
		return true
	case Q5_K:
		kPairsVec(dst, src, 176, 4, q5kNEON)
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

// kPairsVec is dequantQ4_K or dequantQ5_K (blocks of bb bytes, scales from byte so) on
// its NEON kernel: each block's eight scales and mins are worked out in Go, as the Go
// kernels work them out (d·sc and dmin·m, rounded to float32), the kernel computing
// float32(d·sc·q) - dmin·m for every element.
func kPairsVec(dst []float32, src []byte, bb, so int, kernel func(dst []float32, src []byte, params []float32)) {
	var par [neonChunk * 16]float32
	n := len(dst) / 256
	for b := 0; b < n; b += neonChunk {
		m := min(neonChunk, n-b)
		blk := src[b*bb : (b+m)*bb]
		for i := range m {
			x := blk[i*bb:]
			d, dmin := f16(x[0], x[1]), f16(x[2], x[3])
			s := (*[12]byte)(x[so:])
			p := (*[16]float32)(par[16*i:])
			for j := range 4 {
				sc1, m1 := scaleMinK4(2*j, s)
				sc2, m2 := scaleMinK4(2*j+1, s)
				p[4*j], p[4*j+1] = d*u8f[sc1], dmin*u8f[m1]
				p[4*j+2], p[4*j+3] = d*u8f[sc2], dmin*u8f[m2]
			}
		}
		kernel(dst[b*256:(b+m)*256], blk, par[:16*m])
	}
}

// q2kVec is dequantQ2_K on the NEON kernel: each block's sixteen scales and mins
// (d·sc, dmin·m) are worked out in Go as dequantQ2_K works them out, in the order the
// kernel reads them: for each group (n, h), sub-blocks 8n+h+{0, 2, 4, 6}.
func q2kVec(dst []float32, src []byte) {
	var par [neonChunk * 32]float32
	n := len(dst) / 256
	for b := 0; b < n; b += neonChunk {
		m := min(neonChunk, n-b)
		blk := src[b*84 : (b+m)*84]
		for i := range m {
			x := (*[84]byte)(blk[i*84:])
			d, dmin := f16(x[80], x[81]), f16(x[82], x[83])
			p := par[32*i:]
			for g := range 4 {
				for k := range 4 {
					sb := x[8*(g>>1)+g&1+2*k]
					p[8*g+2*k], p[8*g+2*k+1] = d*u8f[sb&15], dmin*u8f[sb>>4]
				}
			}
		}
		q2kNEON(dst[b*256:(b+m)*256], blk, par[:32*m])
	}
}

// q3kVec is dequantQ3_K on the NEON kernel: each block's sixteen scales d·(sc-32) are
// worked out in Go, as dequantQ3_K works them out.
func q3kVec(dst []float32, src []byte) {
	var ds [neonChunk * 16]float32
	n := len(dst) / 256
	for b := 0; b < n; b += neonChunk {
		m := min(neonChunk, n-b)
		blk := src[b*110 : (b+m)*110]
		for i := range m {
			x := (*[110]byte)(blk[i*110:])
			d := f16(x[108], x[109])
			for k, s := range q3Scales((*[12]byte)(x[96:])) {
				ds[16*i+k] = d * float32(s-32)
			}
		}
		q3kNEON(dst[b*256:(b+m)*256], blk, ds[:16*m])
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

// q5kNEON is q4kNEON for Q5_K's blocks (176 bytes: the fifth bits from qh, byte 16 on,
// the quants from byte 48).
//
//go:noescape
func q5kNEON(dst []float32, src []byte, params []float32)

// q2kNEON dequantizes the len(params)/32 Q2_K blocks of src (84 bytes each) into dst, as
// dequantQ2_K does with params[32i:] as block i's (d·sc, dmin·m) pairs in q2kVec's order.
//
//go:noescape
func q2kNEON(dst []float32, src []byte, params []float32)

// q3kNEON dequantizes the len(ds)/16 Q3_K blocks of src (110 bytes each) into dst, as
// dequantQ3_K does with ds[16i:16i+16] as block i's d·(sc-32).
//
//go:noescape
func q3kNEON(dst []float32, src []byte, ds []float32)

// q6kNEON dequantizes the len(ds)/16 Q6_K blocks of src (210 bytes each) into dst, as
// dequantQ6_K does with ds[16i:16i+16] as block i's d·sc.
//
//go:noescape
func q6kNEON(dst []float32, src []byte, ds []float32)
