//go:build (!amd64 && !arm64) || noasm

package ndview

// sumVector is false: no vector kernel for the pairwise sum's blocks here (neither amd64
// nor arm64, or built with the noasm tag); the Go loop runs.
const sumVector = false

func pairwiseBlockVec[T Elem](a []T) (res T, ok bool) { return res, false }
