//go:build !amd64 || noasm

package ggml

// No vector kernels here (another architecture, or built with the noasm tag): the Go
// kernels run.
const vector = false

func q8_0Vec(dst []float32, src []byte) bool { return false }

func nibbleVec(dst []float32, src []byte, kv8 *[16]int8) bool { return false }

func mxfp4Vec(dst []float32, src []byte) bool { return false }

func q2kVec(dst []float32, src []byte) bool { return false }

func q3kVec(dst []float32, src []byte) bool { return false }

func q4kVec(dst []float32, src []byte) bool { return false }

func q5kVec(dst []float32, src []byte) bool { return false }

func q6kVec(dst []float32, src []byte) bool { return false }
