//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package ndview

import (
	"os"
	"syscall"
)

type mapSys struct{}

// openNonblock keeps opening a FIFO from blocking until a writer comes; MapFile then refuses
// it as not a regular file. It changes nothing for regular files.
const openNonblock = syscall.O_NONBLOCK

// mapFile maps size bytes of f, shared, so that writes reach the file.
func mapFile(f *os.File, size int, writable bool) ([]byte, mapSys, error) {
	prot := syscall.PROT_READ
	if writable {
		prot |= syscall.PROT_WRITE
	}
	b, err := syscall.Mmap(int(f.Fd()), 0, size, prot, syscall.MAP_SHARED)
	return b, mapSys{}, err
}

func unmapFile(b []byte, _ mapSys, _ string, _ bool) error {
	return syscall.Munmap(b)
}
