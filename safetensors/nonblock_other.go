//go:build !unix

package safetensors

// openNonblock is 0 where there are no named pipes to block on.
const openNonblock = 0
