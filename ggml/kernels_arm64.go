//go:build arm64 && !noasm

package ggml

// vector says whether blocks dequantize on the NEON kernels (kernels_arm64.s: Q8_0, Q4_0,
// IQ4_NL, MXFP4, Q2_K-Q6_K): every arm64 CPU has NEON. Their bits are the Go kernels' (the
// tests run under qemu-aarch64 in CI); no arm64 hardware was at hand, so no speed is claimed
// for them. A variable, so that the tests can compare both paths.
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
	case Q2_K, Q3_K, Q4_K, Q5_K, Q6_K:
		kBlocks(t, dst, src)
		return true
	case Q8_0:
		scaledBlocks(dst, src, 34, 2, false, nil)
		return true
	}
	return false
}

// kBlocks dequantizes K-quant blocks of type t on their NEON kernel, neonChunk blocks a
// call, each block's parameters worked out first by kParams. (The kernels are called
// directly: through a func value, par would move to the heap on every call.)
func kBlocks(t Type, dst []float32, src []byte) {
	var par [neonChunk * 32]float32
	bb, per := t.BlockBytes(), 16
	if t == Q2_K {
		per = 32
	}
	n := len(dst) / 256
	for b := 0; b < n; b += neonChunk {
		m := min(neonChunk, n-b)
		blk := src[b*bb : (b+m)*bb]
		for i := range m {
			kParams(t, blk[i*bb:(i+1)*bb], par[per*i:per*(i+1)])
		}
		d, p := dst[b*256:(b+m)*256], par[:per*m]
		switch t {
		case Q2_K:
			q2kNEON(d, blk, p)
		case Q3_K:
			q3kNEON(d, blk, p)
		case Q4_K:
			q4kNEON(d, blk, p)
		case Q5_K:
			q5kNEON(d, blk, p)
		case Q6_K:
			q6kNEON(d, blk, p)
		}
	}
}

// kParams writes block x's parameters, in the order its kernel reads them, worked out as
// the Go kernels work them out (each product rounded to float32 on its own):
//   - Q2_K: (d·sc, dmin·m) for each group (n, h), sub-blocks 8n+h+{0, 2, 4, 6};
//   - Q3_K: d·(sc-32) for each of the sixteen sub-blocks;
//   - Q4_K, Q5_K: (d·sc, dmin·m) for sub-blocks 0 to 7;
//   - Q6_K: d·sc for each of the sixteen sub-blocks.
func kParams(t Type, x []byte, p []float32) {
	switch t {
	case Q2_K:
		d, dmin := f16(x[80], x[81]), f16(x[82], x[83])
		for g := range 4 {
			for k := range 4 {
				sb := x[8*(g>>1)+g&1+2*k]
				p[8*g+2*k], p[8*g+2*k+1] = d*u8f[sb&15], dmin*u8f[sb>>4]
			}
		}
	case Q3_K:
		d := f16(x[108], x[109])
		for k, s := range q3Scales((*[12]byte)(x[96:])) {
			p[k] = d * float32(s-32)
		}
	case Q4_K, Q5_K:
		d, dmin := f16(x[0], x[1]), f16(x[2], x[3])
		s := (*[12]byte)(x[4:])
		for j := range 8 {
			sc, m := scaleMinK4(j, s)
			p[2*j], p[2*j+1] = d*u8f[sc], dmin*u8f[m]
		}
	case Q6_K:
		d := f16(x[208], x[209])
		for k := range 16 {
			p[k] = d * i8f[x[192+k]]
		}
	}
}

// nibbleVec is nibbleBlocks on the NEON kernel, kv8 the levels as int8.
func nibbleVec(dst []float32, src []byte, kv8 *[16]int8) bool {
	if vector {
		scaledBlocks(dst, src, 18, 2, false, kv8)
	}
	return vector
}

// mxfp4Vec is dequantMXFP4 on the NEON kernel.
func mxfp4Vec(dst []float32, src []byte) bool {
	if vector {
		scaledBlocks(dst, src, 17, 1, true, &kvaluesFP4)
	}
	return vector
}

// scaledBlocks dequantizes blocks of 32 elements, bb bytes each, with one scale (the
// block's first two bytes as Float16, or with e8m0 its first byte as MXFP4's E8M0 half)
// and quants from byte qoff: Q8_0's int8 quants when
// kv8 is nil (q8_0NEON), else 4-bit indices into kv8's levels (nibblesNEON).
func scaledBlocks(dst []float32, src []byte, bb, qoff int, e8m0 bool, kv8 *[16]int8) {
	var sc [neonChunk]float32
	n := len(dst) / 32
	for b := 0; b < n; b += neonChunk {
		m := min(neonChunk, n-b)
		blk := src[b*bb : (b+m)*bb]
		for i := range m {
			if x := blk[i*bb:]; e8m0 {
				sc[i] = e8m0Half(x[0])
			} else {
				sc[i] = f16(x[0], x[1])
			}
		}
		if kv8 == nil {
			q8_0NEON(dst[b*32:(b+m)*32], blk[qoff:], sc[:m])
		} else {
			nibblesNEON(dst[b*32:(b+m)*32], blk[qoff:], bb, kv8, sc[:m])
		}
	}
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
