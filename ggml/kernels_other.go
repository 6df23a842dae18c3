//go:build (!amd64 && !arm64) || noasm

package ggml

// No vector kernels here (another architecture, or built with the noasm tag): the Go
// kernels run.
const vector = false

func nibbleVec(dst []float32, src []byte, kv8 *[16]int8) bool { return false }

func mxfp4Vec(dst []float32, src []byte) bool { return false }

func blocksVec(t Type, dst []float32, src []byte) bool { return false }
