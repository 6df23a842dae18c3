//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package gguf

import (
	"errors"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ndview/ndview"
)

// Open of a named pipe, a device or a directory refuses at once with ErrFormat, as every
// mapping function of ndview does (opening a pipe with no writer must not block).
func TestOpenNotRegular(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "a.gguf")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no named pipes here:", err)
	}
	for _, p := range []string{fifo, "/dev/null", dir} {
		done := make(chan error, 1)
		go func() {
			f, err := Open(p)
			if err == nil {
				f.Close()
			}
			done <- err
		}()
		select {
		case err := <-done:
			if !errors.Is(err, ndview.ErrFormat) || !strings.HasPrefix(err.Error(), "ndview: gguf.Open "+p+": ") {
				t.Errorf("Open(%s): %v, want ErrFormat", p, err)
			}
			if p == dir && !strings.Contains(err.Error(), "a directory, not a GGUF file") {
				t.Errorf("Open of a directory: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("Open(%s) blocks", p)
		}
	}
}
