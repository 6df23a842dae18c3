//go:build arm64 && !noasm

package ndview

// f16Vector says whether Float16 runs widen to float32 on cvtF16F32NEON
// (kernels_half_arm64.s): always, since every arm64 CPU has NEON and its half-precision
// conversions (FCVTL, FCVTN: ARMv8-A's Advanced SIMD).
const f16Vector = true

// widenF16Vec widens the first len(src) rounded down to 8 Float16 bit patterns of src into
// dst with the NEON kernel, returning how many. Its results are Float16.Float32's, bit for
// bit (NaN payloads included).
func widenF16Vec(dst []float32, src []uint16) int {
	n := len(src) &^ 7
	cvtF16F32NEON(dst[:n], src[:n])
	return n
}

// narrowVec returns the NEON kernel for contiguous runs converting float32 or float64 (sr)
// to Float16 or BFloat16 (dr), the bits of ToFloat16 and ToBFloat16 (Float16FromFloat64 and
// BFloat16FromFloat64, rounding once): it converts the first n elements rounded down to 8
// and returns how many. nil for other pairs.
func narrowVec(dr, sr repr) func(dst, src mem, n int) int {
	return narrowPick(dr, sr,
		[2]func(dst, src mem, n int) int{narrowWith(cvtF32F16NEON), narrowWith(cvtF64F16NEON)},
		[2]func(dst, src mem, n int) int{narrowWith(cvtF32BF16NEON), narrowWith(cvtF64BF16NEON)})
}

// narrowWith makes a narrowing kernel over typed slices a kernel over runs, eight elements
// at a time.
func narrowWith[S float32 | float64](k func(dst []uint16, src []S)) func(dst, src mem, n int) int {
	return runKernel(8, k)
}

// cvtF16F32NEON sets dst[i] = Float16(src[i]).Float32() for i < len(src) rounded down to 8.
//
//go:noescape
func cvtF16F32NEON(dst []float32, src []uint16)

// cvtF32F16NEON sets dst[i] = ToFloat16(src[i]) for i < len(src) rounded down to 8.
//
//go:noescape
func cvtF32F16NEON(dst []uint16, src []float32)

// cvtF32BF16NEON sets dst[i] = ToBFloat16(src[i]) for i < len(src) rounded down to 8.
//
//go:noescape
func cvtF32BF16NEON(dst []uint16, src []float32)

// cvtF64F16NEON sets dst[i] = Float16FromFloat64(src[i]) for i < len(src) rounded down to 8.
//
//go:noescape
func cvtF64F16NEON(dst []uint16, src []float64)

// cvtF64BF16NEON sets dst[i] = BFloat16FromFloat64(src[i]) for i < len(src) rounded down
// to 8.
//
//go:noescape
func cvtF64BF16NEON(dst []uint16, src []float64)
