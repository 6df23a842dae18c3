package ndview

import (
	"math"
	"sync"

	"github.com/ndview/ndview/internal/dtypes"
	"golang.org/x/exp/constraints"
)

// This file holds Convert's kernels: one typed loop per pair of element representations,
// chosen once per call, never a function call per element.

// convFn converts n elements from src (stride ss bytes) to dst (stride ds bytes).
type convFn func(dst, src mem, n, ds, ss int)

// realNum is the set of real element representations the conversion table is built over.
type realNum interface {
	constraints.Integer | constraints.Float
}

// repr is an element representation: what the bytes of an element mean.
type repr uint8

const (
	rInt8 repr = iota
	rInt16
	rInt32
	rInt64
	rUint8
	rUint16
	rUint32
	rUint64
	rFloat32
	rFloat64
	nReal // the real representations above index the table
	rComplex64
	rComplex128
	rNarrow // rNarrow + (class - dtypes.Float16): the narrow floats, Float16 first
)

// isNarrow reports whether r is a narrow float representation.
func isNarrow(r repr) bool { return r >= rNarrow }

// narrowCodecOf returns the codec of a narrow float representation.
func narrowCodecOf(r repr) *narrowCodec { return narrowOf(dtypes.Float16 + dtypes.Class(r-rNarrow)) }

// reprOf returns T's representation, deciding narrow floats by T's dtype class (only
// Float16, BFloat16 and the float8 types themselves are narrow floats).
func reprOf[T Elem]() repr {
	size, _ := itemInfo[T]()
	c := elemKind[T]()
	if c.IsNarrow() {
		return rNarrow + repr(c-dtypes.Float16)
	}
	switch c {
	case dtypes.Int:
		return [...]repr{1: rInt8, 2: rInt16, 4: rInt32, 8: rInt64}[size]
	case dtypes.Uint:
		return [...]repr{1: rUint8, 2: rUint16, 4: rUint32, 8: rUint64}[size]
	case dtypes.Float:
		if size == 4 {
			return rFloat32
		}
		return rFloat64
	}
	if size == 8 {
		return rComplex64
	}
	return rComplex128
}

// convRow returns the conversions into T from every real representation.
func convRow[T realNum]() [nReal]convFn {
	return [nReal]convFn{
		convRun[T, int8], convRun[T, int16], convRun[T, int32], convRun[T, int64],
		convRun[T, uint8], convRun[T, uint16], convRun[T, uint32], convRun[T, uint64],
		convRun[T, float32], convRun[T, float64],
	}
}

// realConv[d][s] converts representation s to d.
var realConv = [nReal][nReal]convFn{
	convRow[int8](), convRow[int16](), convRow[int32](), convRow[int64](),
	convRow[uint8](), convRow[uint16](), convRow[uint32](), convRow[uint64](),
	convRow[float32](), convRow[float64](),
}

// fastConv is realConv with the vector kernels (kernels_amd64.go, kernels_arm64.go) in front
// where there are some: contiguous runs go to them, their last few elements and strided runs
// to realConv.
var fastConv = func() (t [nReal][nReal]convFn) {
	for dr := range nReal {
		for sr := range nReal {
			t[dr][sr] = realConv[dr][sr]
			vk := vecConverter(dr, sr)
			if vk == nil {
				continue
			}
			goConv, dsz, ssz := realConv[dr][sr], reprSize(dr), reprSize(sr)
			t[dr][sr] = func(dst, src mem, n, ds, ss int) {
				k := 0
				if ds == dsz && ss == ssz {
					k = vk(dst, src, n)
				}
				if k < n {
					goConv(dst.add(k*ds), src.add(k*ss), n-k, ds, ss)
				}
			}
		}
	}
	return t
}()

// isFloat reports whether T is a floating-point type (constant after instantiation).
func isFloat[T realNum]() bool {
	var x T = 1
	x /= 2
	return x != 0
}

// intLimits returns T's smallest and largest values, and the bounds beyond which a float
// saturates to them: lo and hi, powers of two exactly representable as float64.
func intLimits[T realNum]() (tmin, tmax T, lo, hi float64) {
	bits := 8 * sizeOf[T]()
	var m1 T
	m1-- // -1 if signed, the maximum if unsigned
	if m1 < 0 {
		tmax = T(uint64(1)<<(bits-1) - 1)
		tmin = -tmax - 1
		return tmin, tmax, -math.Ldexp(1, bits-1), math.Ldexp(1, bits-1)
	}
	return 0, m1, 0, math.Ldexp(1, bits)
}

