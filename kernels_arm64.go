//go:build arm64 && !noasm

package ndview

// sumVector says whether the pairwise sum's blocks run on sumBlockF64NEON and
// sumBlockF32NEON (kernels_arm64.s): every arm64 CPU has NEON (Advanced SIMD is part of
// ARMv8-A).
const sumVector = true

// pairwiseBlockVec is pairwise's block case (8 <= len(a) <= pwBlock) for float64 and float32
// with the NEON kernels, the same bits as the scalar loop (where two quiet NaNs meet, the
// left operand's, the CPU's rule; Go's compiled loop may keep either); ok is false for other
// element types.
//
// It calls its kernels directly, as kernels_amd64.go's does: through func values (a shared
// wrapper) Sum of 4M float64 ran about 5% slower, one indirect call per block of 128.
func pairwiseBlockVec[T Elem](a []T) (res T, ok bool) {
	switch s := any(a).(type) {
	case []float64:
		r := sumBlockF64NEON(s)
		for _, x := range s[len(s)&^7:] {
			r += x
		}
		return any(r).(T), true
	case []float32:
		r := sumBlockF32NEON(s)
		for _, x := range s[len(s)&^7:] {
			r += x
		}
		return any(r).(T), true
	}
	return res, false
}

//go:noescape
func sumBlockF64NEON(a []float64) float64

//go:noescape
func sumBlockF32NEON(a []float32) float32

// vecConverter returns the NEON kernel for contiguous runs converting sr to dr (float64 ↔
// float32, int32, int8 and uint8 → float32): it converts the first n elements rounded down
// to its step and returns how many, the bits of Go's conversion on arm64 (the same
// instructions, four lanes wide; int8 and uint8 widen exactly first). nil for other pairs.
func vecConverter(dr, sr repr) func(dst, src mem, n int) int {
	switch {
	case dr == rFloat32 && sr == rFloat64:
		return runKernel(4, cvtF64F32NEON)
	case dr == rFloat64 && sr == rFloat32:
		return runKernel(4, cvtF32F64NEON)
	case dr == rFloat32 && sr == rInt32:
		return runKernel(4, cvtI32F32NEON)
	case dr == rFloat32 && sr == rInt8:
		return runKernel(8, cvtI8F32NEON)
	case dr == rFloat32 && sr == rUint8:
		return runKernel(8, cvtU8F32NEON)
	}
	return nil
}

// runKernel makes a kernel over typed slices a kernel over runs: it converts the first n
// elements rounded down to step (a power of two) and returns how many.
func runKernel[D, S any](step int, k func(dst []D, src []S)) func(dst, src mem, n int) int {
	return func(dst, src mem, n int) int {
		n &^= step - 1
		k(runSlice[D](dst, 0, n), runSlice[S](src, 0, n))
		return n
	}
}

// widenBF16Vec widens the first len(src) rounded down to 8 BFloat16 bit patterns of src into
// dst with the NEON kernel, returning how many.
func widenBF16Vec(dst []float32, src []uint16) int {
	n := len(src) &^ 7
	cvtBF16F32NEON(dst[:n], src[:n])
	return n
}

//go:noescape
func cvtF64F32NEON(dst []float32, src []float64)

//go:noescape
func cvtF32F64NEON(dst []float64, src []float32)

//go:noescape
func cvtI32F32NEON(dst []float32, src []int32)

//go:noescape
func cvtBF16F32NEON(dst []float32, src []uint16)

// cvtI8F32NEON sets dst[i] = float32(src[i]) for i < len(src) rounded down to 8.
//
//go:noescape
func cvtI8F32NEON(dst []float32, src []int8)

// cvtU8F32NEON sets dst[i] = float32(src[i]) for i < len(src) rounded down to 8.
//
//go:noescape
func cvtU8F32NEON(dst []float32, src []uint8)

// extremeVec is maxSlice (isMax) or minSlice for float64 and float32 (len(s) >= 16) with the
// NEON lane kernels: eight running extrema (a zero of either sign where +0 and -0 tie, as
// on amd64), combined in maxSlice's order, then the tail, then the first NaN if there is
// one. ok is false for other element types.
func extremeVec[T Real](s []T, isMax bool) (res T, ok bool) {
	switch s := any(s).(type) {
	case []float64:
		var lanes [8]float64
		var nan bool
		if isMax {
			nan = maxLanesF64NEON(s, &lanes)
		} else {
			nan = minLanesF64NEON(s, &lanes)
		}
		return any(foldLanes(s, &lanes, nan, isMax)).(T), true
	case []float32:
		var lanes [8]float32
		var nan bool
		if isMax {
			nan = maxLanesF32NEON(s, &lanes)
		} else {
			nan = minLanesF32NEON(s, &lanes)
		}
		return any(foldLanes(s, &lanes, nan, isMax)).(T), true
	}
	return res, false
}

//go:noescape
func maxLanesF64NEON(s []float64, lanes *[8]float64) bool

//go:noescape
func minLanesF64NEON(s []float64, lanes *[8]float64) bool

//go:noescape
func maxLanesF32NEON(s []float32, lanes *[8]float32) bool

//go:noescape
func minLanesF32NEON(s []float32, lanes *[8]float32) bool

// addVec adds src into dst elementwise (dst[i] += src[i], len(src) <= len(dst)) for float64
// and float32 with the NEON kernels, returning how many elements it added: 0 for other
// element types. dst is FADD's first operand, as in Go's dst[i] + src[i], so that where both
// are NaN the result is dst's.
func addVec[T Elem](dst, src []T) int { return addWith(dst, src, 4, addF64NEON, 8, addF32NEON) }

// indexVec returns the index of the first element of s equal to x (not NaN) for float64 and
// float32 with the NEON search kernels, as slices.Index (-0 equals +0), or -1 if none is; ok
// is false for other element types.
func indexVec[T Real](s []T, x T) (i int, ok bool) { return indexWith(s, x, findF64NEON, findF32NEON) }

// equalVec reports whether a and b (len(b) >= len(a)) hold equal float64 or float32
// elements (complex ones as their parts), as == compares them; ok is false for other
// element types.
func equalVec[T Elem](a, b []T) (equal, ok bool) { return equalWith(a, b, equalF64NEON, equalF32NEON) }

// addF64NEON sets dst[i] += src[i] for i < len(src) rounded down to 4.
//
//go:noescape
func addF64NEON(dst, src []float64)

// addF32NEON sets dst[i] += src[i] for i < len(src) rounded down to 8.
//
//go:noescape
func addF32NEON(dst, src []float32)

// findF64NEON returns the start of the first block of 8 elements of s holding one equal to x
// (FCMEQ: -0 equals +0, a NaN nothing), or len(s) rounded down to 8 if none does.
//
//go:noescape
func findF64NEON(s []float64, x float64) int

// findF32NEON is findF64NEON for float32, in blocks of 16.
//
//go:noescape
func findF32NEON(s []float32, x float32) int

// equalF64NEON returns the start of the first block of 8 elements where a and b differ
// (FCMEQ false: a NaN, or unequal values), or len(a) rounded down to 8 if none does;
// len(b) >= len(a).
//
//go:noescape
func equalF64NEON(a, b []float64) int

// equalF32NEON is equalF64NEON for float32, in blocks of 16.
//
//go:noescape
func equalF32NEON(a, b []float32) int

// wideVec: no NEON kernel widens Float16 or BFloat16 straight to float64; the Go path
// widens to float32 (on the NEON kernels where there are some), then to float64.
func wideVec(sr repr) func(dst, src mem, n int) int { return nil }
