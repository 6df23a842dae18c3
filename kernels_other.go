//go:build !amd64 || noasm

package ndview

// f16Vector is false: no vector kernel here (another architecture, or built with the
// noasm tag); the Go kernels run.
const f16Vector = false

func widenF16Vec(dst []float32, src []uint16) int { return 0 }

const sumVector = false

func pairwiseBlockVec[T Elem](a []T) (res T, ok bool) { return res, false }

func extremeVec[T Real](s []T, isMax bool) (res T, ok bool) { return res, false }
