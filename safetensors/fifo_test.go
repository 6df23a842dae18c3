//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package safetensors

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ndview/ndview"
)

// Open of a named pipe, a device or a directory refuses at once with ErrFormat, as every
// mapping function of ndview does, whether it is given as a file or as an index (opening a
// pipe with no writer must not block), and so does an index that names one as a shard.
func TestOpenNotRegular(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "a.safetensors")
	fifoIndex := filepath.Join(dir, "model.safetensors.index.json")
	for _, p := range []string{fifo, fifoIndex} {
		if err := syscall.Mkfifo(p, 0o600); err != nil {
			t.Skip("no named pipes here:", err)
		}
	}
	devIndex := filepath.Join(dir, "dev.index.json")
	dirIndex := filepath.Join(dir, "d.index.json")
	shards := filepath.Join(dir, "shards.index.json")
	if err := os.Symlink("/dev/null", devIndex); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(dirIndex, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(shards, []byte(`{"weight_map":{"x":"a.safetensors"}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{fifo, "/dev/null", dir, fifoIndex, devIndex, dirIndex, shards} {
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
			if !errors.Is(err, ndview.ErrFormat) || !strings.HasPrefix(err.Error(), "ndview: safetensors.Open") {
				t.Errorf("Open(%s): %v, want ErrFormat", p, err)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("Open(%s) blocks", p)
		}
	}
}
