//go:build !amd64 || noasm

package ndview

// f16Vector is false: no vector kernel here (another architecture, or built with the
// noasm tag); the Go kernels run.
const f16Vector = false

// convVector: the amd64 conversion, fill and equal kernels; false here.
const convVector = false

func widenF16Vec(dst []float32, src []uint16) int { return 0 }

func addVec[T Elem](dst, src []T) int { return 0 }

func indexVec[T Real](s []T, x T) (i int, ok bool) { return 0, false }

func fillVec[T Elem](s []T, x T) bool { return false }

func equalVec[T Elem](a, b []T) (equal, ok bool) { return false, false }

func transposeVec[T Elem](dst, src mem, r0, c0, nr, nc, dr, dc, sr, sc int) bool { return false }

func narrowVec(dr, sr repr) func(dst, src mem, n int) int { return nil }
