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