// convRun converts a run of U to T with Go's conversion, except that a float to an integer
// saturates and NaN gives 0 (Go leaves those implementation-defined).
func convRun[T, U realNum](dst, src mem, n, ds, ss int) {
	tsz, usz := sizeOf[T](), sizeOf[U]()
	if isFloat[U]() && !isFloat[T]() {
		tmin, tmax, lo, hi := intLimits[T]()
		cv := func(x U) T {
			f := float64(x)
			switch {
			case f >= hi:
				return tmax
			case f > lo:
				return T(x)
			case f == f:
				return tmin
			}
			return 0
		}
		if ds == tsz && ss == usz {
			d, s := runSlice[T](dst, 0, n), runSlice[U](src, 0, n)
			for i, x := range s {
				d[i] = cv(x)
			}
			return
		}
		for i := range n {
			*at[T](dst, i*ds) = cv(*at[U](src, i*ss))
		}
		return
	}
	if ds == tsz && ss == usz {
		d, s := runSlice[T](dst, 0, n), runSlice[U](src, 0, n)
		// Four at a time: the loop's overhead, and how its few instructions fall on the
		// CPU's fetch boundaries, no longer decide its speed.
		d = d[:len(s)]
		i := 0
		for ; i+4 <= len(s); i += 4 {
			a, b := s[i:i+4:i+4], d[i:i+4:i+4]
			b[0], b[1], b[2], b[3] = T(a[0]), T(a[1]), T(a[2]), T(a[3])
		}
		for ; i < len(s); i++ {
			d[i] = T(s[i])
		}
		return
	}
	for i := range n {
		*at[T](dst, i*ds) = T(*at[U](src, i*ss))
	}
}

// partOf returns the representation of one part of a complex representation.
func partOf(r repr) repr {
	if r == rComplex64 {
		return rFloat32
	}
	return rFloat64
}

// converter returns the kernel converting U to T.
func converter[T, U Elem]() convFn {
	dr, sr := reprOf[T](), reprOf[U]()
	return converterOf(dr, sr)
}

func converterOf(dr, sr repr) convFn {
	dc, sc := dr == rComplex64 || dr == rComplex128, sr == rComplex64 || sr == rComplex128
	switch {
	case dr < nReal && sr < nReal:
		return fastConv[dr][sr]
	case dc && sc:
		re := converterOf(partOf(dr), partOf(sr))
		dh, sh := halfSize(dr), halfSize(sr)
		return func(dst, src mem, n, ds, ss int) {
			re(dst, src, n, ds, ss)
			re(dst.add(dh), src.add(sh), n, ds, ss)
		}
	case dc:
		re := converterOf(partOf(dr), sr)
		dh := halfSize(dr)
		return func(dst, src mem, n, ds, ss int) {
			re(dst, src, n, ds, ss)
			zeroParts(dst.add(dh), n, ds, dh)
		}
	case sc:
		return converterOf(dr, partOf(sr)) // the real part is the first half
	}
	return narrowConverter(dr, sr)
}

// reprSize returns the size in bytes of an element of the real representation r.
func reprSize(r repr) int {
	return [nReal]int{1, 2, 4, 8, 1, 2, 4, 8, 4, 8}[r]
}

// halfSize returns the size of one part of a complex representation.
func halfSize(r repr) int {
	if r == rComplex64 {
		return 4
	}
	return 8
}

// zeroParts zeroes n parts of size sz at stride ds.
func zeroParts(p mem, n, ds, sz int) {
	for i := range n {
		if sz == 4 {
			*at[float32](p, i*ds) = 0
		} else {
			*at[float64](p, i*ds) = 0
		}
	}
}

// convChunk is how many elements the narrow float conversions stage at a time.
const convChunk = 256

