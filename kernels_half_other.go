//go:build (!amd64 && !arm64) || noasm

package ndview

// f16Vector is false: no Float16 vector kernel here (neither amd64 nor arm64, or built with
// the noasm tag); the Go kernels run.
const f16Vector = false

func widenF16Vec(dst []float32, src []uint16) int { return 0 }

func narrowVec(dr, sr repr) func(dst, src mem, n int) int { return nil }

func wideVec(sr repr) func(dst, src mem, n int) int { return nil }
