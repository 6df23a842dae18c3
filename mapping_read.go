//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package ndview

import (
	"io"
	"os"
)

// On platforms without mmap the file is read into memory, and a writable mapping writes
// its bytes back on Close.
type mapSys struct{}

const openNonblock = 0

func mapFile(f *os.File, size int, _ bool) ([]byte, mapSys, error) {
	if lim := MemoryLimit(); size > lim {
		return nil, mapSys{}, opErrorf("MapFile", ErrOverflow, "reading %d bytes into memory exceeds the memory limit of %d bytes (ndview.MemoryLimit)", size, lim)
	}
	b := alignedBytes(size)
	_, err := io.ReadFull(f, b)
	return b, mapSys{}, err
}

func unmapFile(b []byte, _ mapSys, path string, writable bool) error {
	if !writable {
		return nil
	}
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	if _, err := f.WriteAt(b, 0); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
