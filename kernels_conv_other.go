//go:build (!amd64 && !arm64) || noasm

package ndview

// No conversion kernels here (neither amd64 nor arm64, or built with the noasm tag).

func vecConverter(dr, sr repr) func(dst, src mem, n int) int { return nil }

func widenBF16Vec(dst []float32, src []uint16) int { return 0 }
