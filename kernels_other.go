//go:build !amd64 || noasm

package ndview

// convVector: the amd64 conversion, fill and equal kernels; false here.
const convVector = false

// extremeQuadVec: no four-stream extrema kernels here (amd64's only; arm64 has not been
// measured).
func extremeQuadVec[T Real](q *[4][]T, isMax bool, res *[4]T, lanes *[4][4][8]T) bool {
	return false
}

// addRows4Vec: no four-row add kernels here.
func addRows4Vec[T Elem](dst []T, q *[4][]T, first bool) int { return -1 }

// pairwiseBlockQuadVec: no four-run block kernels here.
func pairwiseBlockQuadVec[T Elem](q *[4][]T, r *[4]T) bool { return false }

func fillVec[T Elem](s []T, x T) bool { return false }

func transposeVec[T Elem](dst, src mem, r0, c0, nr, nc, dr, dc, sr, sc int) bool { return false }
