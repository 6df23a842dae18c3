//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package npy

import (
	"errors"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ndview/ndview"
)

// Map of a named pipe, a device or a directory refuses at once (mapping a pipe would block,
// or map nothing) with ErrFormat, as ndview.MapFile does; for pipes and devices it points to
// Load, which reads them as streams.
func TestMapNotRegular(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no named pipes here:", err)
	}
	for _, p := range []string{fifo, "/dev/null", dir} {
		for _, writable := range []bool{false, true} {
			done := make(chan error, 1)
			go func() {
				_, err := Map[float64](p, writable)
				done <- err
			}()
			select {
			case err := <-done:
				if !errors.Is(err, ndview.ErrFormat) || !strings.HasPrefix(err.Error(), "ndview: npy.Map "+p+": ") {
					t.Errorf("Map(%s, %v): %v, want ErrFormat", p, writable, err)
				}
				if p != dir && !strings.Contains(err.Error(), "use npy.Load") {
					t.Errorf("Map(%s, %v): %v does not point to npy.Load", p, writable, err)
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("Map(%s, %v) blocks", p, writable)
			}
		}
	}
}
