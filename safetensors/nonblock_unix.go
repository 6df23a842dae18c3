//go:build unix

package safetensors

import "syscall"

// openNonblock keeps opening a named pipe from blocking until a writer comes; the file is
// then refused as not a regular file. It changes nothing for regular files.
const openNonblock = syscall.O_NONBLOCK
