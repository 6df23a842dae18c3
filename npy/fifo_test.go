//go:build linux || darwin

package npy

import (
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Map of a named pipe refuses at once (mapping one would block, or map nothing), pointing
// to Load, which reads pipes as streams.
func TestMapNamedPipe(t *testing.T) {
	p := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Skip("no named pipes here:", err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := Map[float64](p, false)
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, fs.ErrInvalid) || !strings.Contains(err.Error(), "use npy.Load") {
			t.Fatalf("Map of a named pipe: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Map of a named pipe blocks")
	}
}