// narrowConverter returns the kernels that involve a narrow float representation (and no
// complex one, which converterOf has reduced to its parts). Narrow values widen exactly to
// float32 and convert on from there; values narrow from float64 (exact for every float32 and
// every integer up to 2**53), rounding once, and from another narrow type through float32
// (exact), rounding once.
func narrowConverter(dr, sr repr) convFn {
	if dr == sr {
		if narrowCodecOf(dr).size == 1 {
			return realConv[rUint8][rUint8] // the same bits
		}
		return realConv[rUint16][rUint16]
	}
	if isNarrow(sr) {
		widen := widener(narrowCodecOf(sr))
		if isNarrow(dr) {
			dn := narrowCodecOf(dr)
			vk := narrowVec(dr, rFloat32) // the rounding from float32 on the vector kernel
			return func(dst, src mem, n, ds, ss int) {
				var buf [convChunk]float32
				for i := 0; i < n; i += convChunk {
					m := min(convChunk, n-i)
					widen(buf[:m], src.add(i*ss), ss)
					k := 0
					if vk != nil && ds == dn.size {
						k = vk(dst.add(i*ds), memOf(buf[:]), m)
					}
					if k < m { // never a pointer past the run's end (checkptr)
						dn.fromF32s(dst.add((i+k)*ds), ds, buf[k:m])
					}
				}
			}
		}
		next := fastConv[dr][rFloat32]
		general := func(dst, src mem, n, ds, ss int) {
			if dr == rFloat32 && ds == 4 {
				widen(runSlice[float32](dst, 0, n), src, ss) // straight into dst
				return
			}
			var buf [convChunk]float32
			for i := 0; i < n; i += convChunk {
				m := min(convChunk, n-i)
				widen(buf[:m], src.add(i*ss), ss)
				next(dst.add(i*ds), memOf(buf[:]), m, ds, 4)
				if dr == rFloat64 {
					// float64(f) quiets a signalling NaN; the narrow types' Float64 keeps
					// every NaN's bits, as NumPy's casts do.
					for k, f := range buf[:m] {
						if f != f {
							*at[float64](dst, (i+k)*ds) = nanToFloat64(f)
						}
					}
				}
			}
		}
		if wk := wideVec(sr); wk != nil && dr == rFloat64 {
			// Contiguous runs straight to float64 on the vector kernel (kernels_amd64.go),
			// the same bits; their last few elements and strided runs as above.
			return func(dst, src mem, n, ds, ss int) {
				k := 0
				if ds == 8 && ss == 2 {
					k = wk(dst, src, n)
				}
				if k < n {
					general(dst.add(k*ds), src.add(k*ss), n-k, ds, ss)
				}
			}
		}
		return general
	}
	dn := narrowCodecOf(dr)
	widen := fastConv[rFloat64][sr]
	narrow := func(dst, src mem, n, ds, ss int) {
		var buf [convChunk]float64
		for i := 0; i < n; i += convChunk {
			m := min(convChunk, n-i)
			widen(memOf(buf[:]), src.add(i*ss), m, 8, ss)
			dn.fromF64s(dst.add(i*ds), ds, buf[:m])
		}
	}
	if sr == rFloat32 {
		// float32 rounds once straight to the narrow type: no float64 in between.
		narrow = func(dst, src mem, n, ds, ss int) {
			var buf [convChunk]float32
			for i := 0; i < n; i += convChunk {
				m := min(convChunk, n-i)
				s := buf[:m]
				if ss == 4 {
					s = runSlice[float32](src, i*ss, m)
				} else {
					for k := range s {
						s[k] = *at[float32](src, (i+k)*ss)
					}
				}
				dn.fromF32s(dst.add(i*ds), ds, s)
			}
		}
	}
	if vk := narrowVec(dr, sr); vk != nil {
		// Contiguous runs from float32 or float64 on the vector kernel (kernels_amd64.go,
		// kernels_half_arm64.go), the same bits; their last few elements and strided runs as
		// above.
		ssz := reprSize(sr)
		return func(dst, src mem, n, ds, ss int) {
			k := 0
			if ds == dn.size && ss == ssz {
				k = vk(dst, src, n)
			}
			if k < n {
				narrow(dst.add(k*ds), src.add(k*ss), n-k, ds, ss)
			}
		}
	}
	return narrow
}

// widener returns the kernel that widens len(buf) narrow values of codec n, stride ss bytes
// from src, to float32: through a table of every pattern for Float16 and the float8 types
// (a lookup is cheaper than decoding, whose subnormal and NaN cases branch), by the shift
// that is its decoding for BFloat16.
func widener(n *narrowCodec) func(buf []float32, src mem, ss int) {
	if n.size == 1 {
		t := n.table
		return func(buf []float32, src mem, ss int) {
			for k := range buf {
				buf[k] = t[*at[uint8](src, k*ss)]
			}
		}
	}
	if n == narrowOf(dtypes.Float16) {
		t := float16Table()
		return func(buf []float32, src mem, ss int) {
			k := 0
			if ss == 2 && len(buf) >= 8 {
				// A contiguous run: eight at a time with the CPU's conversion where it has
				// one (kernels_amd64.go, kernels_half_arm64.go), the same bits as the table's.
				k = widenF16Vec(buf, runSlice[uint16](src, 0, len(buf)))
			}
			for ; k < len(buf); k++ {
				buf[k] = t[*at[uint16](src, k*ss)]
			}
		}
	}
	if n == narrowOf(dtypes.BFloat16) {
		// The top half of a float32: a shift, eight at a time on the vector kernel.
		return func(buf []float32, src mem, ss int) {
			k := 0
			if ss == 2 {
				k = widenBF16Vec(buf, runSlice[uint16](src, 0, len(buf)))
			}
			for ; k < len(buf); k++ {
				buf[k] = BFloat16(*at[uint16](src, k*ss)).Float32()
			}
		}
	}
	return func(buf []float32, src mem, ss int) {
		for k := range buf {
			buf[k] = n.toF32(*at[uint16](src, k*ss))
		}
	}
}

// float16Table returns the float32 value of every Float16 bit pattern (256 KiB, made on first
// use): a lookup is cheaper than decoding, whose subnormal and NaN cases branch.
var float16Table = sync.OnceValue(func() *[1 << 16]float32 {
	t := new([1 << 16]float32)
	for h := range t {
		t[h] = Float16(h).Float32()
	}
	return t
})
