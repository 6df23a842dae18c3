//go:build arm64 && !noasm

package ndview

// f16Vector is false until the NEON Float16 kernels land.
const f16Vector = false

func widenF16Vec(dst []float32, src []uint16) int { return 0 }

func narrowVec(dr, sr repr) func(dst, src mem, n int) int { return nil }
