//go:build (!amd64 && !arm64) || noasm

package ndview

// No extrema kernels here (neither amd64 nor arm64, or built with the noasm tag).

func extremeVec[T Real](s []T, isMax bool) (res T, ok bool) { return res, false }
