//go:build (!amd64 && !arm64) || noasm

package ndview

// No extrema, row add, search or equal kernels here (neither amd64 nor arm64, or built with
// the noasm tag).
func extremeVec[T Real](s []T, isMax bool) (res T, ok bool) { return res, false }

func addVec[T Elem](dst, src []T) int { return 0 }

func indexVec[T Real](s []T, x T) (i int, ok bool) { return 0, false }

func equalVec[T Elem](a, b []T) (equal, ok bool) { return false, false }
