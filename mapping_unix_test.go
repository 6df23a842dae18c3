//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package ndview

import (
	"errors"
	"path/filepath"
	"syscall"
	"testing"
)

// A FIFO with no writer would block open(2) forever; MapFile refuses it at once.
func TestMapFileFIFO(t *testing.T) {
	p := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Skip("mkfifo:", err)
	}
	for _, w := range []bool{false, true} {
		if _, err := MapFile(p, w); !errors.Is(err, ErrFormat) {
			t.Fatalf("FIFO (writable %v): %v", w, err)
		}
	}
}
